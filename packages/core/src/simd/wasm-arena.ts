import type { WasmMemory } from './wasm-api.js';

const PAGE = 65536;
const ALIGN = 16;

/**
 * A first-fit allocator over a wasm instance's linear memory, from `base` up: freed blocks are
 * coalesced and reused before the memory grows (wasm memory never shrinks, so reuse is what keeps
 * a model swap from growing it). Views into the memory must be made after the last allocation:
 * growing detaches the old buffer.
 */
export class WasmArena {
  /** Free blocks as [start, end) byte offsets, ascending and never adjacent. */
  private readonly free: { start: number; end: number }[] = [];
  private readonly sizes = new Map<number, number>();
  private top: number;

  constructor(
    readonly memory: WasmMemory,
    base: number,
  ) {
    this.top = align(base);
  }

  /** Bytes the linear memory spans now. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes in live allocations. */
  get liveBytes(): number {
    let s = 0;
    for (const size of this.sizes.values()) s += size;
    return s;
  }

  /** The offset of a new 16-byte-aligned block of `bytes`, growing the memory if no free block fits. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, align(bytes));
    for (let j = 0; j < this.free.length; j++) {
      const block = this.free[j]!;
      if (block.end - block.start < size) continue;
      const ptr = block.start;
      block.start += size;
      if (block.start === block.end) this.free.splice(j, 1);
      this.sizes.set(ptr, size);
      return ptr;
    }
    // No free block ends at `top` (release lowers `top` instead), so new memory starts there.
    const ptr = this.top;
    const end = ptr + size;
    if (end > this.memoryBytes) this.memory.grow(Math.ceil((end - this.memoryBytes) / PAGE));
    this.top = end;
    this.sizes.set(ptr, size);
    return ptr;
  }

  /** Returns a block from {@link alloc} to the free list. */
  release(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`wasm arena: ${ptr} is not an allocated block`);
    this.sizes.delete(ptr);
    let start = ptr;
    let end = ptr + size;
    let j = 0;
    while (j < this.free.length && this.free[j]!.end <= start) j++;
    const before = this.free[j - 1];
    const after = this.free[j];
    if (after && after.start === end) {
      end = after.end;
      this.free.splice(j, 1);
    }
    if (before && before.end === start) {
      start = before.start;
      this.free.splice(j - 1, 1);
      j--;
    }
    if (end === this.top) this.top = start;
    else this.free.splice(j, 0, { start, end });
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
