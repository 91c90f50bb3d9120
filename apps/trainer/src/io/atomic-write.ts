import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../user-error.js';
import { errnoCode, writeFailureHint } from './errno.js';
import { nonRegularKind, pseudoFileSystem } from './file-kind.js';

/** What writeFileAtomic accepts: whole contents, or chunks produced one after another. */
export type AtomicWriteData = string | Uint8Array | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** Options of writeFileAtomic. */
export interface AtomicWriteOptions {
  /** Permission bits of the new file (e.g. 0o600 for a private key); default 0o666 less the umask. */
  mode?: number;
}

/** Chunks are gathered to about this many bytes per write call, so tiny chunks cost no syscall each. */
const BATCH_BYTES = 1 << 20;

/**
 * Writes a file so that readers see the old contents or the new ones, never a partial file:
 * the data goes to `${path}.tmp-<pid>-<random>` in the same directory (created if needed),
 * is flushed to disk, then renamed over `path`, but only over a regular file: right before the
 * rename, a directory, device, FIFO, socket or /proc file found at `path` stops the write. On any
 * failure the temporary file is removed and an existing file at `path` is left untouched.
 * File-system failures are UserErrors naming the path; errors of `data` pass through.
 */
export async function writeFileAtomic(
  path: string,
  data: AtomicWriteData,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  let handle: FileHandle | undefined;
  try {
    await mkdir(dirname(path), { recursive: true });
    handle = await open(temp, 'wx', options.mode);
    await writeData(handle, data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await checkReplaceable(path);
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => {});
    await rm(temp, { force: true }).catch(() => {});
    throw asWriteError(error, path);
  }
}

/**
 * Throws a UserError unless `path` is absent or a regular file on an ordinary file system, so
 * that a rename onto it replaces only data (never a device node, a directory or a /proc entry).
 */
export async function checkReplaceable(path: string): Promise<void> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw error;
  }
  const kind = nonRegularKind(info);
  if (kind !== undefined) throw new UserError(`not replacing ${path}: it is ${kind}, not a regular file`);
  const pseudo = await pseudoFileSystem(path);
  if (pseudo !== undefined) throw new UserError(`not replacing ${path}: it is on the ${pseudo} pseudo file system`);
}

/** A failed file-system call as a UserError naming the path (disk full, no permission, …); other errors unchanged. */
export function asWriteError(error: unknown, path: string): unknown {
  const fsError = error as NodeJS.ErrnoException | undefined;
  if (!(error instanceof Error) || typeof fsError?.code !== 'string' || typeof fsError.syscall !== 'string')
    return error;
  return new UserError(`cannot write ${path}: ${error.message}${writeFailureHint(fsError.code)}`);
}

/** Writes whole data at once, or an iterable of chunks in batches. */
async function writeData(handle: FileHandle, data: AtomicWriteData): Promise<void> {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    await handle.writeFile(data);
    return;
  }
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  for await (const chunk of data) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    batch.push(bytes);
    batchBytes += bytes.length;
    if (batchBytes >= BATCH_BYTES) {
      await handle.writeFile(Buffer.concat(batch, batchBytes));
      batch = [];
      batchBytes = 0;
    }
  }
  if (batchBytes > 0) await handle.writeFile(Buffer.concat(batch, batchBytes));
}
