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
  SEED_RECIPE,
  trainRecommender,
  type TrainHooks,
  type TrainOptions,
  type TrainResult,
  type TrainingRows,
} from './train.js';
export type { Tf } from './tf.js';
