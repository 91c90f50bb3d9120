import { describe, expect, it } from 'vitest';
import type { WasmMemory } from './wasm-api.js';
import { WasmArena } from './wasm-arena.js';

/** A memory that grows like wasm's: by 64 KiB pages, into a new buffer. */
function fakeMemory(): WasmMemory & { grows: number } {
  let buffer = new ArrayBuffer(65536);
  return {
    get buffer() {
      return buffer;
    },
    grows: 0,
    grow(pages: number) {
      const old = buffer.byteLength / 65536;
      buffer = new ArrayBuffer(buffer.byteLength + pages * 65536);
      this.grows++;
      return old;
    },
  };
}

describe('WasmArena', () => {
  it('allocates aligned blocks after the base and grows the memory only when nothing free fits', () => {
    const memory = fakeMemory();
    const arena = new WasmArena(memory, 1000);
    const a = arena.alloc(10);
    const b = arena.alloc(70000);
    expect(a).toBe(1008);
    expect(b).toBe(1024);
    expect(memory.grows).toBe(1);
    expect(arena.liveBytes).toBe(16 + 70000);
    arena.release(a);
    expect(arena.alloc(16)).toBe(1008);
  });

  it('coalesces freed neighbours and reuses them for a larger block', () => {
    const memory = fakeMemory();
    const arena = new WasmArena(memory, 0);
    const blocks = [0, 1, 2, 3].map(() => arena.alloc(4096));
    arena.release(blocks[1]!);
    arena.release(blocks[2]!);
    expect(arena.alloc(8192)).toBe(blocks[1]);
    arena.release(blocks[3]!);
    arena.release(blocks[0]!);
    // The last block went back to the top, so the next allocation starts from the first.
    expect(arena.alloc(4096)).toBe(blocks[0]);
    expect(() => arena.release(12345)).toThrow(/not an allocated block/);
  });
});
