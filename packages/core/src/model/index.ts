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
