export {
  trainModel,
  type ModelOptions,
  type TrainedModel,
  type TrainModelOptions,
  type TrainSummary,
} from './pipeline/train-model.js';
export {
  readRatingsFile,
  type DuplicatePolicy,
  type RatingsFile,
  type ReadRatingsOptions,
} from './data/read-ratings.js';
export { RATINGS_FORMATS, type RatingsFormat } from './data/formats.js';
export type { RatingsTable } from './data/ratings-table.js';
export { DataError } from './data/data-error.js';
export { generateSynthetic, type SynthOptions, type SynthTruth } from './data/synth.js';
export { writeRatingsFile } from './data/write-ratings.js';
export { splitRows, type RowSplit } from './data/split.js';
export { compactIds, indexAgainst, selectRows } from './data/reindex.js';
export { writeFileAtomic } from './io/atomic-write.js';
export { readArtifactFile } from './io/read-artifact.js';
export { UserError } from './user-error.js';
