// The scoring benchmark's cases, pure so they run in Node (scoring-bench.ts) and in workerd
// (apps/worker/bench/scoring-workerd.test.ts): a random model, the plain-JS baseline scan and the
// timed variants. Benchmarks, not tests.
import {
  createIdIndex,
  minMaxScale,
  mulberry32,
  quantizeRows,
  topKItems,
  userQuery,
  type RecommenderModel,
  type WasmModule,
  createWasmScorer,
  useWasmScorer,
  type WasmScorer,
} from '@edgerec/core';

/** The variants timed, in table order. */
export const VARIANTS = ['plain JS scan', 'core JS', 'wasm f32', 'wasm int8'] as const;
export type Variant = (typeof VARIANTS)[number];

/** A float32 rating model of `items` random items (Gaussian-like factors) and 64 users. */
export function benchModel(items: number, dim: number, seed = 1): RecommenderModel {
  const rand = mulberry32(seed);
  const normal = () => rand() + rand() + rand() - 1.5;
  const table = (n: number, s: number) => Float32Array.from({ length: n }, () => normal() * s);
  const users = 64;
  return {
    dim,
    activation: 'linear',
    globalBias: 3.5,
    scale: minMaxScale(1, 5),
    recommendThreshold: 3.5,
    users: createIdIndex(Array.from({ length: users }, (_, u) => `u${u}`)),
    // Ranking reads only the item count: a million id strings would only cost memory.
    items: { ids: [], size: items, indexOf: () => undefined },
    userFactors: table(users * dim, 0.3),
    itemFactors: table(items * dim, 0.3),
    userBias: table(users, 0.1),
    itemBias: table(items, 0.1),
  };
}

/** The same model with int8 item rows. */
export function int8Model(model: RecommenderModel): RecommenderModel {
  return { ...model, itemFactors: quantizeRows(model.itemFactors as Float32Array, model.dim) };
}

/** The baseline: a hand-unrolled float32 scan (dot by 4 + bias) with a sorted top-k buffer. */
export function plainTopK(table: Float32Array, bias: Float32Array, q: Float32Array, dim: number, k: number): number[] {
  const n = bias.length;
  const scores = new Float64Array(k).fill(-Infinity);
  const ids = new Int32Array(k).fill(-1);
  for (let i = 0; i < n; i++) {
    let o = i * dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d + 3 < dim; d += 4, o += 4) {
      s0 += q[d]! * table[o]!;
      s1 += q[d + 1]! * table[o + 1]!;
      s2 += q[d + 2]! * table[o + 2]!;
      s3 += q[d + 3]! * table[o + 3]!;
    }
    for (let d = dim - (dim % 4); d < dim; d++, o++) s0 += q[d]! * table[o]!;
    const s = bias[i]! + s0 + s1 + (s2 + s3);
    if (s <= scores[k - 1]!) continue;
    let j = k - 1;
    while (j > 0 && scores[j - 1]! < s) {
      scores[j] = scores[j - 1]!;
      ids[j] = ids[j - 1]!;
      j--;
    }
    scores[j] = s;
    ids[j] = i;
  }
  return Array.from(ids);
}

/** One query of a variant: the top item, returned so the work cannot be optimized away. */
export function runVariant(variant: Variant, models: BenchModels, k: number, user: number): number {
  if (variant === 'plain JS scan') {
    const { f32 } = models;
    const q = userQuery(f32, user);
    return plainTopK(f32.itemFactors as Float32Array, f32.itemBias, q.factors, f32.dim, k)[0]!;
  }
  useWasmScorer(variant === 'core JS' ? undefined : models.scorer);
  const model = variant === 'wasm int8' ? models.i8 : models.f32;
  return topKItems(model, userQuery(model, user), { k })[0]!.index;
}

/** The models of one catalogue size and the scorer that ranks them. */
export interface BenchModels {
  f32: RecommenderModel;
  i8: RecommenderModel;
  scorer: WasmScorer;
}

/** Builds a size's models; the scorer holds both tables' copies (made on first use). */
export function benchModels(items: number, dim: number, module: WasmModule): BenchModels {
  const f32 = benchModel(items, dim);
  return { f32, i8: int8Model(f32), scorer: createWasmScorer(module, { maxBytes: 512 * 2 ** 20, minItems: 0 }) };
}

/**
 * Times every variant on `queries` users, `rounds` times interleaved (so machine noise hits them
 * alike), after a warm-up that also makes the wasm copies. Per-query medians in milliseconds.
 */
export function timeVariants(
  models: BenchModels,
  k: number,
  queries: number,
  rounds: number,
  now: () => number,
): Record<Variant, number> {
  const users = models.f32.users.size;
  const samples = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
  let sink = 0;
  for (const v of VARIANTS) for (let u = 0; u < 3; u++) sink += runVariant(v, models, k, u);
  for (let r = 0; r < rounds; r++) {
    for (const v of VARIANTS) {
      const t0 = now();
      for (let j = 0; j < queries; j++) sink += runVariant(v, models, k, (r * queries + j) % users);
      samples[v].push((now() - t0) / queries);
    }
  }
  useWasmScorer(undefined);
  if (sink < 0) throw new Error('unreachable');
  return Object.fromEntries(VARIANTS.map((v) => [v, median(samples[v])])) as Record<Variant, number>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** One catalogue size's medians (ms per query) and the wasm memory used. */
export type BenchRow = { items: number; memoryBytes: number } & Record<Variant, number>;

/** Measures every size in turn (about 40 ms of plain-JS scanning per round, at least 3 queries). */
export function measureSizes(
  sizes: readonly number[],
  dim: number,
  k: number,
  rounds: number,
  module: WasmModule,
  now: () => number,
): BenchRow[] {
  return sizes.map((items) => {
    const models = benchModels(items, dim, module);
    const ms = timeVariants(models, k, Math.max(3, Math.round(2e6 / items)), rounds, now);
    return { items, ...ms, memoryBytes: models.scorer.stats().memoryBytes };
  });
}

/** The results as a Markdown table: ms per query and the ratio to the plain-JS scan. */
export function formatTable(rows: readonly BenchRow[], k: number, dim: number, runtime: string): string {
  const lines = [
    `exact top-${k}, dim ${dim}, ${runtime}: time per query (× the plain-JS scan)`,
    `| items | ${VARIANTS.join(' | ')} | wasm memory |`,
    `|---:|${VARIANTS.map(() => '---:').join('|')}|---:|`,
  ];
  for (const r of rows) {
    const cells = VARIANTS.map((v) => `${fmtMs(r[v])} (${(r[v] / r['plain JS scan']).toFixed(2)}×)`);
    lines.push(
      `| ${r.items.toLocaleString('en')} | ${cells.join(' | ')} | ${(r.memoryBytes / 2 ** 20).toFixed(0)} MiB |`,
    );
  }
  return lines.join('\n');
}

function fmtMs(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`;
}
