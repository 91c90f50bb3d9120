// Shared by the worker's Node scripts: read an artifact file and validate it with @edgerec/core.
import { readFile } from 'node:fs/promises';

/**
 * Reads and validates an artifact; returns { bytes, text, loaded } or calls fail(message).
 * @param {string} path
 * @param {(message: string) => never} fail
 */
export async function readValidatedArtifact(path, fail) {
  let parseArtifact;
  try {
    ({ parseArtifact } = await import('@edgerec/core'));
  } catch (error) {
    fail(`cannot load @edgerec/core (${error.message}); build it first: pnpm build (at the repo root)`);
  }
  const bytes = await readFile(path).catch((error) =>
    fail(error.code === 'ENOENT' ? `${path} does not exist` : `cannot read ${path}: ${error.message}`),
  );
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail(`${path} is not UTF-8 text, so not a model artifact`);
  }
  try {
    return { bytes, text, loaded: await parseArtifact(text, { source: path }) };
  } catch (error) {
    return fail(`rejected ${path}: ${error.message}`);
  }
}
