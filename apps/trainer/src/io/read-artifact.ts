import { ArtifactError, parseArtifact, type LoadedArtifact } from '@edgerec/core';
import { readFile } from 'node:fs/promises';
import { UserError } from '../user-error.js';

/** Reads and validates a model artifact file; any problem becomes a UserError naming the file. */
export async function readArtifactFile(path: string): Promise<LoadedArtifact> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new UserError(`cannot read model ${path}: ${why}`);
  }
  try {
    return await parseArtifact(text, { source: path });
  } catch (error) {
    if (error instanceof ArtifactError) throw new UserError(error.message);
    throw error;
  }
}
