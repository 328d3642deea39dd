/** Writes the task file's JSON Schema to resources/schemas/task.schema.json (npm run schema). */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { taskFileJsonSchema } from '../src/main/engine/studio/task-file'

const target = join(import.meta.dirname, '..', 'resources', 'schemas', 'task.schema.json')
mkdirSync(dirname(target), { recursive: true })
writeFileSync(target, JSON.stringify(taskFileJsonSchema(), null, 2) + '\n')
console.log(`wrote ${target}`)
