import type { InteractionRecipe } from '../pipeline/interaction-head.js';
import { INTERACTION_REGISTRY } from '../pipeline/interaction-hyperparameters.js';
import { UserError } from '../user-error.js';
import { checkedHyperparameters, isPlainObject, plural, quoteList, WRAPPER_KEYS } from './model-config.js';

/**
 * Validates `{ "objective": "interaction", "model": { … }, "tuned"?: { … } }` (what `edgerec tune
 * --objective interaction` writes); any problem is a UserError naming the key.
 */
export function validateInteractionConfig(json: Record<string, unknown>, source: string): Partial<InteractionRecipe> {
  const extra = Object.keys(json).filter((key) => !(WRAPPER_KEYS as readonly string[]).includes(key));
  if (extra.length > 0) {
    throw new UserError(
      `${source}: unknown top-level ${plural(extra.length, 'key')} ${quoteList(extra)}; allowed: ${WRAPPER_KEYS.join(', ')}`,
    );
  }
  if (!isPlainObject(json.model))
    throw new UserError(`${source}: "model" must be an object of interaction hyperparameters`);
  if (json.tuned !== undefined && !isPlainObject(json.tuned))
    throw new UserError(`${source}: "tuned" must be an object`);
  return checkedHyperparameters(INTERACTION_REGISTRY, json.model, { source, where: 'model.', kind: 'interaction ' });
}
