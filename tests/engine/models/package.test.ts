import { createHash } from 'node:crypto'
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadModelPackage, ModelPackageError } from '../../../src/main/engine/models'
import { APPEARANCES, spritesFor } from '../../../src/main/engine/tasks'
import { builtInPackage, builtInPackageDir } from '../../helpers/model-package'
import { onnxModel } from '../../helpers/onnx-bytes'
import { useTempDirs } from '../../helpers/temp'

const tempDir = useTempDirs()

function copyOfPackage(): string {
  const dir = join(tempDir(), 'gridworld')
  cpSync(builtInPackageDir, dir, { recursive: true })
  return dir
}

describe('the built-in model package', () => {
  it('loads with every file matching its checksum', () => {
    const pkg = builtInPackage()
    expect(pkg.id).toBe('gridworld')
    expect(pkg.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(Object.keys(pkg.manifest.graphs).sort()).toEqual(['decode', 'plan', 'sample', 'tto_step', 'vqa'])
  })

  it('draws cells exactly as the task suite does (same appearances and sprites)', () => {
    const manifest = builtInPackage().manifest as unknown as { appearances: { id: number; name: string; rgb: number[] }[]; sprites: string; video: { cellPx: number } }
    expect(manifest.appearances.map((a) => [a.id, a.name, a.rgb])).toEqual(APPEARANCES.map((a) => [a.id, a.name, [...a.rgb]]))
    // sprites.npy: uint8 [A, px, px, 3] after a 128-byte .npy header
    const npy = readFileSync(join(builtInPackageDir, manifest.sprites))
    const headerLength = npy.readUInt16LE(8)
    const body = npy.subarray(10 + headerLength)
    const suite = spritesFor(manifest.video.cellPx)
    expect(body.length).toBe(suite.length * suite[0].length)
    suite.forEach((sprite, id) => expect(Buffer.from(body.subarray(id * sprite.length, (id + 1) * sprite.length)).equals(Buffer.from(sprite))).toBe(true))
  })
})

describe('loadModelPackage errors', () => {
  it('names a missing graph file and what to do', () => {
    const dir = copyOfPackage()
    rmSync(join(dir, 'tto_step.onnx'))
    expect(() => loadModelPackage(dir)).toThrow(ModelPackageError)
    expect(() => loadModelPackage(dir)).toThrow(/Model file tto_step\.onnx is missing from .*gridworld: reinstall the studio or rebuild the package/)
  })

  it('refuses a manifest from another schema version', () => {
    const dir = copyOfPackage()
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, schema: 99 }))
    expect(() => loadModelPackage(dir)).toThrow(/uses manifest schema 99, but this studio reads schema 1/)
  })

  it('refuses a graph holding a ScatterND add, whose results onnxruntime makes change from call to call', () => {
    const dir = copyOfPackage()
    const racy = onnxModel([{ name: 'node_ScatterND_11749', opType: 'ScatterND', reduction: 'add' }])
    writeFileSync(join(dir, 'vqa.onnx'), racy)
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
    manifest.files['vqa.onnx'] = createHash('sha256').update(racy).digest('hex')
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest))
    expect(() => loadModelPackage(dir)).toThrow(ModelPackageError)
    expect(() => loadModelPackage(dir)).toThrow(
      /Model file vqa\.onnx in .*gridworld holds 1 ScatterND node with reduction "add" \(node_ScatterND_11749\).*would change from call to call\. Rebuild the package with this studio's modelkit/,
    )
  })

  it('detects a damaged file by its checksum', () => {
    const dir = copyOfPackage()
    const vqa = readFileSync(join(dir, 'vqa.onnx'))
    vqa[vqa.length - 5] ^= 0xff
    writeFileSync(join(dir, 'vqa.onnx'), vqa)
    expect(() => loadModelPackage(dir)).toThrow(/vqa\.onnx .* does not match its checksum/)
  })

  it('explains an unreadable or malformed manifest', () => {
    const dir = copyOfPackage()
    writeFileSync(join(dir, 'manifest.json'), '{ not json')
    expect(() => loadModelPackage(dir)).toThrow(/not valid JSON/)
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ schema: 1, name: 'x' }))
    expect(() => loadModelPackage(dir)).toThrow(/does not match the expected format \(video: /)
    rmSync(join(dir, 'manifest.json'))
    expect(() => loadModelPackage(dir)).toThrow(/has no manifest\.json/)
  })
})
