/** The benchmark's two plots as SVG, rasterised to PNG with sharp (no plotting stack needed). */
import sharp from 'sharp'

const W = 640
const H = 360
const M = { left: 56, right: 16, top: 36, bottom: 48 }
const COLORS = ['#868e96', '#4dabf7', '#f59f00', '#2f9e44', '#ae3ec9', '#e03131']
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

function frame(title: string, yLabel: string, body: string): string {
  const ph = H - M.top - M.bottom
  const ticks = [0, 25, 50, 75, 100]
    .map((v) => {
      const y = M.top + ph - (v / 100) * ph
      return `<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#e9ecef"/><text x="${M.left - 8}" y="${y + 4}" text-anchor="end" font-size="11">${v}</text>`
    })
    .join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif"><rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>${ticks}
<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>${body}</svg>`
}

/** Success (%) against the number of optimization steps, with reference lines. */
export async function successCurvePng(path: string, split: string, curve: number[], refs: { label: string; value: number }[]): Promise<void> {
  const pw = W - M.left - M.right
  const ph = H - M.top - M.bottom
  const x = (k: number) => M.left + (k / Math.max(curve.length - 1, 1)) * pw
  const y = (v: number) => M.top + ph - (v / 100) * ph
  const line = curve.map((v, k) => `${k ? 'L' : 'M'}${x(k).toFixed(1)},${y(v).toFixed(1)}`).join(' ')
  const xt = curve.map((_, k) => (k % 2 === 0 ? `<text x="${x(k)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11">${k}</text>` : '')).join('')
  const refLines = refs
    .map((r, i) => `<line x1="${M.left}" x2="${W - M.right}" y1="${y(r.value)}" y2="${y(r.value)}" stroke="${COLORS[(i + 1) % COLORS.length]}" stroke-dasharray="6 4"/><text x="${M.left + 6 + i * 160}" y="${y(r.value) - 4}" font-size="11" fill="${COLORS[(i + 1) % COLORS.length]}">${esc(r.label)} ${r.value.toFixed(1)}%</text>`)
    .join('')
  const dots = curve.map((v, k) => `<circle cx="${x(k)}" cy="${y(v)}" r="3" fill="${COLORS[3]}"/>`).join('')
  const body = `${refLines}<path d="${line}" fill="none" stroke="${COLORS[3]}" stroke-width="2"/>${dots}${xt}<text x="${M.left + pw / 2}" y="${H - 10}" text-anchor="middle" font-size="12">optimization steps (fixed budget, no early stop)</text>`
  await sharp(Buffer.from(frame(`Success against steps (${split}, rule-based evaluator)`, 'success %', body))).png().toFile(path)
}

/** Grouped bars: success (%) per family for each method. */
export async function familyBarsPng(path: string, split: string, families: string[], methods: { name: string; values: number[] }[]): Promise<void> {
  const pw = W - M.left - M.right
  const ph = H - M.top - M.bottom
  const group = pw / families.length
  const bw = (group * 0.8) / methods.length
  const bars = families
    .map((f, i) =>
      methods
        .map((m, j) => {
          const v = m.values[i]
          const h = (v / 100) * ph
          const x0 = M.left + i * group + group * 0.1 + j * bw
          return `<rect x="${x0.toFixed(1)}" y="${(M.top + ph - h).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[j % COLORS.length]}"/>`
        })
        .join('') + `<text x="${M.left + i * group + group / 2}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11">${esc(f)}</text>`,
    )
    .join('')
  const legend = methods.map((m, j) => `<rect x="${M.left + j * 150}" y="${H - 18}" width="10" height="10" fill="${COLORS[j % COLORS.length]}"/><text x="${M.left + j * 150 + 14}" y="${H - 9}" font-size="11">${esc(m.name)}</text>`).join('')
  await sharp(Buffer.from(frame(`Success per family (${split}, rule-based evaluator)`, 'success %', bars + legend))).png().toFile(path)
}
