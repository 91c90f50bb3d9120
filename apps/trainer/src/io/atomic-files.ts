import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { asWriteError, checkReplaceable, writeFileAtomic, type AtomicWriteData } from './atomic-write.js';

/** One file for writeFilesAtomic: where it goes and what it holds. */
export interface FileToWrite {
  path: string;
  data: AtomicWriteData;
}

/**
 * Writes several files that belong together (a train and a test split): each is written in full
 * under a temporary name beside its target, and only when all are complete are they renamed into
 * place. On any failure (or an abort through `signal`) the temporary files, any target already
 * renamed, and directories this call created are removed, so nothing is left behind. A target
 * that is no longer a regular file (or absent) when the renames start stops them all.
 */
export async function writeFilesAtomic(files: readonly FileToWrite[], signal?: AbortSignal): Promise<void> {
  const created: string[] = [];
  const staged: string[] = [];
  const placed: string[] = [];
  try {
    for (const file of files) {
      const dir = await mkdir(dirname(file.path), { recursive: true }).catch((error: unknown) => {
        throw asWriteError(error, dirname(file.path));
      });
      if (dir !== undefined) created.push(...dirsBetween(dir, dirname(file.path)));
    }
    for (const file of files) {
      signal?.throwIfAborted();
      const temp = `${file.path}.partial-${process.pid}-${randomBytes(6).toString('hex')}`;
      staged.push(temp);
      await writeFileAtomic(temp, file.data);
    }
    signal?.throwIfAborted();
    // Every target is checked before any is renamed, so a refusal leaves none placed.
    for (const file of files) await checkReplaceable(file.path);
    for (const [k, file] of files.entries()) {
      await rename(staged[k]!, file.path).catch((error: unknown) => {
        throw asWriteError(error, file.path);
      });
      placed.push(file.path);
    }
  } catch (error) {
    await Promise.all([...staged, ...placed].map((path) => rm(path, { force: true }).catch(() => {})));
    for (const dir of created.reverse()) await rmdir(dir).catch(() => {});
    throw error;
  }
}

/** `first` and each directory below it down to `last` (mkdir -p created exactly these). */
function dirsBetween(first: string, last: string): string[] {
  const dirs = [resolve(first)];
  const parts = relative(first, last)
    .split(/[\\/]/)
    .filter((part) => part !== '');
  for (const part of parts) dirs.push(resolve(dirs.at(-1)!, part));
  return dirs;
}
