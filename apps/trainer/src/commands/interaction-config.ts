import type { InteractionRecipe } from '../pipeline/interaction-head.js';
import {
  INTERACTION_HYPERPARAMETERS,
  INTERACTION_KEYS,
  interactionProblem,
} from '../pipeline/interaction-hyperparameters.js';
import { UserError } from '../user-error.js';
import { isPlainObject, plural, quoteList } from './model-config.js';

/**
 * Validates `{ "objective": "interaction", "model": { … }, "tuned"?: { … } }` (what `edgerec tune
 * --objective interaction` writes); any problem is a UserError naming the key.
 */
export function validateInteractionConfig(json: Record<string, unknown>, source: string): Partial<InteractionRecipe> {
  const allowed = ['objective', 'model', 'tuned'];
  const extra = Object.keys(json).filter((key) => !allowed.includes(key));
  if (extra.length > 0) {
    throw new UserError(
      `${source}: unknown top-level ${plural(extra.length, 'key')} ${quoteList(extra)}; allowed: ${allowed.join(', ')}`,
    );
  }
  if (!isPlainObject(json.model))
    throw new UserError(`${source}: "model" must be an object of interaction hyperparameters`);
  if (json.tuned !== undefined && !isPlainObject(json.tuned))
    throw new UserError(`${source}: "tuned" must be an object`);
  const model = json.model;
  const unknown = Object.keys(model).filter((key) => !Object.hasOwn(INTERACTION_HYPERPARAMETERS, key));
  if (unknown.length > 0) {
    throw new UserError(
      `${source}: unknown interaction ${plural(unknown.length, 'hyperparameter')} ${quoteList(unknown.map((k) => `model.${k}`))}; ` +
        `allowed: ${INTERACTION_KEYS.join(', ')}`,
    );
  }
  const recipe: Record<string, unknown> = {};
  for (const key of INTERACTION_KEYS) {
    if (!Object.hasOwn(model, key)) continue;
    const problem = interactionProblem(key, model[key]);
    if (problem !== undefined)
      throw new UserError(`${source}: "model.${key}" ${problem}, got ${JSON.stringify(model[key])}`);
    recipe[key] = model[key];
  }
  return recipe as Partial<InteractionRecipe>;
}
