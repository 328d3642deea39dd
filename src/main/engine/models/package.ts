/**
 * Loads a model package folder: validates manifest.json, checks every listed file exists and
 * matches its sha256, refuses graphs onnxruntime would run nondeterministically (graph-ops.ts),
 * and reads the vocabulary. The package hash (sha256 of the manifest) is what a
 * run records so its result can be tied to the exact weights.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { racyOps } from './graph-ops'
import { manifestSchema, SUPPORTED_MANIFEST_SCHEMA, type ModelManifest } from './manifest'
import { Tokenizer, vocabularySchema } from './tokenizer'

export class ModelPackageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ModelPackageError'
  }
}

export interface ModelPackage {
  dir: string
  id: string
  /** sha256 of manifest.json, which itself lists the sha256 of every file. */
  hash: string
  manifest: ModelManifest
  tokenizer: Tokenizer
  graphPath(name: keyof ModelManifest['graphs']): string
}

const rebuildHint = 'reinstall the studio or rebuild the package with `python -m teacher_studio_modelkit.build`'

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Refuses a graph that onnxruntime would run with results that change from call to call. */
function checkDeterministic(bytes: Uint8Array, file: string, root: string): void {
  let racy
  try {
    racy = racyOps(bytes)
  } catch (error) {
    throw new ModelPackageError(`Model file ${file} in ${root} is not a readable ONNX model (${(error as Error).message}): ${rebuildHint}.`)
  }
  if (racy.length > 0) {
    throw new ModelPackageError(
      `Model file ${file} in ${root} holds ${racy.length} ScatterND node${racy.length === 1 ? '' : 's'} with reduction "add" (${racy[0].name}${racy.length > 1 ? ', ...' : ''}), which onnxruntime adds from several threads without synchronisation: its results, the teacher's gradients included, would change from call to call. Rebuild the package with this studio's modelkit, which exports them as gathers and sums.`,
    )
  }
}

export function loadModelPackage(dir: string, options: { verifyHashes?: boolean } = {}): ModelPackage {
  const root = resolve(dir)
  const name = basename(root)
  const manifestPath = join(root, 'manifest.json')
  if (!existsSync(manifestPath)) throw new ModelPackageError(`Model package "${name}" has no manifest.json in ${root}: ${rebuildHint}.`)
  const raw = readFileSync(manifestPath)
  let json: unknown
  try {
    json = JSON.parse(raw.toString('utf8'))
  } catch (error) {
    throw new ModelPackageError(`manifest.json of model package "${name}" is not valid JSON (${(error as Error).message}): ${rebuildHint}.`)
  }
  const version = (json as { schema?: unknown })?.schema
  if (version !== SUPPORTED_MANIFEST_SCHEMA) {
    throw new ModelPackageError(
      `Model package "${name}" uses manifest schema ${String(version)}, but this studio reads schema ${SUPPORTED_MANIFEST_SCHEMA}: install a studio version that matches the package, or rebuild the package with this studio's modelkit.`,
    )
  }
  const parsed = manifestSchema.safeParse(json)
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
    throw new ModelPackageError(`manifest.json of model package "${name}" does not match the expected format (${issues}): ${rebuildHint}.`)
  }
  const manifest = parsed.data
  const checked = new Set<string>()
  for (const [file, expected] of Object.entries(manifest.files)) {
    const path = join(root, file)
    if (!existsSync(path)) throw new ModelPackageError(`Model file ${file} is missing from ${root}: ${rebuildHint}.`)
    const bytes = readFileSync(path)
    if (options.verifyHashes !== false && sha256(bytes) !== expected) {
      throw new ModelPackageError(`Model file ${file} in ${root} does not match its checksum in manifest.json (damaged or replaced): ${rebuildHint}.`)
    }
    if (file.endsWith('.onnx')) {
      checkDeterministic(bytes, file, root)
      checked.add(file)
    }
  }
  for (const graph of Object.values(manifest.graphs)) {
    const path = join(root, graph.file)
    if (!existsSync(path)) throw new ModelPackageError(`Model file ${graph.file} is missing from ${root}: ${rebuildHint}.`)
    if (!checked.has(graph.file)) checkDeterministic(readFileSync(path), graph.file, root)
  }
  const vocabularyPath = join(root, manifest.text.vocabulary)
  if (!existsSync(vocabularyPath)) throw new ModelPackageError(`Model file ${manifest.text.vocabulary} is missing from ${root}: ${rebuildHint}.`)
  const vocabulary = vocabularySchema.safeParse(JSON.parse(readFileSync(vocabularyPath, 'utf8')))
  if (!vocabulary.success) throw new ModelPackageError(`${manifest.text.vocabulary} of model package "${name}" is malformed: ${rebuildHint}.`)
  return {
    dir: root,
    id: manifest.name,
    hash: createHash('sha256').update(raw).digest('hex'),
    manifest,
    tokenizer: new Tokenizer(vocabulary.data),
    graphPath: (graph) => join(root, manifest.graphs[graph].file),
  }
}
