import { describe, expect, it } from 'vitest';
import { mulberry32 } from './random.js';
import { TopKHeap } from './top-k-heap.js';

describe('TopKHeap', () => {
  it('keeps the k best pairs like sorting everything (with many ties)', () => {
    const rand = mulberry32(5);
    for (const k of [1, 2, 7, 50, 200]) {
      const pairs = Array.from({ length: 120 }, (_, index) => ({ score: Math.floor(rand() * 10) / 2, index }));
      const heap = new TopKHeap(k);
      for (const p of [...pairs].reverse()) heap.push(p.score, p.index);
      const want = [...pairs].sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
      expect(heap.sorted()).toEqual(want);
      expect(heap.size).toBe(Math.min(k, 120));
    }
  });

  it('holds nothing when k is 0', () => {
    const heap = new TopKHeap(0);
    heap.push(1, 1);
    expect(heap.sorted()).toEqual([]);
  });
});
