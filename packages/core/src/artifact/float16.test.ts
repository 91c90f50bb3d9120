import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { FLOAT16_MAX, decodeFloat16, encodeFloat16, fromFloat16Bits, toFloat16Bits } from './float16.js';

/** Every finite non-negative half value and its bits, ascending, from the textbook formula. */
const POSITIVE_HALVES: { value: number; bits: number }[] = [];
for (let bits = 0; bits < 0x7c00; bits++) {
  const e = bits >> 10;
  const m = bits & 0x3ff;
  POSITIVE_HALVES.push({ bits, value: e === 0 ? m / 2 ** 24 : (1 + m / 1024) * 2 ** (e - 15) });
}

/** Naive reference: the nearest half by search over every half, ties to the even bit pattern. */
function nearestHalfBits(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00; // halfway between 65504 and 2^16 or above: overflows
  let lo = 0;
  let hi = POSITIVE_HALVES.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (POSITIVE_HALVES[mid]!.value <= a) lo = mid;
    else hi = mid;
  }
  const below = POSITIVE_HALVES[lo]!;
  const above = POSITIVE_HALVES[hi]!;
  if (a <= below.value) return sign | below.bits;
  const dBelow = a - below.value;
  const dAbove = above.value - a;
  const pick = dBelow < dAbove ? below : dAbove < dBelow ? above : below.bits % 2 === 0 ? below : above;
  return sign | pick.bits;
}

describe('float16 conversion', () => {
  it('decodes every bit pattern like the textbook formula and re-encodes every finite one exactly', () => {
    const wrong: number[] = [];
    for (const { bits, value } of POSITIVE_HALVES) {
      const ok =
        fromFloat16Bits(bits) === value &&
        Object.is(fromFloat16Bits(bits | 0x8000), -value) &&
        toFloat16Bits(value) === bits &&
        toFloat16Bits(-value) === (bits | 0x8000);
      if (!ok) wrong.push(bits);
    }
    expect(POSITIVE_HALVES.length).toBe(0x7c00);
    expect(wrong).toEqual([]);
    expect(fromFloat16Bits(0x7c00)).toBe(Infinity);
    expect(fromFloat16Bits(0xfc00)).toBe(-Infinity);
    expect(fromFloat16Bits(0x7e00)).toBeNaN();
  });

  it('rounds like the nearest-half reference (ties to even) across the whole range', () => {
    const rand = mulberry32(16);
    const wrong: number[] = [];
    for (let n = 0; n < 20000; n++) {
      // float32 values with exponents from far below the subnormals to past the overflow
      const x = Math.fround((rand() < 0.5 ? -1 : 1) * (1 + rand()) * 2 ** Math.floor(rand() * 50 - 32));
      if (toFloat16Bits(x) !== nearestHalfBits(x)) wrong.push(x);
    }
    expect(wrong).toEqual([]);
  });

  it('handles the edge cases exactly', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [1 + 2 ** -11, 0x3c00], // halfway, ties to even (down)
      [1 + 3 * 2 ** -11, 0x3c02], // halfway, ties to even (up)
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // halfway to it: ties to even 0
      [3 * 2 ** -25, 0x0002], // halfway between 1 and 2 units: even
      [2 ** -14 - 2 ** -25, 0x0400], // rounds up out of the subnormals into the smallest normal
      [1023 * 2 ** -24, 0x03ff], // largest subnormal
      [1e-10, 0x0000],
      [-1e-10, 0x8000],
      [65504, 0x7bff],
      [65519, 0x7bff], // below the halfway point to 2^16: clamps to the largest half
      [65520, 0x7c00], // halfway: overflows to infinity
      [-70000, 0xfc00],
      [Infinity, 0x7c00],
      [1.401298464324817e-45, 0x0000], // float32 subnormal
    ];
    for (const [x, bits] of cases) expect(toFloat16Bits(x), `${x}`).toBe(bits);
    expect(toFloat16Bits(Number.NaN) & 0x7fff).toBeGreaterThan(0x7c00);
  });

  it('round-trips a table within half precision and keeps -0', () => {
    const rand = mulberry32(3);
    const values = Float32Array.from({ length: 5000 }, () => (rand() - 0.5) * 2 ** Math.floor(rand() * 40 - 24));
    values[0] = -0;
    values[1] = FLOAT16_MAX;
    values[2] = -65519;
    const back = decodeFloat16(encodeFloat16(values), values.length);
    expect(Object.is(back[0], -0)).toBe(true);
    expect(back[1]).toBe(65504);
    expect(back[2]).toBe(-65504);
    const outside: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      // relative 2^-11 for normal halves; absolute 2^-25 (half the subnormal step) below 2^-14
      const bound = Math.abs(x) >= 2 ** -14 ? Math.abs(x) * 2 ** -11 : 2 ** -25;
      if (!(Math.abs(back[i]! - x) <= bound)) outside.push(i);
    }
    expect(outside).toEqual([]);
  });

  it('refuses to encode a value that would overflow or is not finite, naming it', () => {
    expect(() => encodeFloat16(Float32Array.from([1, 65520]))).toThrow(
      /value 1 \(65520\) overflows float16 \(largest finite magnitude 65504\)/,
    );
    expect(() => encodeFloat16(Float32Array.from([-1e6]))).toThrow(/value 0 .*overflows float16/);
    expect(() => encodeFloat16(Float32Array.from([0, Infinity]))).toThrow(/value 1 is not a finite number/);
    expect(() => encodeFloat16(Float32Array.from([Number.NaN]))).toThrow(/value 0 is not a finite number/);
  });

  it('refuses to decode infinity or NaN', () => {
    expect(() => decodeFloat16(Uint8Array.from([0, 0x3c, 0, 0x7c]), 2)).toThrow(/value 1 is not a finite number/);
    expect(() => decodeFloat16(Uint8Array.from([1, 0x7e]), 1)).toThrow(/value 0 is not a finite number/);
  });
});
