import type { WasmArena } from './wasm-arena.js';

/** A block of wasm memory holding a copy of something a JS object owns, and what was built there. */
export interface Resident<T> {
  readonly ptr: number;
  readonly bytes: number;
  readonly data: T;
}

interface Entry<T> extends Resident<T> {
  lastUse: number;
  evicted: boolean;
}

/**
 * The copies of tables in wasm memory, made once per table object and looked up through a
 * WeakMap, so a table that is no longer referenced is not kept alive by its copy. Their total is
 * bounded by `maxBytes`: a new copy first evicts the least recently used ones (not those used in
 * the current operation), whose blocks the arena then reuses. A model swap therefore releases the
 * old model's copies as soon as the new model's need the room.
 */
export class ResidentTables {
  private readonly byKey = new WeakMap<object, Entry<unknown> | null>();
  /** Live entries, least recently used first. */
  private readonly lru = new Set<Entry<unknown>>();
  private residentBytes = 0;
  private operation = 0;

  constructor(
    private readonly arena: WasmArena,
    readonly maxBytes: number,
  ) {}

  /** Bytes held by live copies. */
  get bytes(): number {
    return this.residentBytes;
  }

  /** Live copies. */
  get count(): number {
    return this.lru.size;
  }

  /** Starts an operation: copies used from now on are not evicted until the next one starts. */
  beginOperation(): void {
    this.operation++;
  }

  /**
   * The copy of `key`, made with `fill` (which writes `bytes` at the block's offset and returns
   * what it built, or undefined when the table cannot be copied: remembered, not retried) on first
   * use. Undefined when it cannot be copied or does not fit the budget.
   */
  get<T>(key: object, bytes: number, fill: (ptr: number) => T | undefined): Resident<T> | undefined {
    const hit = this.byKey.get(key);
    if (hit === null) return undefined;
    if (hit && !hit.evicted) {
      this.touch(hit);
      return hit as Entry<T>;
    }
    if (bytes > this.maxBytes || !this.makeRoom(bytes)) return undefined;
    const ptr = this.arena.alloc(bytes);
    const data = fill(ptr);
    if (data === undefined) {
      this.arena.release(ptr);
      this.byKey.set(key, null);
      return undefined;
    }
    const entry: Entry<T> = { ptr, bytes, data, lastUse: this.operation, evicted: false };
    this.byKey.set(key, entry);
    this.lru.add(entry);
    this.residentBytes += bytes;
    return entry;
  }

  /** Frees the copy of `key` now; the next use copies it again. */
  release(key: object): void {
    const entry = this.byKey.get(key);
    if (entry && !entry.evicted) this.evict(entry);
    this.byKey.delete(key);
  }

  private touch(entry: Entry<unknown>): void {
    entry.lastUse = this.operation;
    this.lru.delete(entry);
    this.lru.add(entry);
  }

  private makeRoom(bytes: number): boolean {
    for (const entry of this.lru) {
      if (this.residentBytes + bytes <= this.maxBytes) break;
      if (entry.lastUse === this.operation) continue;
      this.evict(entry);
    }
    return this.residentBytes + bytes <= this.maxBytes;
  }

  private evict(entry: Entry<unknown>): void {
    entry.evicted = true;
    this.lru.delete(entry);
    this.residentBytes -= entry.bytes;
    this.arena.release(entry.ptr);
  }
}
