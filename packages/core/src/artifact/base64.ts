import { fromByteArray } from 'base64-js';

/** Encodes bytes as standard base64 (with padding). */
export function bytesToBase64(bytes: Uint8Array): string {
  return fromByteArray(bytes);
}

/** The runtime's own decoder (`Uint8Array.fromBase64`, TC39 "arraybuffer-base64"), where it exists. */
const nativeFromBase64 = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array }).fromBase64;

/** Sextet of each UTF-16 code unit of the standard alphabet; 64 for anything else (64 KiB, indexed without a bounds test). */
const SEXTETS = (() => {
  const table = new Uint8Array(65536).fill(64);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/**
 * Decodes standard base64 (padding required); throws on a bad length or a character outside the
 * alphabet, naming its position. One validating pass: the runtime's `Uint8Array.fromBase64` when
 * it has one (workerd, recent browsers), else a table-driven loop (Node 20), both several times
 * faster than a regular-expression check followed by a decoder.
 */
export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error(`is not valid base64 (length ${text.length} is not a multiple of 4)`);
  if (nativeFromBase64) {
    try {
      const bytes = nativeFromBase64(text);
      // fromBase64 skips ASCII whitespace, which this format does not allow: fewer bytes than the
      // length promises means some was there, and the loop below says where.
      if (bytes.length === decodedLength(text)) return bytes;
    } catch {
      // Report where, as the fallback does.
    }
  }
  return decodeLoop(text);
}

/** The bytes a padded base64 text of this length decodes to. */
function decodedLength(text: string): number {
  const n = text.length;
  const padding = n === 0 ? 0 : text.charCodeAt(n - 1) === 61 ? (text.charCodeAt(n - 2) === 61 ? 2 : 1) : 0;
  return (n / 4) * 3 - padding;
}

function decodeLoop(text: string): Uint8Array {
  const n = text.length;
  const out = new Uint8Array(decodedLength(text));
  const padding = (n / 4) * 3 - out.length;
  const full = padding === 0 ? n : n - 4; // the last quartet, padded, is decoded apart
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const a = SEXTETS[text.charCodeAt(i)]!;
    const b = SEXTETS[text.charCodeAt(i + 1)]!;
    const c = SEXTETS[text.charCodeAt(i + 2)]!;
    const d = SEXTETS[text.charCodeAt(i + 3)]!;
    if ((a | b | c | d) > 63) throw invalidAt(text, i);
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
    out[o++] = ((c & 3) << 6) | d;
  }
  if (padding > 0) {
    const i = n - 4;
    const a = SEXTETS[text.charCodeAt(i)]!;
    const b = SEXTETS[text.charCodeAt(i + 1)]!;
    const c = padding === 1 ? SEXTETS[text.charCodeAt(i + 2)]! : 0;
    if ((a | b | c) > 63) throw invalidAt(text, i);
    out[o++] = (a << 2) | (b >> 4);
    if (padding === 1) out[o++] = ((b & 15) << 4) | (c >> 2);
  }
  return out;
}

function invalidAt(text: string, quartet: number): Error {
  let i = quartet;
  while (i < quartet + 4 && SEXTETS[text.charCodeAt(i)]! < 64) i++;
  const shown = JSON.stringify(text[i] ?? '');
  return new Error(`is not valid base64 (character ${shown} at position ${i})`);
}
