import { describe, expect, it } from 'vitest';
import { createIdEncoder, createIdIndex } from './ids.js';

describe('createIdIndex', () => {
  it('maps ids to their positions and back', () => {
    const index = createIdIndex(['b', 'a', '42']);
    expect(index.size).toBe(3);
    expect(index.indexOf('a')).toBe(1);
    expect(index.ids[index.indexOf('42')!]).toBe('42');
    expect(index.indexOf('missing')).toBeUndefined();
  });

  it('rejects a duplicate id and names both positions', () => {
    expect(() => createIdIndex(['x', 'y', 'x'])).toThrow(/duplicate id "x" at index 2 \(first at 0\)/);
  });
});

describe('createIdEncoder', () => {
  it('assigns indices in first-seen order and round-trips', () => {
    const encoder = createIdEncoder();
    const raw = ['10', '7', '10', 'abc', '7', ''];
    const encoded = raw.map((id) => encoder.encode(id));
    expect(encoded).toEqual([0, 1, 0, 2, 1, 3]);
    expect(encoder.size).toBe(4);
    expect(encoded.map((i) => encoder.ids[i])).toEqual(raw);
    expect(createIdIndex(encoder.ids).indexOf('abc')).toBe(2);
  });
});
