import { describe, expect, it } from 'vitest';
import { LineMap } from './line-map.js';

describe('LineMap', () => {
  it('returns the line each row was added with', () => {
    const lines = [2, 3, 4, 7, 8, 12, 13, 14, 20];
    const map = new LineMap();
    lines.forEach((line, row) => map.add(row, line));
    expect(lines.map((_, row) => map.lineOf(row))).toEqual(lines);
  });

  it('maps rows to lines one to one when no line is skipped', () => {
    const map = new LineMap();
    for (let row = 0; row < 100; row++) map.add(row, row + 1);
    expect(map.lineOf(0)).toBe(1);
    expect(map.lineOf(99)).toBe(100);
  });
});
