/**
 * Whether a bound Vectorize index can serve a model's ranking head: its width must be the head's
 * dim + 1 and, where describe() reports it, its metric dot-product. A passing check is
 * remembered per isolate (an index's dimensions and metric never change); a failing one is not,
 * so a fixed binding or a finished insert is seen on the next request.
 */
import { VECTORIZE_METRIC, vectorizeDimensions, type RecommenderModel } from '@edgerec/core';
import { itemIndexUnavailable } from './config';

/** What describe() says about an index, in either of its shapes. */
export interface IndexShape {
  dimensions: number | undefined;
  /** Only the beta shape (VectorizeIndexDetails) reports the metric. */
  metric: string | undefined;
  vectors: number | undefined;
}

const passed = new WeakMap<object, Map<number, Promise<IndexShape>>>();

/** The index's shape once it is known to fit `head`; throws a 503 `item_index_unavailable` saying why not. */
export function checkIndexFits(index: VectorizeIndex, head: RecommenderModel): Promise<IndexShape> {
  const wanted = vectorizeDimensions(head);
  const byWidth = passed.get(index) ?? new Map<number, Promise<IndexShape>>();
  passed.set(index, byWidth);
  const known = byWidth.get(wanted);
  if (known) return known;
  const check = describe(index).then((shape) => {
    if (shape.dimensions !== wanted) {
      throw itemIndexUnavailable(
        `the Vectorize index has ${shape.dimensions ?? 'unknown'} dimensions; this model's ranking head needs ${wanted} (dim ${head.dim} + the bias): create it from this model's \`edgerec export vectorize\``,
      );
    }
    if (shape.metric !== undefined && shape.metric !== VECTORIZE_METRIC) {
      throw itemIndexUnavailable(
        `the Vectorize index uses the ${shape.metric} metric; create it with --metric=${VECTORIZE_METRIC}`,
      );
    }
    return shape;
  });
  byWidth.set(wanted, check);
  check.catch(() => byWidth.delete(wanted));
  return check;
}

/** describe() in either shape: the Vectorize (V2) info `{ dimensions, vectorCount }` or the beta `{ config, vectorsCount }`. */
async function describe(index: VectorizeIndex): Promise<IndexShape> {
  let info: VectorizeIndexDetails | VectorizeIndexInfo;
  try {
    // `wrangler types` names the binding VectorizeIndex (the beta API), but a V2 index answers VectorizeIndexInfo.
    info = (await index.describe()) as VectorizeIndexDetails | VectorizeIndexInfo;
  } catch (error) {
    throw itemIndexUnavailable(`describe() failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if ('config' in info) {
    const config = info.config;
    return 'dimensions' in config
      ? { dimensions: config.dimensions, metric: config.metric, vectors: info.vectorsCount }
      : { dimensions: undefined, metric: undefined, vectors: info.vectorsCount };
  }
  return { dimensions: info.dimensions, metric: undefined, vectors: info.vectorCount };
}
