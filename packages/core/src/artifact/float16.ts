/** The largest finite IEEE half-precision value. */
export const FLOAT16_MAX = 65504;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The IEEE 754 binary16 bits nearest to `x` (x is first rounded to float32), rounding to
 * nearest, ties to even; magnitudes from 65520 up become ±Infinity (0x7c00), NaN stays NaN.
 */
export function toFloat16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const e = exponent - 112; // rebias 127 -> 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the 24-bit significand right so its unit is 2^-24.
    if (e < -10) return sign;
    const significand = mantissa | 0x800000;
    const shift = 14 - e;
    let half = significand >>> shift;
    const rest = significand & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
    return sign | half; // a carry into bit 10 is exactly the smallest normal
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++; // a carry may reach Infinity, correctly
  return sign | half;
}

let table: Float32Array | undefined;

/** The value of IEEE 754 binary16 bits `h` (0..65535); exact in float32. */
export function fromFloat16Bits(h: number): number {
  table ??= buildTable();
  return table[h & 0xffff]!;
}

/** Every half value by bit pattern, built once on first use (256 KiB). */
function buildTable(): Float32Array {
  const out = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >>> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    out[h] =
      exponent === 0
        ? sign * mantissa * 2 ** -24
        : exponent === 0x1f
          ? mantissa !== 0
            ? Number.NaN
            : sign * Number.POSITIVE_INFINITY
          : sign * (1024 + mantissa) * 2 ** (exponent - 25);
  }
  return out;
}

/** Little-endian binary16 bytes of a float table; throws on a value that is not finite or overflows half. */
export function encodeFloat16(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) throw new Error(`value ${i} is not a finite number`);
    const h = toFloat16Bits(x);
    if ((h & 0x7c00) === 0x7c00) {
      throw new Error(`value ${i} (${x}) overflows float16 (largest finite magnitude ${FLOAT16_MAX}); use f32-base64`);
    }
    bytes[2 * i] = h & 0xff;
    bytes[2 * i + 1] = h >>> 8;
  }
  return bytes;
}

/** Decodes `length` little-endian binary16 values to float32; throws on Infinity or NaN. */
export function decodeFloat16(bytes: Uint8Array, length: number): Float32Array {
  table ??= buildTable();
  const lookup = table;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const h = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
    if ((h & 0x7c00) === 0x7c00) throw new Error(`value ${i} is not a finite number`);
    out[i] = lookup[h]!;
  }
  return out;
}
