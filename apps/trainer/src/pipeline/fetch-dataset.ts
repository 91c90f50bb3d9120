import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { checkOutputDirectory } from '../io/output-paths.js';
import { UserError } from '../user-error.js';
import {
  datasetPaths,
  datasetsCacheDir,
  diskError,
  isCached,
  SOURCE_FILE,
  type DatasetSource,
} from '../datasets/cache.js';
import {
  DATASETS,
  datasetsBaseUrl,
  datasetUrl,
  findDataset,
  licenceNotice,
  type DatasetInfo,
} from '../datasets/catalog.js';
import {
  createDownloadProgress,
  downloadToFile,
  fetchPublishedMd5,
  formatBytes,
  type Downloaded,
} from '../datasets/download.js';
import { extractZip, type ExtractLimits } from '../datasets/unzip.js';

/** Where the data command writes and which environment it reads; tests replace them. */
export interface DataIo {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

/** Options of fetchDataset (the `data fetch` action). */
export interface FetchDatasetOptions extends DataIo {
  dataset: string;
  /** Datasets folder (`--dir`); else `$EDGEREC_DATA_DIR`, else the user cache folder. */
  dir?: string;
  /** Download again even when the dataset is cached. */
  force?: boolean;
  /** Check the zip's digest (default true); false is `--no-verify`. */
  verify?: boolean;
  /** Print only the ratings file's path. */
  quiet?: boolean;
  /** Cancels the fetch; nothing is left behind. */
  signal?: AbortSignal;
  /** Replaces the built-in catalog (tests). */
  catalog?: readonly DatasetInfo[];
  /** Largest zip accepted (default 64 MiB). */
  maxBytes?: number;
  idleTimeoutMs?: number;
  limits?: ExtractLimits;
}

/** What fetchDataset did and where the files are. */
export interface FetchDatasetResult {
  status: 'fetched' | 'cached';
  dataset: DatasetInfo;
  folder: string;
  ratings: string;
  train?: string;
  test?: string;
  /** Present when something was downloaded. */
  source?: DatasetSource;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Fetches a dataset into the cache folder: prints the licence, gets the expected digest (pinned in
 * the catalog, else GroupLens's `<zip>.md5`), downloads to a temp file, verifies, unpacks into a
 * temp folder and renames it into place. Any failure or cancel removes the temp files and leaves
 * what was cached before untouched.
 */
export async function fetchDataset(options: FetchDatasetOptions): Promise<FetchDatasetResult> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const info = findDataset(options.dataset, options.catalog ?? DATASETS);
  const cacheDir = datasetsCacheDir(options.dir, env);
  const url = datasetUrl(info, datasetsBaseUrl(env));
  const paths = datasetPaths(cacheDir, info);
  await checkOutputDirectory(cacheDir, 'datasets folder');
  const say = (line: string) => {
    if (!options.quiet) stderr.write(`${line}\n`);
  };

  if (!options.force && (await isCached(cacheDir, info))) {
    report(
      stdout,
      info,
      await withoutMissingSplit(paths),
      options.quiet,
      `${info.name} is already cached in ${paths.folder} (--force downloads it again)`,
    );
    return { status: 'cached', dataset: info, ...paths };
  }
  if (!options.force && (await exists(paths.folder))) {
    throw new UserError(
      `${paths.folder} exists but has no ${basename(paths.ratings)}; remove it or pass --force to replace it`,
    );
  }

  if (!options.quiet) stderr.write(licenceNotice(info));
  try {
    await mkdir(cacheDir, { recursive: true });
  } catch (error) {
    throw diskError(error, 'create the datasets folder', cacheDir);
  }

  const expected = await expectedDigest(info, url, options);
  say(`downloading ${url}`);
  const progress = createDownloadProgress({ label: info.zip, stream: stderr, quiet: options.quiet ?? false });
  let download: Downloaded | undefined;
  const staging = join(cacheDir, `.${info.name}.unpack-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    download = await downloadToFile(url, cacheDir, info.zip, {
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      expectedBytes: info.bytes,
      onProgress: (received, total) => {
        if (!options.signal?.aborted) progress.update(received, total);
      },
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    });
    progress.stop();
    const verified = checkDigest(download, expected, url);
    say(`downloaded ${formatBytes(download.bytes)}; ${verified}`);
    say(`sha256 ${download.sha256}  ${info.zip}`);
    options.signal?.throwIfAborted();

    const zip = await readFile(download.path);
    try {
      await mkdir(staging);
    } catch (error) {
      throw diskError(error, 'create', staging);
    }
    await extractZip(zip, staging, { source: info.zip, ...(options.limits ? { limits: options.limits } : {}) });
    if (!(await exists(join(staging, info.ratingsFile)))) {
      throw new UserError(`${info.zip} from ${url} has no ${info.ratingsFile}; is that the right file?`);
    }
    const source: DatasetSource = {
      name: info.name,
      url,
      bytes: download.bytes,
      md5: download.md5,
      sha256: download.sha256,
      verified,
      fetchedAt: new Date().toISOString(),
    };
    const unpacked = join(staging, info.folder);
    try {
      await writeFile(join(unpacked, SOURCE_FILE), `${JSON.stringify(source, null, 2)}\n`);
    } catch (error) {
      throw diskError(error, 'write', join(unpacked, SOURCE_FILE));
    }
    options.signal?.throwIfAborted();
    await moveIntoPlace(unpacked, paths.folder, options.force ?? false);
    report(stdout, info, await withoutMissingSplit(paths), options.quiet, `${info.name} is ready in ${paths.folder}`);
    return { status: 'fetched', dataset: info, ...paths, source };
  } finally {
    progress.stop();
    if (download) await rm(download.path, { force: true }).catch(() => {});
    await rm(staging, { recursive: true, force: true }).catch(() => {});
  }
}

/** The digest to check the download against, or null with --no-verify. */
async function expectedDigest(
  info: DatasetInfo,
  url: string,
  options: FetchDatasetOptions,
): Promise<{ md5: string | null; sha256: string | null; source: string } | null> {
  if (options.verify === false) {
    if (!options.quiet)
      (options.stderr ?? process.stderr).write('warning: --no-verify: the download will not be checked\n');
    return null;
  }
  if (info.sha256 !== null || info.md5 !== null)
    return { md5: info.md5, sha256: info.sha256, source: 'the digest pinned in edgerec' };
  const md5 = await fetchPublishedMd5(url, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
  });
  if (md5 === null) {
    throw new UserError(
      `no checksum is known for ${info.name} and ${url}.md5 does not exist, so the download cannot be verified; ` +
        'pass --no-verify to download it anyway',
    );
  }
  return { md5, sha256: null, source: `the MD5 published at ${url}.md5` };
}

/** Compares the download with the expected digests; a mismatch deletes the file and is a UserError. */
function checkDigest(
  download: Downloaded,
  expected: { md5: string | null; sha256: string | null; source: string } | null,
  url: string,
): string {
  if (expected === null) return 'not verified (--no-verify)';
  const mismatch = (kind: string, want: string, got: string) =>
    new UserError(
      `checksum mismatch for ${url}: expected ${kind} ${want} (${expected.source}), got ${got} ` +
        `(${formatBytes(download.bytes)}${kind === 'sha256' ? '' : `, sha256 ${download.sha256}`}); the download was deleted. ` +
        'A damaged transfer or a changed file: try again, or check the mirror',
    );
  if (expected.sha256 !== null && expected.sha256 !== download.sha256)
    throw mismatch('sha256', expected.sha256, download.sha256);
  if (expected.md5 !== null && expected.md5 !== download.md5) throw mismatch('md5', expected.md5, download.md5);
  const kinds = [expected.sha256 !== null ? 'sha256' : '', expected.md5 !== null ? 'md5' : '']
    .filter(Boolean)
    .join(' and ');
  return `verified ${kinds} against ${expected.source}`;
}

/**
 * Renames the unpacked folder to `target`. With `replace`, an existing target is first moved
 * aside and deleted only once the new one is in place; without, a target that appeared meanwhile
 * (another fetch) wins and ours is dropped.
 */
async function moveIntoPlace(from: string, target: string, replace: boolean): Promise<void> {
  let aside: string | undefined;
  if (await exists(target)) {
    if (!replace) return;
    aside = join(dirname(target), `.${basename(target)}.old-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      await rename(target, aside);
    } catch (error) {
      throw diskError(error, 'move aside', target);
    }
  }
  try {
    await rename(from, target);
  } catch (error) {
    if (aside) await rename(aside, target).catch(() => {});
    throw diskError(error, 'move into place', target);
  }
  if (aside) await rm(aside, { recursive: true, force: true }).catch(() => {});
}

/** Prints where the dataset is and how to train on it (only the ratings path when quiet). */
function report(
  stdout: NodeJS.WritableStream,
  info: DatasetInfo,
  paths: { folder: string; ratings: string; train?: string; test?: string },
  quiet: boolean | undefined,
  headline: string,
): void {
  if (quiet) {
    stdout.write(`${paths.ratings}\n`);
    return;
  }
  const train =
    paths.train !== undefined && paths.test !== undefined
      ? `edgerec train --ratings ${shellQuote(paths.train)} --test ${shellQuote(paths.test)} --out ${info.name}.json`
      : `edgerec train --ratings ${shellQuote(paths.ratings)} --out ${info.name}.json`;
  stdout.write(
    `${headline}\n` +
      `ratings file: ${paths.ratings} (${info.format})\n` +
      (paths.train !== undefined ? `canonical split: ${basename(paths.train)} / ${basename(paths.test ?? '')}\n` : '') +
      `train on it:\n  ${train}\n`,
  );
}

/** Quotes a path for a POSIX shell when it has anything beyond letters, digits and `_./:@%+=,-`. */
function shellQuote(path: string): string {
  return /^[\w./:@%+=,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** The paths without the train/test split when its files are missing (a mirror's repackaged zip). */
async function withoutMissingSplit<T extends { train?: string; test?: string }>(paths: T): Promise<T> {
  if (paths.train === undefined || paths.test === undefined) return paths;
  if ((await exists(paths.train)) && (await exists(paths.test))) return paths;
  const { train: _train, test: _test, ...rest } = paths;
  return rest as T;
}

/** True when `path` exists (file or folder). */
async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
