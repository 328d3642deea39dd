/**
 * models/: the model package (manifest, files, hashes), the tokenizer, and the package's graphs
 * behind domain methods (query writer, teacher step with gradients, sampler, answerer).
 */
export { manifestSchema, SUPPORTED_MANIFEST_SCHEMA, graphNames } from './manifest'
export type { GraphName, ModelManifest } from './manifest'
export { loadModelPackage, ModelPackageError } from './package'
export type { ModelPackage } from './package'
export { Tokenizer } from './tokenizer'
export { StudioModels } from './studio-models'
export type { Conditioning, QueryInput, TeacherStep } from './studio-models'
export { formatPlan, parsePlan } from './plan-text'
export type { PlannedQuery } from './plan-text'
export { seededUniform, standardNormal } from './noise'
export { BUILT_IN_PACKAGE, defaultPackageDir, defaultPackageDirs } from './locate'
export { ModelLibrary } from './library'
export type { LibraryEntry } from './library'
