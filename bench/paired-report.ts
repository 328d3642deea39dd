/**
 * `npm run bench:paired -- bench/results/DATE[-PACKAGE]-SPLIT-records.json ...`
 *
 * The paired comparison of the teacher method against base, best-of-N and the solver (bench/paired.ts),
 * overall and per family, from the records a benchmark run wrote: benchmarks run before the table was
 * part of `npm run bench` get it without running again. Uses the run's own compute-matched N.
 */
import { readFileSync } from 'node:fs'
import { PAIRED_NOTE, pairedRows, pairedTable, type TaskRecord } from './summarize'

const files = process.argv.slice(2)
if (!files.length) throw new Error('usage: npm run bench:paired -- bench/results/<run>-records.json ...')
for (const file of files) {
  const { n, records } = JSON.parse(readFileSync(file, 'utf8')) as { n: number; records: TaskRecord[] }
  if (!Array.isArray(records) || !Number.isInteger(n)) throw new Error(`${file} is not a records file of npm run bench (no "n" and "records")`)
  console.log(`## ${file}: ${records.length} tasks, best-of-${n}\n\n${PAIRED_NOTE}\n\n### Overall\n\n${pairedTable(pairedRows(records, n))}\n`)
  for (const family of [...new Set(records.map((r) => r.family))]) {
    console.log(`### ${family}\n\n${pairedTable(pairedRows(records.filter((r) => r.family === family), n))}\n`)
  }
}
