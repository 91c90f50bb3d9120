import { base64ToBytes, bytesToBase64 } from './base64.js';

/** How a float table is written in the artifact. */
export const TABLE_ENCODINGS = ['f32-base64', 'json'] as const;

/** One of {@link TABLE_ENCODINGS}: base64 of little-endian float32, or a JSON number array. */
export type TableEncoding = (typeof TABLE_ENCODINGS)[number];

/** A float table as stored in the artifact. */
export type EncodedTable =
  | { encoding: 'f32-base64'; length: number; data: string }
  | { encoding: 'json'; length: number; data: number[] };

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Encodes a float table; both encodings round-trip float32 values exactly. */
export function encodeTable(values: Float32Array, encoding: TableEncoding): EncodedTable {
  if (encoding === 'json') return { encoding, length: values.length, data: Array.from(values) };
  const bytes = new Uint8Array(values.length * 4);
  if (LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  } else {
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  }
  return { encoding, length: values.length, data: bytesToBase64(bytes) };
}

/** Decodes a table to a Float32Array, checking its length and that every value is finite. */
export function decodeTable(table: EncodedTable): Float32Array {
  let values: Float32Array;
  if (table.encoding === 'json') {
    values = Float32Array.from(table.data);
  } else {
    const bytes = base64ToBytes(table.data);
    if (bytes.length !== table.length * 4) {
      throw new Error(`holds ${bytes.length} bytes, expected ${table.length * 4} (${table.length} float32)`);
    }
    if (LITTLE_ENDIAN) {
      values = new Float32Array(bytes.buffer, bytes.byteOffset, table.length);
    } else {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      values = new Float32Array(table.length);
      for (let i = 0; i < table.length; i++) values[i] = view.getFloat32(i * 4, true);
    }
  }
  if (values.length !== table.length) {
    throw new Error(`holds ${values.length} values, expected ${table.length}`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new Error(`value ${i} is not a finite number`);
  }
  return values;
}
