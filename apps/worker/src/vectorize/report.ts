/** What responses say about the item index: `itemIndex` of a recommendation, and of `GET /v1/model`. */
import { rankingHead, vectorizeDimensions, vectorizeNamespace } from '@edgerec/core';
import * as z from 'zod';
import { ApiError } from '../errors';
import type { ServedModel } from '../model-source';
import { vectorizeCandidates } from './candidates';
import { ITEMS_INDEX_BINDING, configProblem, itemIndexConfig } from './config';
import { NO_IVF_INDEX, defaultNprobe } from './ivf';
import { checkIndexFits } from './index-check';

/** `itemIndex` of a recommendation response (present when ITEM_INDEX is not `exact`). */
export const ItemIndexReportSchema = z
  .object({
    source: z.enum(['vectorize', 'ivf', 'exact']).meta({
      description:
        "`vectorize`: the items were chosen among the candidates the Vectorize index returned, re-scored exactly; `ivf`: among the items of the `nprobe` lists of the artifact's IVF index whose centroids score best for the user, re-scored exactly; `exact`: every item was scanned, as with ITEM_INDEX=exact (`reason` says why).",
    }),
    reason: z.string().optional().meta({
      description:
        'With `source: "exact"`: why the index was not asked (an unknown user, a request with `candidates`, a ranking head that cannot place this user).',
    }),
    topK: z.number().int().optional().meta({ description: 'Candidates asked of Vectorize (at most 100).' }),
    candidates: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Candidates re-scored: those Vectorize returned, or the items of the probed IVF lists.' }),
    nprobe: z
      .number()
      .int()
      .optional()
      .meta({ description: "`ivf`: lists probed (the request's `nprobe` or the default, at most `lists`)." }),
    lists: z.number().int().optional().meta({ description: '`ivf`: lists in the index.' }),
    short: z.boolean().optional().meta({
      description:
        'True when the seen, excluded and folded-in items left fewer than k of the candidates, so fewer than k items came back although the index may hold more (with `ivf`: a higher `nprobe` would find more).',
    }),
  })
  .meta({ id: 'ItemIndexReport' });

export type ItemIndexReport = z.infer<typeof ItemIndexReportSchema>;

/** `itemIndex` of `GET /v1/model`. */
export const ItemIndexInfoSchema = z
  .object({
    mode: z.string().meta({
      description:
        "ITEM_INDEX as configured: `exact` (default: every item is scanned), `ivf` (the artifact's IVF index) or `vectorize`.",
      example: 'vectorize',
    }),
    status: z.enum(['ok', 'unavailable']).meta({
      description: '`unavailable`: recommendations of known and folded-in users answer 503 `item_index_unavailable`.',
    }),
    reason: z.string().optional().meta({ description: 'With `unavailable`: why.' }),
    binding: z.string().optional().meta({ description: 'The Vectorize binding.', example: ITEMS_INDEX_BINDING }),
    namespace: z.string().optional().meta({ description: "The namespace holding this model's vectors." }),
    dimensions: z
      .number()
      .int()
      .optional()
      .meta({ description: "The index width this model needs: the ranking head's dim + 1." }),
    vectors: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Vectors in the whole index, as describe() reports them.' }),
    lists: z.number().int().optional().meta({ description: "`ivf`: lists in the artifact's IVF index." }),
    nprobe: z.number().int().optional().meta({
      description:
        '`ivf`: lists a request without `nprobe` probes (measured when the index was built, or the Worker default).',
    }),
  })
  .meta({ id: 'ItemIndexInfo' });

export type ItemIndexInfo = z.infer<typeof ItemIndexInfoSchema>;

/** The item index as `GET /v1/model` reports it: `exact`, or whether the Vectorize index can serve this model and why not. */
export async function itemIndexInfo(env: Env | undefined, served: ServedModel): Promise<ItemIndexInfo> {
  const config = itemIndexConfig(env);
  if (config.mode === 'exact') return { mode: 'exact', status: 'ok' };
  if (config.mode === 'ivf') return ivfInfo(served);
  const problem = configProblem(config);
  const mode = config.mode === 'invalid' ? config.value : config.mode;
  if (problem !== undefined || config.mode !== 'vectorize' || !config.index) {
    return { mode, status: 'unavailable', reason: problem ?? 'no index' };
  }
  const head = rankingHead(served.model);
  const about = {
    binding: ITEMS_INDEX_BINDING,
    namespace: vectorizeNamespace(served.meta.sha256),
    dimensions: vectorizeDimensions(head),
  };
  try {
    const shape = await checkIndexFits(config.index, head);
    // One candidate for a zero user: does this model's namespace hold its vectors?
    await vectorizeCandidates(config.index, served, { factors: new Float32Array(head.dim), bias: 0 }, 1);
    return { mode, status: 'ok', ...about, ...(shape.vectors === undefined ? {} : { vectors: shape.vectors }) };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { mode, status: 'unavailable', reason: error.message, ...about };
  }
}

/** ITEM_INDEX=ivf as `GET /v1/model` reports it: the index's lists and default nprobe, or why it cannot serve. */
function ivfInfo(served: ServedModel): ItemIndexInfo {
  const index = rankingHead(served.model).ivf;
  if (!index) return { mode: 'ivf', status: 'unavailable', reason: `the item index is unavailable: ${NO_IVF_INDEX}` };
  return { mode: 'ivf', status: 'ok', lists: index.lists, nprobe: defaultNprobe(served.model)! };
}
