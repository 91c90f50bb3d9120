/** Hex sha256 of a UTF-8 string, via Web Crypto (Node ≥ 20, browsers, workerd). */
export async function sha256Hex(text: string | Uint8Array): Promise<string> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  const out = new Uint8Array(digest);
  let hex = '';
  for (let i = 0; i < out.length; i++) hex += out[i]!.toString(16).padStart(2, '0');
  return hex;
}
