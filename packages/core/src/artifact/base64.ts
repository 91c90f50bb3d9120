import { fromByteArray, toByteArray } from 'base64-js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Encodes bytes as standard base64 (with padding). */
export function bytesToBase64(bytes: Uint8Array): string {
  return fromByteArray(bytes);
}

/** Decodes standard base64; throws on characters outside the alphabet or a bad length. */
export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new Error('is not valid base64 (bad length or characters)');
  }
  return toByteArray(text);
}
