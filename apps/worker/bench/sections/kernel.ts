// Section 1 of `pnpm bench:serve`: one user's top-10 over every item in Node, core's kernel on
// f32, f16 and int8 tables next to a bare dot loop, a naive sort and tfjs.
import { fmtInt, f2, type Cell, type Column, type View } from '@edgerec/bench-kit/report';
import { progress } from '@edgerec/bench-kit/process';
import {
  decodeTable,
  encodeTable,
  quantizeRows,
  topKItems,
  userQuery,
  type RecommenderModel,
  type UserQuery,
} from '@edgerec/core';
import type { loadBackend } from '@edgerec/core/model';
import { messageOf } from '../messages.js';
import { quantile, sameList, timeIt } from '../request-timing.js';
import { fmtRate, fmtUs } from '../serve-format.js';
import type { ServeOptions } from '../serve-options.js';
import { sectionLoad, type SectionTiming, type ServeSection } from '../serve-section.js';
import { randomModel, type BenchModel } from '../synthetic-artifacts.js';

/** Reference floor on the project's machine (issue): µs for f32 top-10 at dim 32, by item count. */
const FLOOR_US: Record<number, number> = { 1700: 33, 60000: 1200, 200000: 4200, 1000000: 21000 };

type Tf = Awaited<ReturnType<typeof loadBackend>>['tf'];

/** Which tfjs loaded, and each backend's state ('ok' or why not). */
interface TfInfo {
  version: string | undefined;
  backends: { cpu?: string; wasm?: string };
}

/** One implementation on one table, timed. */
interface KernelPlanRow {
  impl: string;
  table: string;
  fn: (q: UserQuery) => unknown;
  topOf?: (q: UserQuery) => ArrayLike<number>;
  reference?: boolean;
  before?: () => unknown;
}

/** A row of the kernel table: the timing of one implementation, or why it did not run. */
export interface KernelRow {
  impl: string;
  table: string;
  status?: 'unavailable';
  message?: string;
  medianUs?: number;
  p10Us?: number;
  p90Us?: number;
  reps?: number;
  warmup?: number;
  itemsDimsPerSecond?: number;
  reference?: boolean;
  agreesWithCore?: string;
  timesFloor?: number;
}

/** The kernel section's figures. */
export interface KernelResult {
  dim: number;
  k: number;
  queries: number;
  measureMs: number;
  rounds: number;
  tfjs: TfInfo;
  sizes: Array<{ items: number; floorUs: number; floorSource: string; rows: KernelRow[] }>;
}

async function run(options: ServeOptions): Promise<KernelResult> {
  const { sizes, kernelMs } = options;
  const dim = 32;
  const k = 10;
  const queriesCount = 64;
  const rounds = 3;
  const tfInfo = await loadTf();
  const out: KernelResult = {
    dim,
    k,
    queries: queriesCount,
    measureMs: kernelMs,
    rounds,
    tfjs: tfInfo.info,
    sizes: [],
  };
  for (const n of sizes) {
    progress(`kernel: ${fmtInt(n)} items`);
    const model = randomModel({ users: queriesCount, items: n, dim, seed: 100 + n });
    const queries = Array.from({ length: queriesCount }, (_, u) => userQuery(model, u));
    const f16Items = decodeTable(encodeTable(model.itemFactors, 'f16-base64'));
    const int8Items = quantizeRows(model.itemFactors, dim);
    const variant = (itemFactors: RecommenderModel['itemFactors']): RecommenderModel => ({ ...model, itemFactors });
    const reference = queries.slice(0, 8).map((q) => topKItems(model, q, { k }).map((r) => r.index));
    const core = (m: RecommenderModel) => (q: UserQuery) => topKItems(m, q, { k }).map((r) => r.index);
    const scores = new Float64Array(n);
    const plan: KernelPlanRow[] = [
      {
        impl: 'core topKItems (heap, 1 pass)',
        table: 'f32',
        fn: (q) => topKItems(model, q, { k }),
        topOf: core(model),
      },
      {
        impl: 'core topKItems (heap, 1 pass)',
        table: 'f16 → decoded f32',
        fn: (q) => topKItems(variant(f16Items), q, { k }),
        topOf: core(variant(f16Items)),
      },
      {
        impl: 'core topKItems (heap, 1 pass)',
        table: 'int8 (per-row scale)',
        fn: (q) => topKItems(variant(int8Items), q, { k }),
        topOf: core(variant(int8Items)),
      },
      {
        impl: 'reference: JS dot loop, no top-K',
        table: 'f32',
        fn: (q) => scoreAll(model, q, scores),
        reference: true,
      },
      {
        impl: 'naive: score all, sort, slice',
        table: 'f32',
        fn: (q) => naiveTopK(model, q, k),
        topOf: (q) => naiveTopK(model, q, k).map((r) => r.index),
      },
    ];
    const tensors: Array<{ dispose(): void }> = [];
    const unavailable: KernelRow[] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      const tf = tfInfo.tf;
      if (!tf || tfInfo.info.backends[backend] !== 'ok') {
        unavailable.push({
          impl: `tfjs ${backend}: matMul + topk`,
          table: 'f32',
          status: 'unavailable',
          message: tfInfo.info.backends[backend] ?? '',
        });
        continue;
      }
      await tf.setBackend(backend);
      const itemTable = tf.tensor2d(model.itemFactors, [n, dim]);
      const bias = tf.tensor1d(model.itemBias);
      tensors.push(itemTable, bias);
      const request = (q: UserQuery) => {
        const { values, indices } = tf.tidy(() => {
          const logits = tf.add(tf.matMul(tf.tensor2d(q.factors, [1, dim]), itemTable, false, true).reshape([n]), bias);
          return tf.topk(logits, k);
        });
        const idx = indices.dataSync();
        values.dataSync();
        values.dispose();
        indices.dispose();
        return idx;
      };
      plan.push({
        impl: `tfjs ${backend}: matMul + topk`,
        table: 'f32 (tensor on backend)',
        fn: request,
        topOf: (q) => Array.from(request(q)),
        before: () => tf.setBackend(backend),
      });
    }
    // Round-robin: every row is measured in `rounds` slices, so a noisy moment on the machine is
    // spread over all rows instead of landing on one.
    const samples: number[][] = plan.map(() => []);
    const warmups = plan.map(() => 0);
    for (let round = 0; round < rounds; round++) {
      for (const [r, row] of plan.entries()) {
        await row.before?.();
        const t = timeIt(row.fn, queries, kernelMs / rounds, round === 0 ? 300 : 50);
        samples[r]!.push(...t.samples);
        warmups[r]! += t.warmup;
      }
    }
    const rows = plan.map((row, r) => {
      const sorted = samples[r]!.sort((a, b) => a - b);
      const at = (p: number) => quantile(sorted, p);
      const result: KernelRow = {
        impl: row.impl,
        table: row.table,
        medianUs: at(0.5),
        p10Us: at(0.1),
        p90Us: at(0.9),
        reps: sorted.length,
        warmup: warmups[r]!,
        itemsDimsPerSecond: (n * dim) / (at(0.5) / 1e6),
        ...(row.reference ? { reference: true } : {}),
      };
      if (row.topOf)
        result.agreesWithCore = `${reference.filter((ref, j) => sameList(ref, row.topOf!(queries[j]!))).length}/${reference.length}`;
      progress(
        `  ${row.impl.padEnd(36)} ${row.table.padEnd(24)} ${fmtUs(result.medianUs).padStart(10)} µs  (${result.reps} requests)`,
      );
      return result;
    });
    for (const t of tensors) t.dispose();
    const floorUs = floorFor(n);
    for (const row of rows) row.timesFloor = (row.medianUs ?? Number.NaN) / floorUs;
    out.sizes.push({
      items: n,
      floorUs,
      floorSource: FLOOR_US[n] ? 'issue' : 'scaled from 21 ns/item',
      rows: [...rows, ...unavailable],
    });
  }
  return out;
}

/** Scores every item into `out` (float32 dot, unrolled by 4, plus bias) and ranks nothing: the bare arithmetic. */
function scoreAll(model: BenchModel, query: UserQuery, out: Float64Array): Float64Array {
  const { itemFactors: t, itemBias: b } = model;
  const q = query.factors;
  const n = model.items.size;
  for (let i = 0, o = 0; i < n; i++, o += 32) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d < 32; d += 4) {
      s0 += q[d]! * t[o + d]!;
      s1 += q[d + 1]! * t[o + d + 1]!;
      s2 += q[d + 2]! * t[o + d + 2]!;
      s3 += q[d + 3]! * t[o + d + 3]!;
    }
    out[i] = b[i]! + (s0 + s1) + (s2 + s3);
  }
  return out;
}

/** The obvious way: score every item into an array of objects, sort it all, keep k. */
function naiveTopK(model: BenchModel, query: UserQuery, k: number): Array<{ index: number; score: number }> {
  const { dim, itemFactors, itemBias } = model;
  const n = model.items.size;
  const scored = new Array<{ index: number; score: number }>(n);
  for (let i = 0; i < n; i++) {
    let s = itemBias[i]!;
    for (let d = 0; d < dim; d++) s += query.factors[d]! * itemFactors[i * dim + d]!;
    scored[i] = { index: i, score: s };
  }
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored.slice(0, k);
}

async function loadTf(): Promise<{ tf: Tf | undefined; info: TfInfo }> {
  const info: TfInfo = { version: undefined, backends: {} };
  let tf: Tf | undefined;
  try {
    const { loadBackend } = await import('@edgerec/core/model');
    // cpu first: loadBackend('cpu') silences the cpu backend's "install tfjs-node" banner.
    ({ tf } = await loadBackend('cpu'));
    info.backends.cpu = 'ok';
    info.version = (tf.version as { tfjs?: string } | undefined)?.tfjs ?? tf.version_core;
    try {
      await loadBackend('wasm');
      info.backends.wasm = 'ok';
    } catch (error) {
      info.backends.wasm = messageOf(error);
    }
  } catch (error) {
    info.backends.cpu = info.backends.wasm = `tfjs did not load: ${messageOf(error)}`;
  }
  return { tf, info };
}

export function floorFor(n: number): number {
  return FLOOR_US[n] ?? (n * 21) / 1000;
}

function view(r: SectionTiming & KernelResult): View {
  const columns: Column[] = [
    { header: 'items', align: 'right' },
    { header: 'implementation', align: 'left' },
    { header: 'table', align: 'left' },
    { header: 'µs/request', align: 'right' },
    { header: 'p10–p90 µs', align: 'right' },
    { header: 'items·dims/s', align: 'right' },
    { header: '× floor', align: 'right' },
    { header: 'top-10 = core f32', align: 'right' },
  ];
  const rows: Cell[][] = [];
  for (const size of r.sizes) {
    for (const row of size.rows) {
      if (row.status === 'unavailable') {
        rows.push([fmtInt(size.items), row.impl, row.table, { span: `unavailable: ${row.message}` }]);
        continue;
      }
      rows.push([
        fmtInt(size.items),
        row.impl,
        row.table,
        fmtUs(row.medianUs),
        `${fmtUs(row.p10Us)}–${fmtUs(row.p90Us)}`,
        fmtRate(row.itemsDimsPerSecond),
        `${f2(row.timesFloor)}×`,
        row.agreesWithCore ?? '—',
      ]);
    }
  }
  const floors = r.sizes
    .map((s) => `${fmtInt(s.items)}: ${fmtUs(s.floorUs)} µs${s.floorSource === 'issue' ? '' : ' (scaled)'}`)
    .join(', ');
  return [
    { columns, rows },
    `Each row: the median of many single requests (one user's query against the whole table, top-${r.k}), timed one by one with ` +
      `process.hrtime after a warm-up, rotating over ${r.queries} users, about ${fmtInt(r.measureMs)} ms of measuring per row in ${r.rounds ?? 1} ` +
      'round-robin slices (so a noisy moment on the machine spreads over every row); ' +
      'items·dims/s = items × dim ÷ median seconds. core = @edgerec/core topKItems, what the Worker runs (bounded min-heap, one pass, ' +
      'nothing allocated per item; int8 rows scored directly, scale applied once per row). f16 tables decode to float32 at load, so they run the f32 kernel. ' +
      'reference = the same float32 dot products written into a preallocated array, no top-K at all: what the arithmetic alone costs on this machine in this run ' +
      "(core's distance from it is the price of ranking; its distance from the floor is the machine and V8). " +
      'naive = score every item into an array of objects, sort all of it, slice. tfjs = matMul(user [1×32], items [n×32]ᵀ) + bias, tf.topk, ' +
      'reading indices and values back (dataSync); the item table and biases are already tensors on the backend, so only the per-request work is timed ' +
      `(tfjs ${r.tfjs.version ?? '?'}; the wasm backend runs single-threaded in Node). "top-10 = core f32" counts, of 8 users, the lists identical to core's f32 list ` +
      '(int8 and f16 may legitimately reorder near-ties).',
    `× floor = median ÷ the reference floor for f32 top-10 at dim 32 on this project's machine (from the issue): ${floors}.`,
    sectionLoad(r),
  ];
}

/** The kernel section. */
export const kernelSection: ServeSection<KernelResult> = {
  name: 'kernel',
  title: '1. Top-K kernel in Node (dim 32, k 10, one user over all items)',
  run,
  view,
};
