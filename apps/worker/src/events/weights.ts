import { MAX_INTERACTION_WEIGHT } from '../limits';
import { MAX_EVENT_TYPE_LENGTH } from './limits';

/** The weights of the event types when `EVENT_WEIGHTS` is empty. */
export const DEFAULT_EVENT_WEIGHTS: Readonly<Record<string, number>> = {
  view: 1,
  click: 1,
  like: 2,
  cart: 3,
  purchase: 5,
};

/** `EVENT_WEIGHTS` parsed, or why it cannot be. */
export type EventWeights = { ok: true; weights: ReadonlyMap<string, number> } | { ok: false; message: string };

/**
 * Parses `EVENT_WEIGHTS` (`type=weight` pairs, comma-separated; empty: {@link DEFAULT_EVENT_WEIGHTS}).
 * A malformed value is reported, never half-applied: the event routes then answer 503.
 */
export function parseEventWeights(text: string | undefined): EventWeights {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return { ok: true, weights: new Map(Object.entries(DEFAULT_EVENT_WEIGHTS)) };
  const weights = new Map<string, number>();
  for (const pair of trimmed.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*([^=\s]+)\s*$/.exec(pair);
    const type = match?.[1];
    const weight = Number(match?.[2]);
    if (!type || type.length > MAX_EVENT_TYPE_LENGTH || !(weight > 0 && weight <= MAX_INTERACTION_WEIGHT)) {
      return {
        ok: false,
        message: `EVENT_WEIGHTS: "${pair.trim()}" is not type=weight with a weight above 0 and at most ${MAX_INTERACTION_WEIGHT}`,
      };
    }
    if (weights.has(type)) return { ok: false, message: `EVENT_WEIGHTS: the type "${type}" is listed twice` };
    weights.set(type, weight);
  }
  return { ok: true, weights };
}
