import { sha256Hex } from './hash.js';

/** The fields outside the hashed content: the hash itself and the signature over it. */
const UNHASHED = ['sha256', 'signature'] as const;

/**
 * The sha256 the writer computed: of JSON.stringify of every field but `sha256` and
 * `signature`. A file as the writer (or signer) left it is that text plus a
 * `,"sha256":"…"[,"signature":{…}]}` tail, so it is hashed as it stands (no re-serialisation:
 * ~3× faster on big models); any other layout (re-indented, reordered) is re-serialised from
 * the parsed object.
 */
export async function contentHash(text: string, parsed: Record<string, unknown>): Promise<string> {
  const body = fastBodyBytes(text, parsed);
  if (body !== undefined) {
    const fast = await sha256Hex(body);
    if (fast === parsed.sha256) return fast;
  }
  return sha256Hex(JSON.stringify(withoutUnhashed(parsed)));
}

/**
 * The fast path's hashed bytes, encoded straight from the file text (its body, then the `}` that
 * closes it), without building the body as a second string first.
 */
function fastBodyBytes(text: string, parsed: Record<string, unknown>): Uint8Array | undefined {
  const tail = artifactTail(String(parsed.sha256), parsed.signature);
  const end = trimmedEnd(text);
  if (end < tail.length || !text.startsWith(tail, end - tail.length)) return undefined;
  const encoded = new TextEncoder().encode(text.substring(0, end - tail.length));
  const bytes = new Uint8Array(encoded.length + 1);
  bytes.set(encoded);
  bytes[encoded.length] = 0x7d; // '}'
  return bytes;
}

/** The length of `text` without trailing whitespace (what trimEnd keeps), without copying it. */
function trimmedEnd(text: string): number {
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  return end;
}

/**
 * The hashed content as text: the file's own bytes when it ends in the writer's tail, else the
 * parsed object re-serialised. What a signer re-emits before its new tail.
 */
export function hashedText(text: string, parsed: Record<string, unknown>): string {
  return fastBody(text, parsed) ?? JSON.stringify(withoutUnhashed(parsed));
}

/** The artifact's closing tail as the writer lays it out. */
export function artifactTail(sha256: string, signature?: unknown): string {
  return `,"sha256":"${sha256}"${signature === undefined ? '' : `,"signature":${JSON.stringify(signature)}`}}`;
}

function fastBody(text: string, parsed: Record<string, unknown>): string | undefined {
  const tail = artifactTail(String(parsed.sha256), parsed.signature);
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith(tail)) return undefined;
  return `${trimmed.slice(0, trimmed.length - tail.length)}}`;
}

function withoutUnhashed(parsed: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(UNHASHED as readonly string[]).includes(key)) body[key] = value;
  }
  return body;
}
