import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What writeFileAtomic accepts: whole contents, or chunks produced one after another. */
export type AtomicWriteData = string | Uint8Array | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** Chunks are gathered to about this many bytes per write call, so tiny chunks cost no syscall each. */
const BATCH_BYTES = 1 << 20;

/**
 * Writes a file so that readers see the old contents or the new ones, never a partial file:
 * the data goes to `${path}.tmp-<pid>-<random>` in the same directory (created if needed),
 * is flushed to disk, then renamed over `path`. On any failure the temporary file is removed
 * and an existing file at `path` is left untouched.
 */
export async function writeFileAtomic(path: string, data: AtomicWriteData): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx');
    await writeData(handle, data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => {});
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
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
