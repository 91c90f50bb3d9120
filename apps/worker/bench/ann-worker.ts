// The workerd half of `pnpm bench:ann` (started by ann-bench.ts with wrangler's unstable_dev):
// POST /setup takes the benchmark's laid-out int8 item tables, IVF index and queries
// (ann-payload.ts); GET /run?mode=exact|ivf&nprobe=N&queries=Q ranks the first Q queries' top-10
// and answers a checksum of the item indices (a request stays well under a second). The Node side times /run from outside (workerd's
// clock only advances across I/O) and subtracts GET /noop.
import {
  SCORE_SCALE,
  ivfTopKItems,
  topKItems,
  type IdIndex,
  type RecommenderModel,
  type UserQuery,
} from '@edgerec/core';
import { decodePayload } from './ann-payload.js';

let state: { model: RecommenderModel; queries: UserQuery[] } | undefined;

/** Ids are never looked up here: an index of `size` nameless ids keeps 1M strings out of the isolate. */
function namelessIds(size: number): IdIndex {
  return { ids: [], size, indexOf: () => undefined };
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/noop') return new Response('0');
    if (url.pathname === '/setup') {
      const p = decodePayload(await request.arrayBuffer());
      const items = p.bias.length;
      const model: RecommenderModel = {
        objective: 'interaction',
        dim: p.dim,
        activation: 'linear',
        globalBias: 0,
        scale: SCORE_SCALE,
        recommendThreshold: 0,
        users: namelessIds(0),
        items: namelessIds(items),
        userFactors: new Float32Array(0),
        itemFactors: { values: p.values, scales: p.scales, dim: p.dim },
        userBias: new Float32Array(0),
        itemBias: p.bias,
        ivf: p.index,
      };
      state = { model, queries: p.queryList };
      return new Response(`${items}`);
    }
    if (!state) return new Response('POST /setup first', { status: 409 });
    const mode = url.searchParams.get('mode');
    const nprobe = Number(url.searchParams.get('nprobe') ?? 0);
    const count = Math.min(state.queries.length, Number(url.searchParams.get('queries') ?? 1));
    let checksum = 0;
    for (const query of state.queries.slice(0, count)) {
      const items =
        mode === 'exact'
          ? topKItems(state.model, query, { k: 10 })
          : ivfTopKItems(state.model, query, { k: 10, nprobe }).items;
      for (const item of items) checksum = (checksum + item.index) % 1_000_000_007;
    }
    return new Response(`${checksum}`);
  },
};
