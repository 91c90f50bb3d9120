import type { IvfIndex } from '../ann/ivf-index.js';
import { parseArtifactHead } from './artifact-head.js';
import { sha256Hex } from './hash.js';
import { encodeIvfIndex } from './ivf-encoding.js';

/**
 * The artifact text with `index` stored as its IVF index (replacing any), every other field as it
 * was (tables keep their encodings), and a new sha256. A signature is dropped, since it signed
 * the old hash: re-sign the result. Validate the input with parseArtifact first.
 */
export async function withIvfIndex(
  text: string,
  index: IvfIndex,
): Promise<{ text: string; droppedSignature: boolean }> {
  const { sha256: _old, signature, ivf: _previous, ...body } = parseArtifactHead(text, 'artifact');
  const content = JSON.stringify({ ...body, ivf: encodeIvfIndex(index) });
  const sha256 = await sha256Hex(content);
  return { text: `${content.slice(0, -1)},"sha256":"${sha256}"}`, droppedSignature: signature !== undefined };
}
