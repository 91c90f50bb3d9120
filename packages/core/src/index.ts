export { ACTIVATIONS, activate, type Activation } from './activation.js';
export { OBJECTIVES, type Objective } from './objective.js';
export { createIdEncoder, createIdIndex, unknownIdMessage, type IdEncoder, type IdIndex } from './ids.js';
export { minMaxScale, SCORE_SCALE, scaleRating, unscaleRating, type RatingScale } from './scale.js';
export { objectiveOf, rankingHead, type RecommenderModel } from './recommender-model.js';
export { isInt8Rows, readRow } from './factor-table.js';
export { quantizeRows } from './int8-rows.js';
export { buildSeenItems, seenBy, type SeenItems } from './seen-items.js';
export { logit, predict, predictWithFallback, rawScore, ratingFromRaw } from './score.js';
export { topKItems, userQuery, type RankedItem, type TopKOptions, type UserQuery } from './topk.js';
export { similarItems } from './similar-items.js';
export { installWasmScoring, uninstallWasmScoring, useWasmScorer, wasmScoring } from './simd/install.js';
export { createWasmScorer, WasmScorer, type WasmScorerOptions } from './simd/wasm-scorer.js';
export type { WasmModule } from './simd/wasm-api.js';
export { DEFAULT_FOLD_IN_L2, foldInUser, itemBiasQuery, type FoldInRating } from './fold-in.js';
export { rmse } from './metrics.js';
export { gaussian, mulberry32, shuffleInPlace } from './random.js';
export { evaluateRatings, type IndexedRatings, type RatingAccuracy } from './evaluate.js';
export { ArtifactError } from './artifact/errors.js';
export { sha256Hex } from './artifact/hash.js';
export {
  artifactSchema,
  IVF_KMEANS,
  type ArtifactMetrics,
  type ArtifactRankingMetrics,
  type EpochRecord,
  type HistoryRecord,
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
export { parseArtifact, type ArtifactMeta, type LoadedArtifact, type ParseOptions } from './artifact/read.js';
export { serializeArtifact, type ArtifactMetadata } from './artifact/write.js';
export { signArtifact } from './artifact/sign.js';
export {
  generateSigningKeyPair,
  importPublicKeys,
  importSigningKey,
  type ArtifactPublicKey,
  type ArtifactSigningKey,
  type GeneratedKeyPair,
} from './artifact/signature.js';
export { evaluateRanking, modelRanker, type RankingAccuracy } from './ranking.js';
export { itemPopularity, mostPopular, popularityRanker, type MostPopularOptions } from './popularity.js';
export { CONFIDENCE_MODES, type ConfidenceMode } from './ials/confidence.js';
export type { InteractionFoldIn } from './ials/fold-in-params.js';
export { foldInInteractions, type FoldInInteraction } from './ials/fold-in.js';
export { gramian } from './ials/gramian.js';
export { biasRanker, evaluateBaseline, fitBiasBaseline, globalMeanBaseline, predictBaseline } from './baselines.js';
export {
  DEFAULT_MAX_DECODED_BYTES,
  K_MAX,
  K_MIN,
  MAX_BATCH,
  MAX_DIM,
  MAX_ID_LENGTH,
  MAX_IDS,
  MAX_IVF_LISTS,
} from './limits.js';
export {
  VECTORIZE_MAX_DIMENSIONS,
  VECTORIZE_MAX_ID_BYTES,
  VECTORIZE_MAX_TOP_K,
  VECTORIZE_MAX_VECTORS,
  VECTORIZE_METRIC,
  vectorizeDimensions,
  vectorizeId,
  vectorizeItemIndex,
  vectorizeItemValues,
  vectorizeNamespace,
  vectorizeQueryValues,
} from './ann/vectorize.js';
export type { IvfBuildInfo, IvfIndex, IvfProbeDefault } from './ann/ivf-index.js';
export { ivfRecall, nprobeLadder, type IvfRecallPoint } from './ann/ivf-recall.js';
export { buildIvfIndex, defaultIvfLists, type IvfBuildOptions } from './ann/ivf-build.js';
export {
  clampProbe,
  ivfCandidates,
  ivfTopKItems,
  listItems,
  probeLists,
  type IvfRanking,
  type IvfTopKOptions,
} from './ann/ivf-probe.js';
export { withIvfIndex } from './artifact/attach-ivf.js';
export { orderByLists } from './ann/ivf-reorder.js';
