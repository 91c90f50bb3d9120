import { ApiError } from '../errors';

/**
 * The values ITEM_INDEX accepts: `exact` (default, a scan of every item), `ivf` (the artifact's
 * IVF index, src/vectorize/ivf.ts) or `vectorize`.
 */
export const ITEM_INDEX_MODES = ['exact', 'ivf', 'vectorize'] as const;

/** The binding the Vectorize index is bound as (src/env.d.ts). */
export const ITEMS_INDEX_BINDING = 'ITEMS_INDEX';

/** How this Worker finds recommendation candidates, as configured. */
export type ItemIndexConfig =
  | { mode: 'exact' }
  | { mode: 'ivf' }
  | { mode: 'vectorize'; index: VectorizeIndex | undefined }
  | { mode: 'invalid'; value: string };

/** Reads ITEM_INDEX (blank or unset: `exact`) and the ITEMS_INDEX binding. */
export function itemIndexConfig(env: Env | undefined): ItemIndexConfig {
  const value = (env?.ITEM_INDEX ?? '').trim();
  if (value === '' || value === 'exact') return { mode: 'exact' };
  if (value === 'ivf') return { mode: 'ivf' };
  if (value === 'vectorize') return { mode: 'vectorize', index: env?.ITEMS_INDEX };
  return { mode: 'invalid', value };
}

/** Why a configuration cannot serve, or undefined when it can (the index itself is checked on use). */
export function configProblem(config: ItemIndexConfig): string | undefined {
  if (config.mode === 'invalid') {
    const modes = ITEM_INDEX_MODES.map((m) => `"${m}"`);
    return `ITEM_INDEX must be ${modes.slice(0, -1).join(', ')} or ${modes.at(-1)} (got ${JSON.stringify(config.value)})`;
  }
  if (config.mode === 'vectorize' && !config.index) {
    return `ITEM_INDEX is "vectorize" but no Vectorize index is bound as ${ITEMS_INDEX_BINDING} (add it under "vectorize" in wrangler.jsonc)`;
  }
  return undefined;
}

/** The 503 a recommendation answers when the item index cannot serve it. */
export function itemIndexUnavailable(reason: string): ApiError {
  return new ApiError(503, 'item_index_unavailable', `the item index is unavailable: ${reason}`);
}
