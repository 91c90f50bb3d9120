export { BACKENDS, loadBackend, type BackendChoice, type ReadyBackend } from './backend.js';
export { registerSegmentSumKernels, segmentSumInto } from './kernels/unsorted-segment-sum.js';
export {
  createRecommenderNet,
  disposeNet,
  exportTables,
  forwardPass,
  importTables,
  netVariables,
  type FactorTables,
  type ForwardPass,
  type RecommenderNet,
  type RecommenderNetConfig,
} from './recommender-net.js';
export {
  DivergedError,
  DEFAULT_RECIPE,
  ENGINES,
  SEED_RECIPE,
  trainRecommender,
  type EngineChoice,
  type SideFeatures,
  type TrainHooks,
  type TrainOptions,
  type TrainResult,
  type TrainingRows,
} from './train.js';
export type { EngineConfig, TrainingBatch, TrainingEngine } from './engine.js';
export { createAutodiffEngine } from './autodiff-engine.js';
export { createFusedEngine } from './fused/fused-engine.js';
export { buildMemberships, type Memberships } from './fused/memberships.js';
export { MF_TRAIN_STEP, registerMfTrainStepKernel } from './fused/mf-step-kernel.js';
export { createMfTables, foldTables, type MfStructure, type MfTables } from './fused/mf-tables.js';
export type { Tf } from './tf.js';
// iALS (implicit-feedback alternating least squares)
export {
  DEFAULT_IALS,
  ialsLoss,
  trainIals,
  type IalsHooks,
  type IalsInput,
  type IalsIterationRecord,
  type IalsOptions,
  type IalsResult,
  type IalsStart,
  type IalsValidation,
} from './ials/train-ials.js';
export { buildCsr, transposeCsr, type Csr } from './ials/csr.js';
export { ialsWorkersAvailable } from './ials/ials-pool.js';
// sampled-negative interaction training
export { MF_LOSSES, type MfLoss } from './fused/mf-losses.js';
export type { FusedBatch, FusedEngine, FusedEngineConfig } from './fused/fused-engine.js';
export {
  SAMPLED_BPR_RECIPE,
  SAMPLED_RECIPE,
  trainSampledInteractions,
  type InteractionValidation,
  type SampledEpochRecord,
  type SampledTrainHooks,
  type SampledTrainOptions,
  type SampledTrainResult,
} from './sampled/train-sampled.js';
export type { InteractionPositives } from './sampled/interaction-batches.js';
export {
  createNegativeSampler,
  NEGATIVE_SAMPLERS,
  type NegativeSampler,
  type NegativeSamplerOptions,
  type NegativeSampling,
} from './sampled/negative-sampler.js';
export { interactionRanker, type InteractionRankerOptions } from './sampled/interaction-ranker.js';
