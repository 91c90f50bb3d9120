import type { SeenItems } from '../seen-items.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';

/** SeenItems as stored: per user a varint count, then varint gaps between sorted item indices. */
export interface EncodedSeenItems {
  encoding: 'csr-varint-delta-base64';
  /** Total number of (user, item) pairs. */
  pairs: number;
  data: string;
}

/** Compresses SeenItems (about 1-2 bytes a pair for real data). */
export function encodeSeenItems(seen: SeenItems): EncodedSeenItems {
  const users = seen.offsets.length - 1;
  let bytes = new Uint8Array(Math.max(16, users + seen.items.length * 2));
  let n = 0;
  const put = (value: number) => {
    if (n + 5 > bytes.length) {
      const grown = new Uint8Array(bytes.length * 2);
      grown.set(bytes);
      bytes = grown;
    }
    while (value >= 0x80) {
      bytes[n++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    bytes[n++] = value;
  };
  for (let u = 0; u < users; u++) {
    const start = seen.offsets[u]!;
    const end = seen.offsets[u + 1]!;
    put(end - start);
    let previous = 0;
    for (let j = start; j < end; j++) {
      const item = seen.items[j]!;
      put(item - previous);
      previous = item;
    }
  }
  return { encoding: 'csr-varint-delta-base64', pairs: seen.items.length, data: bytesToBase64(bytes.subarray(0, n)) };
}

/** Decodes SeenItems for `users` users whose item indices must be below `items`. */
export function decodeSeenItems(encoded: EncodedSeenItems, users: number, items: number): SeenItems {
  const bytes = base64ToBytes(encoded.data);
  // Every user's count and every pair take at least one byte: bound the allocation by the data.
  if (encoded.pairs + users > bytes.length) {
    throw new Error(`declares ${encoded.pairs} pairs for ${users} users, more than its ${bytes.length} bytes can hold`);
  }
  if (encoded.pairs > users * items) throw new Error(`declares ${encoded.pairs} pairs, more than users × items`);
  const offsets = new Uint32Array(users + 1);
  const flat = new Uint32Array(encoded.pairs);
  let n = 0;
  let write = 0;
  const get = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (n >= bytes.length) throw new Error('ends in the middle of a list');
      const b = bytes[n++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
      shift += 7;
      if (shift > 35) throw new Error('holds an overlong number');
    }
  };
  for (let u = 0; u < users; u++) {
    offsets[u] = write;
    const count = get();
    if (write + count > encoded.pairs) throw new Error(`lists more than the ${encoded.pairs} pairs it declares`);
    let item = 0;
    for (let j = 0; j < count; j++) {
      const gap = get();
      if (j > 0 && gap === 0) throw new Error(`repeats an item for user index ${u}`);
      item += gap;
      if (item >= items) throw new Error(`names item index ${item}, but there are only ${items} items`);
      flat[write++] = item;
    }
  }
  offsets[users] = write;
  if (write !== encoded.pairs) throw new Error(`holds ${write} pairs, declares ${encoded.pairs}`);
  if (n !== bytes.length) throw new Error('has trailing bytes after the last user');
  return { offsets, items: flat };
}
