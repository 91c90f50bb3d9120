import { importPublicKeys, importSigningKey, type ArtifactPublicKey, type ArtifactSigningKey } from '@edgerec/core';
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../user-error.js';
import { isMissing } from './errno.js';

/** Key and model files larger than this are refused before reading (a key is under 200 bytes). */
const MAX_KEY_FILE_BYTES = 64 * 1024;

/** Reads a UTF-8 text file, turning a missing file, a directory or a special file into a UserError naming `what`. */
export async function readTextFile(path: string, what: string, maxBytes?: number): Promise<string> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    throw new UserError(`cannot read ${what} ${path}: ${isMissing(error) ? 'no such file' : (error as Error).message}`);
  }
  if (info.isDirectory()) throw new UserError(`cannot read ${what} ${path}: it is a directory`);
  if (!info.isFile()) throw new UserError(`cannot read ${what} ${path}: it is not a regular file`);
  if (maxBytes !== undefined && info.size > maxBytes) {
    throw new UserError(`${what} ${path} is ${info.size} bytes, more than a ${what} can be (${maxBytes})`);
  }
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

/** Reads a private signing key file (PKCS#8 PEM). */
export async function readSigningKey(path: string): Promise<ArtifactSigningKey> {
  const text = await readTextFile(path, 'signing key', MAX_KEY_FILE_BYTES);
  try {
    return await importSigningKey(text, `signing key ${path}`);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
}

/** Reads a file of one or more trusted public keys (SPKI PEM blocks or one-line base64 keys). */
export async function readPublicKeys(path: string): Promise<ArtifactPublicKey[]> {
  const text = await readTextFile(path, 'public key', MAX_KEY_FILE_BYTES);
  try {
    return await importPublicKeys(text, `public key ${path}`);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
}
