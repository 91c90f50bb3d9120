import { isInt8Rows, toFloat32, type FactorTable } from '../factor-table.js';
import { quantizeRows, type Int8Rows } from '../int8-rows.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import { decodeFloat16, encodeFloat16 } from './float16.js';

/** How a table is written in the artifact. */
export const TABLE_ENCODINGS = ['f32-base64', 'json', 'f16-base64', 'int8-base64'] as const;

/**
 * One of {@link TABLE_ENCODINGS}: base64 of little-endian float32; a JSON number array; base64
 * of little-endian IEEE half floats (decoded to float32 at load); or base64 of int8 values with
 * a per-row float32 scale (row r is q · scales[r]).
 */
export type TableEncoding = (typeof TABLE_ENCODINGS)[number];

/** A table as stored in the artifact. */
export type EncodedTable =
  | { encoding: 'f32-base64'; length: number; data: string }
  | { encoding: 'json'; length: number; data: number[] }
  | { encoding: 'f16-base64'; length: number; data: string }
  | {
      encoding: 'int8-base64';
      length: number;
      /** Values a row; length = rows × rowLength. */
      rowLength: number;
      /** base64 of `length` int8 values in [-127, 127]. */
      data: string;
      /** base64 of one little-endian float32 scale (finite, ≥ 0) per row. */
      scales: string;
    };

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Encodes a table. 'f32-base64' and 'json' round-trip float32 exactly; 'f16-base64' rounds to
 * the nearest half (throws on a magnitude above 65504's rounding range); 'int8-base64' needs
 * `rowLength` and quantizes each row (an Int8Rows table is written as it is). An Int8Rows table
 * written in a float encoding is dequantized first.
 */
export function encodeTable(values: FactorTable, encoding: TableEncoding, rowLength?: number): EncodedTable {
  if (encoding === 'int8-base64') {
    let rows: Int8Rows;
    if (isInt8Rows(values)) {
      if (rowLength !== undefined && rowLength !== values.dim) {
        throw new Error(`int8 rows are ${values.dim} wide, asked to write rows of ${rowLength}`);
      }
      rows = values;
    } else {
      if (rowLength === undefined) throw new Error('int8-base64 needs the row length (the model dim)');
      rows = quantizeRows(values, rowLength);
    }
    const bytes = new Uint8Array(rows.values.buffer, rows.values.byteOffset, rows.values.length);
    return {
      encoding,
      length: rows.values.length,
      rowLength: rows.dim,
      data: bytesToBase64(bytes),
      scales: bytesToBase64(float32Bytes(rows.scales)),
    };
  }
  const floats = isInt8Rows(values) ? toFloat32(values, values.dim) : values;
  if (encoding === 'json') return { encoding, length: floats.length, data: Array.from(floats) };
  if (encoding === 'f16-base64') return { encoding, length: floats.length, data: bytesToBase64(encodeFloat16(floats)) };
  return { encoding, length: floats.length, data: bytesToBase64(float32Bytes(floats)) };
}

/**
 * Decodes a table to a Float32Array (int8 rows dequantized), checking its length, that every
 * value is finite, and for int8 that the row length is `rowLength` when given.
 */
export function decodeTable(table: EncodedTable, rowLength?: number): Float32Array {
  const decoded = decodeFactorTable(table, rowLength);
  return isInt8Rows(decoded) ? toFloat32(decoded, decoded.dim) : decoded;
}

/**
 * Decodes a factor table for scoring: an 'int8-base64' table stays int8 ({@link Int8Rows}),
 * the others become a Float32Array. Validates lengths, finiteness, and for int8 the row length
 * (must be `rowLength` when given, and divide the length), the scales (one per row, finite and
 * ≥ 0) and the values (no -128).
 */
export function decodeFactorTable(table: EncodedTable, rowLength?: number): FactorTable {
  switch (table.encoding) {
    case 'json': {
      const values = Float32Array.from(table.data);
      if (values.length !== table.length) throw new Error(`holds ${values.length} values, expected ${table.length}`);
      return assertFinite(values);
    }
    case 'f32-base64': {
      const bytes = decodeBase64(table.data, 'is');
      return assertFinite(float32FromBytes(bytes, table.length, ''));
    }
    case 'f16-base64': {
      const bytes = decodeBase64(table.data, 'is');
      if (bytes.length !== table.length * 2) {
        throw new Error(`holds ${bytes.length} bytes, expected ${table.length * 2} (${table.length} float16)`);
      }
      return decodeFloat16(bytes, table.length);
    }
    case 'int8-base64':
      return decodeInt8(table, rowLength);
  }
}

function decodeInt8(
  table: Extract<EncodedTable, { encoding: 'int8-base64' }>,
  rowLength: number | undefined,
): Int8Rows {
  const { length, rowLength: dim } = table;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`rowLength must be a positive integer, got ${dim}`);
  if (rowLength !== undefined && dim !== rowLength) throw new Error(`has rowLength ${dim}, expected ${rowLength}`);
  if (length % dim !== 0) throw new Error(`length ${length} is not a whole number of rows of ${dim} (rowLength)`);
  const rows = length / dim;
  const bytes = decodeBase64(table.data, 'is');
  if (bytes.length !== length) throw new Error(`holds ${bytes.length} bytes, expected ${length} (${length} int8)`);
  const values = new Int8Array(bytes.buffer, bytes.byteOffset, length);
  for (let i = 0; i < length; i++) {
    if (values[i] === -128) throw new Error(`value ${i} is -128, outside the symmetric int8 range [-127, 127]`);
  }
  const scales = float32FromBytes(decodeBase64(table.scales, 'scales are'), rows, 'scales ');
  for (let r = 0; r < rows; r++) {
    const s = scales[r]!;
    if (!(Number.isFinite(s) && s >= 0)) throw new Error(`scale of row ${r} is ${s}; scales must be finite and ≥ 0`);
  }
  return { values, scales, dim };
}

function decodeBase64(text: string, subject: string): Uint8Array {
  try {
    return base64ToBytes(text);
  } catch (error) {
    throw new Error(`${subject} ${(error as Error).message.replace(/^is /, '')}`);
  }
}

function float32Bytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  if (LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  } else {
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  }
  return bytes;
}

function float32FromBytes(bytes: Uint8Array, length: number, subject: string): Float32Array {
  if (bytes.length !== length * 4) {
    throw new Error(
      `${subject}${subject ? 'hold' : 'holds'} ${bytes.length} bytes, expected ${length * 4} (${length} float32)`,
    );
  }
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = view.getFloat32(i * 4, true);
  return values;
}

function assertFinite(values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new Error(`value ${i} is not a finite number`);
  }
  return values;
}
