/**
 * An in-process stand-in for a Cloudflare Vectorize index (`wrangler dev` cannot simulate one),
 * following the documented semantics the Worker relies on: float32 storage, the metric given at
 * creation, query results `{ matches: [{ id, score, values?, metadata? }], count }` best first,
 * topK at most 100 (20 with values or metadata; above it the query throws), the default topK 5,
 * namespaces, ids at most 64 bytes, and describe(). Exact search: a real index is approximate.
 */

/** How the stand-in is created (`wrangler vectorize create --dimensions --metric`). */
export interface StandInOptions {
  dimensions: number;
  metric: VectorizeDistanceMetric;
  /** `details`: the beta VectorizeIndexDetails (with the metric); `info`: a V2 index's VectorizeIndexInfo. */
  describeAs?: 'details' | 'info';
}

const MAX_TOP_K = 100;
const MAX_TOP_K_WITH_DATA = 20;
const DEFAULT_TOP_K = 5;
const MAX_ID_BYTES = 64;

interface Stored {
  id: string;
  values: Float32Array;
  namespace: string | undefined;
  metadata: Record<string, VectorizeVectorMetadata> | undefined;
}

/** A Vectorize index held in memory; `queries` records every query's options. */
export class VectorizeStandIn implements VectorizeIndex {
  readonly queries: VectorizeQueryOptions[] = [];
  private readonly vectors = new Map<string, Stored>();

  constructor(private readonly options: StandInOptions) {}

  /** Inserts the lines of an NDJSON file, as `wrangler vectorize insert --file` does. */
  async insertNdjson(text: string): Promise<number> {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    const mutation = await this.insert(lines.map((line) => JSON.parse(line) as VectorizeVector));
    return mutation.count;
  }

  async describe(): Promise<VectorizeIndexDetails> {
    const { dimensions, metric } = this.options;
    if (this.options.describeAs === 'info') {
      const info: VectorizeIndexInfo = {
        vectorCount: this.vectors.size,
        dimensions,
        processedUpToDatetime: 0,
        processedUpToMutation: 0,
      };
      return info as unknown as VectorizeIndexDetails; // what a V2 index answers behind the VectorizeIndex type
    }
    return { id: 'stand-in', name: 'stand-in', config: { dimensions, metric }, vectorsCount: this.vectors.size };
  }

  async query(vector: VectorFloatArray | number[], options: VectorizeQueryOptions = {}): Promise<VectorizeMatches> {
    this.queries.push(options);
    const topK = options.topK ?? DEFAULT_TOP_K;
    const withData = options.returnValues === true || (options.returnMetadata ?? 'none') !== 'none';
    const limit = withData ? MAX_TOP_K_WITH_DATA : MAX_TOP_K;
    if (!Number.isInteger(topK) || topK < 1 || topK > limit) {
      throw new Error(
        `VECTOR_QUERY_ERROR: topK must be an integer from 1 to ${limit}${withData ? ' with values or metadata' : ''} (got ${topK})`,
      );
    }
    const q = this.checked(Float32Array.from(vector));
    const scored = [...this.vectors.values()]
      .filter((v) => options.namespace === undefined || v.namespace === options.namespace)
      .map((v) => ({ v, score: this.score(q, v.values) }));
    const ascending = this.options.metric === 'euclidean'; // a distance: nearest first
    scored.sort((a, b) => (ascending ? a.score - b.score : b.score - a.score));
    const matches = scored.slice(0, topK).map(
      ({ v, score }): VectorizeMatch => ({
        id: v.id,
        score,
        ...(v.namespace === undefined ? {} : { namespace: v.namespace }),
        ...(options.returnValues ? { values: Array.from(v.values) } : {}),
        ...(options.returnMetadata && options.returnMetadata !== 'none' && v.metadata ? { metadata: v.metadata } : {}),
      }),
    );
    return { matches, count: matches.length };
  }

  async insert(vectors: VectorizeVector[]): Promise<VectorizeVectorMutation> {
    for (const v of vectors) if (this.vectors.has(v.id)) throw new Error(`vector id ${JSON.stringify(v.id)} exists`);
    return this.upsert(vectors);
  }

  async upsert(vectors: VectorizeVector[]): Promise<VectorizeVectorMutation> {
    for (const v of vectors) {
      if (new TextEncoder().encode(v.id).length > MAX_ID_BYTES) throw new Error(`vector id over ${MAX_ID_BYTES} bytes`);
      if (v.namespace !== undefined && new TextEncoder().encode(v.namespace).length > MAX_ID_BYTES) {
        throw new Error(`namespace over ${MAX_ID_BYTES} bytes`);
      }
      const values = this.checked(Float32Array.from(v.values));
      this.vectors.set(v.id, { id: v.id, values, namespace: v.namespace, metadata: v.metadata });
    }
    return { ids: vectors.map((v) => v.id), count: vectors.length };
  }

  async deleteByIds(ids: string[]): Promise<VectorizeVectorMutation> {
    const deleted = ids.filter((id) => this.vectors.delete(id));
    return { ids: deleted, count: deleted.length };
  }

  async getByIds(ids: string[]): Promise<VectorizeVector[]> {
    return ids.flatMap((id) => {
      const v = this.vectors.get(id);
      return v ? [{ id, values: Array.from(v.values), ...(v.namespace ? { namespace: v.namespace } : {}) }] : [];
    });
  }

  private checked(values: Float32Array): Float32Array {
    if (values.length !== this.options.dimensions) {
      throw new Error(`vector has ${values.length} dimensions, the index ${this.options.dimensions}`);
    }
    return values;
  }

  private score(a: Float32Array, b: Float32Array): number {
    let dot = 0;
    let aa = 0;
    let bb = 0;
    let dd = 0;
    for (let k = 0; k < a.length; k++) {
      dot += a[k]! * b[k]!;
      aa += a[k]! * a[k]!;
      bb += b[k]! * b[k]!;
      dd += (a[k]! - b[k]!) ** 2;
    }
    const { metric } = this.options;
    if (metric === 'dot-product') return dot;
    if (metric === 'euclidean') return Math.sqrt(dd);
    return aa > 0 && bb > 0 ? dot / Math.sqrt(aa * bb) : 0;
  }
}
