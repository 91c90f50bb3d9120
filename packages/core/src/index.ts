export { ACTIVATIONS, activate, type Activation } from './activation.js';
export { OBJECTIVES, type Objective } from './objective.js';
export { createIdEncoder, createIdIndex, unknownIdMessage, type IdEncoder, type IdIndex } from './ids.js';
export {
  assertValidScale,
  clipRating,
  minMaxScale,
  SCORE_SCALE,
  scaleRating,
  unscaleRating,
  type RatingScale,
} from './scale.js';
export {
  assertModelShape,
  objectiveOf,
  rankingHead,
  type Float32RecommenderModel,
  type RecommenderModel,
} from './recommender-model.js';
export { factorLength, isInt8Rows, readRow, toFloat32, type FactorTable } from './factor-table.js';
export { quantizeRows, type Int8Rows } from './int8-rows.js';
export { buildSeenItems, seenBy, type SeenItems } from './seen-items.js';
export {
  dotRows,
  logit,
  predict,
  predictWithFallback,
  rawScore,
  ratingFromRaw,
  type Prediction,
} from './score.js';
export { topKItems, userQuery, type RankedItem, type TopKOptions, type UserQuery } from './topk.js';
export { similarItems, type SimilarItem, type SimilarItemsOptions } from './similar-items.js';
export { rowNorms } from './row-norms.js';
export {
  DEFAULT_FOLD_IN_ITERATIONS,
  DEFAULT_FOLD_IN_L2,
  foldInObjective,
  foldInUser,
  itemBiasQuery,
  type FoldInOptions,
  type FoldInRating,
} from './fold-in.js';
export { mae, rmse } from './metrics.js';
export { gaussian, mulberry32, shuffleInPlace } from './random.js';
export { evaluateRatings, measureAccuracy, type IndexedRatings, type RatingAccuracy } from './evaluate.js';
export { ArtifactError, type ArtifactErrorCode } from './artifact/errors.js';
export { sha256Hex } from './artifact/hash.js';
export {
  ARTIFACT_FORMAT,
  ARTIFACT_VERSION,
  READABLE_VERSIONS,
  artifactSchema,
  artifactSchemaV1,
  type ArtifactJson,
  type ArtifactJsonV1,
  type ArtifactMetrics,
  type ArtifactRankingMetrics,
  type EpochRecord,
  type ArtifactSignatureJson,
  type FoldInJson,
  type HistoryRecord,
  type RankingHeadJson,
  type TrainingInfo,
} from './artifact/schema.js';
export {
  TABLE_ENCODINGS,
  decodeFactorTable,
  decodeTable,
  encodeTable,
  type EncodedTable,
  type TableEncoding,
} from './artifact/tables.js';
export { FLOAT16_MAX, fromFloat16Bits, toFloat16Bits } from './artifact/float16.js';
export { parseArtifact, type ArtifactMeta, type LoadedArtifact, type ParseOptions } from './artifact/read.js';
export { biasEncoding, serializeArtifact, type ArtifactMetadata, type SerializeOptions } from './artifact/write.js';
export { signArtifact } from './artifact/sign.js';
export {
  generateSigningKeyPair,
  importPublicKey,
  importPublicKeys,
  importSigningKey,
  keyIdOf,
  verifyArtifactHash,
  type ArtifactPublicKey,
  type ArtifactSigningKey,
  type GeneratedKeyPair,
} from './artifact/signature.js';
export {
  averagePrecisionAtK,
  evaluateRanking,
  hitAtK,
  modelRanker,
  ndcgAtK,
  orderRanker,
  popularityPercentiles,
  precisionAtK,
  recallAtK,
  type OrderRankerOptions,
  type Ranker,
  type RankingAccuracy,
  type RankingOptions,
} from './ranking.js';
export {
  itemPopularity,
  mostPopular,
  popularityOrder,
  popularityRanker,
  type MostPopularOptions,
  type PopularItem,
  type PopularityRankerOptions,
} from './popularity.js';
export {
  assertValidConfidence,
  BINARY_CONFIDENCE,
  CONFIDENCE_MODES,
  confidenceOf,
  type Confidence,
  type ConfidenceMode,
} from './ials/confidence.js';
export type { InteractionFoldIn } from './ials/fold-in-params.js';
export { foldInInteractions, type FoldInInteraction, type InteractionFoldInOptions } from './ials/fold-in.js';
export { gramian } from './ials/gramian.js';
export { IalsRowSolver, rowRegularization } from './ials/row-solve.js';
export {
  biasRanker,
  evaluateBaseline,
  fitBiasBaseline,
  globalMeanBaseline,
  predictBaseline,
  type BaselineRows,
  type BiasBaseline,
  type BiasBaselineOptions,
  type BiasRankerOptions,
} from './baselines.js';
export { DEFAULT_MAX_DECODED_BYTES, K_MAX, K_MIN, MAX_BATCH, MAX_DIM, MAX_ID_LENGTH, MAX_IDS } from './limits.js';
