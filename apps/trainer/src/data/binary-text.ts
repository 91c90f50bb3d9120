/** Control characters no text data holds (tab, newlines, form feed and Ctrl-A, a Hive delimiter, excepted). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's purpose
const BINARY_CONTROL = /[\x00\x02-\x08\x0e-\x1f]/;
/** Above this share of undecodable characters (U+FFFD) the bytes are not UTF-8 or Latin-1 text. */
const MAX_UNDECODABLE_SHARE = 0.3;
/** Longest escaped prefix a message shows, quotes and ellipsis included. */
const MAX_PREFIX_CHARS = 40;

/**
 * Why a file whose sampled lines are `lines` and whose first bytes are `head` is not a text
 * file, e.g. `not a text file: it starts with "\u001f\u008b\b\u0000" (gzip-compressed? …)`,
 * or undefined when it looks like text.
 */
export function binaryProblem(lines: readonly string[], head: Uint8Array): string | undefined {
  let chars = 0;
  let undecodable = 0;
  let control = false;
  for (const line of lines) {
    chars += line.length;
    for (let i = line.indexOf('\ufffd'); i >= 0; i = line.indexOf('\ufffd', i + 1)) undecodable++;
    control ||= BINARY_CONTROL.test(line);
  }
  if (!control && !(chars >= 16 && undecodable / chars > MAX_UNDECODABLE_SHARE)) return undefined;
  return `not a text file: it starts with ${escapedPrefix(head)} (${binaryHint(head)})`;
}

/** The first bytes as a JSON string literal (one char per byte, non-ASCII as \u00XX), at most 40 characters with "…" when cut. */
export function escapedPrefix(bytes: Uint8Array, maxChars = MAX_PREFIX_CHARS): string {
  let body = '';
  for (let k = 0; k < bytes.length; k++) {
    const piece = escapeByte(bytes[k]!);
    const cut = k + 1 < bytes.length;
    if (body.length + piece.length + 2 + (cut ? 1 : 0) > maxChars) return `"${body}"…`;
    body += piece;
  }
  return `"${body}"`;
}

/** One byte as it appears inside a JSON string literal. */
function escapeByte(byte: number): string {
  if (byte >= 0x7f) return `\\u00${byte.toString(16).padStart(2, '0')}`;
  return JSON.stringify(String.fromCharCode(byte)).slice(1, -1);
}

/** What the magic number suggests the file is. */
function binaryHint(head: Uint8Array): string {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip-compressed? decompress it first';
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)
    return 'a zip archive? unpack it first';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd)
    return 'zstd-compressed? decompress it first';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2-compressed? decompress it first';
  if (head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31)
    return 'a Parquet file? export it as CSV first';
  return 'binary data?';
}
