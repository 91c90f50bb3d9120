import { SingleBar } from 'cli-progress';
import { createHash, randomBytes } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../user-error.js';
import { errnoCode } from '../io/errno.js';
import { diskError } from './cache.js';

/** Options of downloadToFile and fetchPublishedMd5. */
export interface DownloadOptions {
  /** Refuse bodies larger than this many bytes. */
  maxBytes: number;
  /** Cancels the download (Ctrl-C); the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Give up when no bytes arrive for this long (default 60 s). */
  idleTimeoutMs?: number;
  /** Size to report progress against when the server sends no Content-Length. */
  expectedBytes?: number | null;
  /** Called after each chunk with the bytes so far and the total (null when unknown). */
  onProgress?: (received: number, total: number | null) => void;
}

/** A completed download: the temp file holding it and its digests. */
export interface Downloaded {
  path: string;
  bytes: number;
  md5: string;
  sha256: string;
}

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * Streams `url` into a new hidden temp file in `dir`, hashing (MD5 and SHA-256) as it goes.
 * Any failure (HTTP status, network, size limit, idle timeout, disk, cancel) removes the temp file
 * and rejects with a UserError, or with `signal.reason` when cancelled. The caller owns the file on success.
 */
export async function downloadToFile(
  url: string,
  dir: string,
  name: string,
  options: DownloadOptions,
): Promise<Downloaded> {
  const path = join(dir, `.${name}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  const idle = idleWatch(options);
  let handle: FileHandle | undefined;
  let received = 0;
  let total: number | null = null;
  try {
    const response = await request(url, idle.signal, options.signal);
    const declared = contentLength(response);
    total = declared ?? options.expectedBytes ?? null;
    if (declared !== null && declared > options.maxBytes) {
      throw new UserError(`${url} is ${formatBytes(declared)}, more than the ${formatBytes(options.maxBytes)} allowed`);
    }
    if (response.body === null) throw new UserError(`${url} returned no body`);
    try {
      handle = await open(path, 'wx');
    } catch (error) {
      throw diskError(error, 'create', path);
    }
    const md5 = createHash('md5');
    const sha256 = createHash('sha256');
    options.onProgress?.(0, total);
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      idle.touch();
      received += chunk.length;
      if (received > options.maxBytes) {
        throw new UserError(`${url} is larger than the ${formatBytes(options.maxBytes)} allowed; stopped`);
      }
      md5.update(chunk);
      sha256.update(chunk);
      try {
        await handle.write(chunk);
      } catch (error) {
        throw diskError(error, 'write', path);
      }
      options.onProgress?.(received, total);
    }
    if (declared !== null && received !== declared) {
      throw new UserError(`connection to ${url} ended after ${received} of ${declared} bytes; try again`);
    }
    try {
      await handle.sync();
      await handle.close();
    } catch (error) {
      throw diskError(error, 'write', path);
    } finally {
      handle = undefined;
    }
    return { path, bytes: received, md5: md5.digest('hex'), sha256: sha256.digest('hex') };
  } catch (error) {
    await handle?.close().catch(() => {});
    await rm(path, { force: true }).catch(() => {});
    throw downloadError(error, url, idle, options.signal, { received, total });
  } finally {
    idle.stop();
  }
}

/**
 * Fetches the MD5 GroupLens publishes next to a zip (`<url>.md5`, e.g. `MD5 (ml-100k.zip) = 0e33…`).
 * Returns null when the server has none (HTTP 404 or 410).
 */
export async function fetchPublishedMd5(
  url: string,
  options: Pick<DownloadOptions, 'signal' | 'idleTimeoutMs'> = {},
): Promise<string | null> {
  const md5Url = `${url}.md5`;
  const idle = idleWatch(options);
  try {
    const response = await request(md5Url, idle.signal, options.signal, [404, 410]);
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      return null;
    }
    const declared = contentLength(response);
    if (declared !== null && declared > 4096)
      throw new UserError(`${md5Url} is too large to be an MD5 file (${declared} bytes)`);
    const text = await response.text();
    const md5 = parseMd5File(text.slice(0, 4096));
    if (md5 === null) throw new UserError(`${md5Url} does not contain an MD5 digest`);
    return md5;
  } catch (error) {
    throw downloadError(error, md5Url, idle, options.signal, { received: 0, total: null });
  } finally {
    idle.stop();
  }
}

/** The hex digest in an `.md5` file, BSD (`MD5 (f) = hex`) or GNU (`hex  f`) style, lower-cased; null if none. */
export function parseMd5File(text: string): string | null {
  const match = /(?:^|[\s=(])([0-9a-fA-F]{32})(?=$|[\s*])/m.exec(text);
  return match ? match[1]!.toLowerCase() : null;
}

/** A byte count as `512 B`, `12.3 kB` or `4.9 MB` (decimal units, like GroupLens's own listing). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}

/** Reports download progress. */
export interface DownloadProgress {
  update(received: number, total: number | null): void;
  /** Ends the bar (or prints the last line). */
  stop(): void;
}

/** Options of createDownloadProgress. */
export interface DownloadProgressOptions {
  /** Shown before the numbers, e.g. the zip's name. */
  label: string;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  quiet?: boolean;
}

/** A cli-progress bar on a TTY, else one line per 10 %; nothing when quiet. */
export function createDownloadProgress(options: DownloadProgressOptions): DownloadProgress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { update() {}, stop() {} };
  if (stream.isTTY === true) {
    let bar: SingleBar | undefined;
    return {
      update(received, total) {
        if (total === null) return;
        if (!bar) {
          bar = new SingleBar({
            stream,
            format: `${options.label} [{bar}] {percentage}% | {got} of {size} | ETA {eta_formatted}`,
            hideCursor: true,
            clearOnComplete: true,
          });
          bar.start(total, 0, { got: formatBytes(0), size: formatBytes(total) });
        }
        bar.setTotal(Math.max(total, received));
        bar.update(received, { got: formatBytes(received) });
      },
      stop() {
        bar?.stop();
        bar = undefined;
      },
    };
  }
  let lastTenth = 0;
  return {
    update(received, total) {
      if (total === null || total <= 0) return;
      const tenth = Math.min(10, Math.floor((received / total) * 10));
      if (tenth <= lastTenth) return;
      lastTenth = tenth;
      stream.write(`${options.label}: ${tenth * 10}% (${formatBytes(received)} of ${formatBytes(total)})\n`);
    },
    stop() {},
  };
}

/** GET `url`; a status other than 200 (or one of `allowed`) is a UserError naming the URL and status. */
async function request(
  url: string,
  idle: AbortSignal,
  cancel: AbortSignal | undefined,
  allowed: number[] = [],
): Promise<Response> {
  const signal = cancel ? AbortSignal.any([idle, cancel]) : idle;
  const response = await fetch(url, { signal, redirect: 'follow', headers: { 'user-agent': 'edgerec (data fetch)' } });
  if (response.status === 200 || allowed.includes(response.status)) return response;
  await response.body?.cancel().catch(() => {});
  throw new UserError(
    `GET ${url} failed: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
  );
}

/** The Content-Length header as a number, or null. */
function contentLength(response: Response): number | null {
  const raw = response.headers.get('content-length');
  if (raw === null || !/^\d+$/.test(raw.trim())) return null;
  return Number(raw);
}

interface IdleWatch {
  signal: AbortSignal;
  ms: number;
  timedOut(): boolean;
  touch(): void;
  stop(): void;
}

/** Aborts its signal when touch() has not been called for the idle timeout. */
function idleWatch(options: Pick<DownloadOptions, 'idleTimeoutMs'>): IdleWatch {
  const ms = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const controller = new AbortController();
  let fired = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      fired = true;
      controller.abort(new Error('idle timeout'));
    }, ms);
    timer.unref();
  };
  arm();
  return {
    signal: controller.signal,
    ms,
    timedOut: () => fired,
    touch: arm,
    stop: () => clearTimeout(timer),
  };
}

/** Turns whatever a download threw into the error to report. */
function downloadError(
  error: unknown,
  url: string,
  idle: IdleWatch,
  cancel: AbortSignal | undefined,
  progress: { received: number; total: number | null },
): unknown {
  if (cancel?.aborted)
    return cancel.reason instanceof Error
      ? cancel.reason
      : Object.assign(new Error('download cancelled'), { name: 'AbortError' });
  if (error instanceof UserError) return error;
  if (idle.timedOut())
    return new UserError(`no data from ${url} for ${idle.ms / 1000} s; gave up (slow or stalled network?)`);
  if (errnoCode(error) !== undefined && !(error instanceof TypeError)) return error; // a file-system error diskError did not claim
  if (error instanceof TypeError) {
    const cause = (error as { cause?: unknown }).cause;
    const code = errnoCode(cause);
    const detail = cause instanceof Error ? cause.message : error.message;
    if (progress.received > 0 || error.message === 'terminated') {
      const of = progress.total !== null ? ` of ${formatBytes(progress.total)}` : '';
      return new UserError(
        `the connection to ${host(url)} was lost after ${formatBytes(progress.received)}${of} (${detail}); nothing was kept, try again`,
      );
    }
    return new UserError(
      `could not reach ${host(url)} to download ${url}: ${code ?? detail} (offline? behind a proxy? ` +
        'EDGEREC_DATASETS_URL can point at a mirror)',
    );
  }
  return error;
}

/** The host part of a URL, for messages. */
function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
