import {
  rankingHead,
  vectorizeItemIndex,
  vectorizeNamespace,
  vectorizeQueryValues,
  type UserQuery,
} from '@edgerec/core';
import type { ServedModel } from '../model-source';
import { itemIndexUnavailable } from './config';
import { checkIndexFits } from './index-check';

/** The item indices Vectorize proposed for a query, best first. */
export interface Candidates {
  indices: number[];
  /** How many were asked for. */
  topK: number;
}

/**
 * The `topK` items whose vectors have the largest dot product with the user's `[u..., 1]` in this
 * model's namespace (ids and namespace: core's ann/vectorize.ts). Throws a 503
 * `item_index_unavailable` when the index does not fit the model, the query fails, the namespace
 * holds no vectors, or a match is not an item of this model.
 */
export async function vectorizeCandidates(
  index: VectorizeIndex,
  served: ServedModel,
  query: UserQuery,
  topK: number,
): Promise<Candidates> {
  const { model, meta } = served;
  await checkIndexFits(index, rankingHead(model));
  const namespace = vectorizeNamespace(meta.sha256);
  let matches: VectorizeMatches;
  try {
    matches = await index.query(vectorizeQueryValues(query), {
      topK,
      namespace,
      returnValues: false,
      returnMetadata: 'none',
    });
  } catch (error) {
    throw itemIndexUnavailable(`the Vectorize query failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (matches.matches.length === 0) {
    throw itemIndexUnavailable(
      `the Vectorize index holds no vectors in namespace ${namespace} (model ${meta.sha256.slice(0, 12)}): insert this model's \`edgerec export vectorize\` file`,
    );
  }
  const indices: number[] = [];
  for (const match of matches.matches) {
    const i = vectorizeItemIndex(match.id, meta.sha256, model.items.size);
    if (i === undefined) {
      throw itemIndexUnavailable(
        `the Vectorize index returned ${JSON.stringify(match.id)}, not an item of model ${meta.sha256.slice(0, 12)}: the index was built from another model`,
      );
    }
    indices.push(i);
  }
  return { indices, topK };
}
