import { isInt8Rows, type FactorTable } from '../factor-table.js';
import { quantizeQuery, type QuantizedQuery } from './quantize-query.js';
import { ResidentTables } from './resident-tables.js';
import { copyRows, RECORD, rowsCopyBytes, rowStride, writeSlot, type RowsCopy } from './table-copy.js';
import { webAssembly, type WasmMemory, type WasmModule } from './wasm-api.js';
import { WasmArena } from './wasm-arena.js';

/** Options for {@link createWasmScorer}. */
export interface WasmScorerOptions {
  /** Upper bound on the table copies kept in wasm memory, in bytes (default 64 MiB). */
  maxBytes?: number;
  /** Catalogues (or candidate lists) smaller than this are ranked in JS (default 256: about break-even at dim 32). */
  minItems?: number;
}

interface ScanExports {
  memory: WasmMemory;
  heapBase(): number;
  scan(
    rows: number,
    record: number,
    stride: number,
    multAt: number,
    withBias: number,
    count: number,
    list: number,
    q: number,
    sq: number,
    cL: number,
    K: number,
    clamp: number,
    exclude: number,
    excludeLen: number,
    heap: number,
    k: number,
    out: number,
    cap: number,
    state: number,
  ): number;
}

/** One scan: the table copy, which record slot multiplies each row's dot product, and the query's bounds. */
interface ScanPlan {
  rows: RowsCopy;
  multAt: number;
  withBias: boolean;
  query: QuantizedQuery;
  /** The query's scale (divided by the query row's norm for cosine). */
  sq: number;
  cL: number;
  K: number;
  clamp: boolean;
}

/** Emitted items drained per call: the scan stops when this many wait for exact rescoring. */
const OUT_CAP = 1024;
/** Rounding headroom on the scale / 2 bound of each quantized value (float32 scales, clamping). */
const HALF = 0.5 * (1 + 1e-4);

/**
 * Ranks with the wasm kernel (src/simd/assembly/scan.ts): an int8 SIMD scan that keeps the k best
 * lower bounds and hands every item whose upper bound can still reach them to `visit`, in scan
 * order. The caller scores those exactly in JS and keeps its own top-K, so the result is the JS
 * path's, ties and all, while most items cost one int8 dot product.
 */
export class WasmScorer {
  readonly minItems: number;
  private readonly exports: ScanExports;
  private readonly arena: WasmArena;
  private readonly tables: ResidentTables;
  private scratch = { ptr: 0, bytes: 0 };

  constructor(module: WasmModule, options: WasmScorerOptions = {}) {
    const instance = new webAssembly.Instance(module, {});
    this.exports = instance.exports as unknown as ScanExports;
    this.arena = new WasmArena(this.exports.memory, this.exports.heapBase());
    this.tables = new ResidentTables(this.arena, options.maxBytes ?? 64 * 2 ** 20);
    this.minItems = options.minItems ?? 256;
  }

  /** Memory in use: the linear memory's size, and the table copies held in it. */
  stats(): { memoryBytes: number; residentBytes: number; residentCopies: number } {
    return { memoryBytes: this.arena.memoryBytes, residentBytes: this.tables.bytes, residentCopies: this.tables.count };
  }

  /** Frees the copies made of these item tables now instead of when the room is needed. */
  release(...tables: object[]): void {
    for (const t of tables) this.tables.release(t);
  }

  /**
   * Visits every item that can be among the k best by itemBias[i] + dot(q, row i), skipping the
   * sorted `exclude`; over `candidates` (distinct indices) when given, else all `rows`. False when
   * it cannot (a non-finite value, no room): nothing was visited and the caller ranks in JS.
   */
  rankItems(
    table: FactorTable,
    itemBias: Float32Array,
    rows: number,
    dim: number,
    q: Float32Array,
    k: number,
    exclude: Uint32Array,
    candidates: Uint32Array | undefined,
    visit: (i: number) => void,
  ): boolean {
    const query = quantizeQuery(q, dim, rowStride(dim));
    if (!query) return false;
    this.tables.beginOperation();
    const copy = this.rowsCopy(table, rows, dim);
    if (!copy) return false;
    if (copy.bias !== itemBias) {
      // The records hold one bias array's values: (re)written when a table is ranked with another.
      copy.bias = undefined;
      if (!writeSlot(this.buffer, copy, RECORD.bias, itemBias)) return false;
      copy.bias = itemBias;
    }
    const K = copy.exact ? 1 : HALF * (query.l1 + dim / 2) + 1;
    const multAt = copy.stride + RECORD.scale;
    const plan = { rows: copy, multAt, withBias: true, query, sq: query.scale, cL: HALF, K, clamp: false };
    this.scan(plan, k, exclude, candidates, visit);
    return true;
  }

  /**
   * Visits every item that can be among the k most cosine-similar to row `self` (whose norm is
   * norms[self] > 0), skipping the sorted `exclude` (which should list `self`). False when it cannot.
   */
  rankSimilar(
    table: FactorTable,
    rows: number,
    dim: number,
    self: number,
    norms: Float64Array,
    k: number,
    exclude: Uint32Array,
    visit: (i: number) => void,
  ): boolean {
    const selfNorm = norms[self]!;
    if (!(selfNorm > 0)) return false;
    const stride = rowStride(dim);
    const query = isInt8Rows(table)
      ? int8Query(table.values, self, dim, stride, table.scales[self]!)
      : quantizeQuery(table.subarray(self * dim, (self + 1) * dim), dim, stride);
    if (!query) return false;
    this.tables.beginOperation();
    const copy = this.rowsCopy(table, rows, dim);
    if (!copy) return false;
    if (!copy.cosine) {
      copy.cosine = writeSlot(this.buffer, copy, RECORD.cosine, cosineMultipliers(this.buffer, copy, norms));
      if (!copy.cosine) return false;
    }
    // Int8 rows against an int8 row: the dot product is exact, only rounding needs headroom.
    const cL = copy.exact ? 0 : HALF;
    const K = copy.exact ? 1 : HALF * (query.l1 + dim / 2) + 1;
    const multAt = copy.stride + RECORD.cosine;
    const plan = { rows: copy, multAt, withBias: false, query, sq: query.scale / selfNorm, cL, K, clamp: true };
    this.scan(plan, k, exclude, undefined, visit);
    return true;
  }

  private get buffer(): ArrayBuffer {
    return this.exports.memory.buffer;
  }

  private rowsCopy(table: FactorTable, rows: number, dim: number): RowsCopy | undefined {
    return this.tables.get(table, rowsCopyBytes(rows, dim), (p) => copyRows(this.buffer, p, table, rows, dim))?.data;
  }

  private scan(
    plan: ScanPlan,
    k: number,
    exclude: Uint32Array,
    candidates: Uint32Array | undefined,
    visit: (i: number) => void,
  ): void {
    const { stride } = plan.rows;
    const listLength = candidates?.length ?? 0;
    // Scratch: state (16 bytes), query, lower-bound heap, output, exclusions, candidates.
    const qAt = 16;
    const heapAt = qAt + stride;
    const outAt = heapAt + k * 8;
    const excludeAt = outAt + OUT_CAP * 4;
    const listAt = excludeAt + exclude.length * 4;
    const base = this.scratchBlock(listAt + listLength * 4);
    const buffer = this.buffer;
    new Int32Array(buffer, base, 4).fill(0);
    new Int8Array(buffer, base + qAt, stride).set(plan.query.values);
    new Uint32Array(buffer, base + excludeAt, exclude.length).set(exclude);
    if (candidates) new Uint32Array(buffer, base + listAt, listLength).set(candidates);
    const out = new Uint32Array(buffer, base + outAt, OUT_CAP);
    const count = candidates ? listLength : plan.rows.rows;
    for (;;) {
      const emitted = this.exports.scan(
        plan.rows.ptr,
        plan.rows.record,
        stride,
        plan.multAt,
        plan.withBias ? 1 : 0,
        count,
        candidates ? base + listAt : 0,
        base + qAt,
        plan.sq,
        plan.cL,
        plan.K,
        plan.clamp ? 1 : 0,
        base + excludeAt,
        exclude.length,
        base + heapAt,
        k,
        base + outAt,
        OUT_CAP,
        base,
      );
      for (let j = 0; j < emitted; j++) visit(out[j]!);
      if (emitted < OUT_CAP) return;
    }
  }

  /** The offset of a scratch block of at least `bytes`, kept between calls and grown when too small. */
  private scratchBlock(bytes: number): number {
    if (this.scratch.bytes < bytes) {
      if (this.scratch.bytes > 0) this.arena.release(this.scratch.ptr);
      const size = Math.max(bytes, 64 * 1024);
      this.scratch = { ptr: this.arena.alloc(size), bytes: size };
    }
    return this.scratch.ptr;
  }
}

/** Per row, its scale over its norm (0 for a zero row): what turns its dot product into a cosine. */
function cosineMultipliers(buffer: ArrayBuffer, copy: RowsCopy, norms: Float64Array): Float64Array {
  const floats = new Float32Array(buffer, copy.ptr, (copy.rows * copy.record) / 4);
  const out = new Float64Array(copy.rows);
  for (let r = 0, f = copy.stride / 4; r < copy.rows; r++, f += copy.record / 4) {
    const norm = norms[r]!;
    out[r] = norm > 0 ? floats[f + RECORD.scale / 4]! / norm : 0;
  }
  return out;
}

/** An int8 row as a query: its values (padded to `stride`) times its scale, exactly. */
function int8Query(values: Int8Array, row: number, dim: number, stride: number, scale: number): QuantizedQuery {
  const q = new Int8Array(stride);
  q.set(values.subarray(row * dim, (row + 1) * dim));
  return { values: q, scale, l1: 0 };
}

/** A scorer over a compiled scan module (`scoring.wasm`, built from src/simd/assembly by `pnpm build`). */
export function createWasmScorer(module: WasmModule, options?: WasmScorerOptions): WasmScorer {
  return new WasmScorer(module, options);
}
