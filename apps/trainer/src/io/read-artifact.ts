import { ArtifactError, parseArtifact, type ArtifactPublicKey, type LoadedArtifact } from '@edgerec/core';
import { readFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { UserError } from '../user-error.js';
import { readFailureReason } from './errno.js';
import { unreadableProblem } from './file-kind.js';

/** Options of readArtifactFile. */
export interface ReadArtifactOptions {
  /** Require a signature by one of these keys. */
  publicKeys?: readonly ArtifactPublicKey[];
}

/**
 * The trainer's decoded-size budget: half this machine's memory. The Worker keeps core's default
 * (what fits an isolate); offline tools read models of any size the machine can hold.
 */
export const TRAINER_MAX_DECODED_BYTES = Math.floor(totalmem() / 2);

/** Reads and validates a model artifact file; any problem becomes a UserError naming the file. */
export async function readArtifactFile(path: string, options: ReadArtifactOptions = {}): Promise<LoadedArtifact> {
  return (await readArtifactSource(path, options)).artifact;
}

/** Like {@link readArtifactFile}, and also returns the file's text (for tools that rewrite it). */
export async function readArtifactSource(
  path: string,
  options: ReadArtifactOptions = {},
): Promise<{ text: string; artifact: LoadedArtifact }> {
  const problem = await unreadableProblem(path);
  if (problem !== undefined) throw new UserError(`cannot read model ${path}: ${problem}`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read model ${path}: ${readFailureReason(error)}`);
  }
  try {
    const artifact = await parseArtifact(text, {
      source: path,
      maxDecodedBytes: TRAINER_MAX_DECODED_BYTES,
      ...(options.publicKeys ? { publicKeys: options.publicKeys } : {}),
    });
    return { text, artifact };
  } catch (error) {
    if (error instanceof ArtifactError) throw new UserError(error.message);
    throw error;
  }
}
