// Builders of small models and artifact fixtures for tests, shared by core and the apps (pure, like
// the main entry: it runs in Node and in workerd). Not for production code.
export { reseal, TEST_METADATA } from './artifact-fixtures.js';
export {
  handMadeMetadata,
  randomInteractionModel,
  TEST_IALS_FOLD_IN,
  type RandomInteractionModelOptions,
} from './interaction-model.js';
export { gaussianRatingModel, type GaussianModelShape } from './gaussian-model.js';
export { randomRatingModel, type RandomRatingModelOptions } from './rating-model.js';
export { clusteredInteractionModel, type ClusteredModelOptions } from './clustered-model.js';
