export { BACKENDS, loadBackend, type BackendChoice } from './backend.js';
export type { FactorTables } from './recommender-net.js';
export {
  DEFAULT_RECIPE,
  ENGINES,
  SEED_RECIPE,
  trainRecommender,
  type SideFeatures,
  type TrainHooks,
  type TrainOptions,
  type TrainResult,
  type TrainingRows,
} from './train.js';
export { buildMemberships, type Memberships } from './fused/memberships.js';
// iALS (implicit-feedback alternating least squares)
export { DEFAULT_IALS, trainIals } from './ials/train-ials.js';
// sampled-negative interaction training
export { SAMPLED_RECIPE, trainSampledInteractions } from './sampled/train-sampled.js';
export { NEGATIVE_SAMPLERS, type NegativeSampling } from './sampled/negative-sampler.js';
export { interactionRanker } from './sampled/interaction-ranker.js';
