import { describe, expect, it } from 'vitest';
import { assertValidScale, clipRating, minMaxScale, scaleRating, unscaleRating } from './scale.js';

describe('rating scale', () => {
  it('maps min..max onto [0, 1] and back', () => {
    const scale = minMaxScale(1, 5);
    expect(scaleRating(scale, 1)).toBe(0);
    expect(scaleRating(scale, 5)).toBe(1);
    expect(scaleRating(scale, 3)).toBe(0.5);
    for (const r of [1, 1.5, 2.25, 4, 5]) expect(unscaleRating(scale, scaleRating(scale, r))).toBeCloseTo(r, 12);
  });

  it('supports a centred target range', () => {
    const scale = { min: 0.5, max: 5, targetMin: -1, targetMax: 1 };
    expect(scaleRating(scale, 0.5)).toBe(-1);
    expect(scaleRating(scale, 2.75)).toBeCloseTo(0, 12);
    expect(unscaleRating(scale, 1)).toBe(5);
  });

  it('clips into the rating range', () => {
    const scale = minMaxScale(1, 5);
    expect(clipRating(scale, 0.2)).toBe(1);
    expect(clipRating(scale, 7)).toBe(5);
    expect(clipRating(scale, 3.3)).toBe(3.3);
  });

  it('rejects unusable scales', () => {
    expect(() => assertValidScale(minMaxScale(5, 5))).toThrow(/min < max/);
    expect(() => assertValidScale(minMaxScale(1, Number.NaN))).toThrow(/finite/);
    expect(() => assertValidScale({ min: 1, max: 5, targetMin: 1, targetMax: 1 })).toThrow(/empty/);
  });
});
