import { Command } from 'commander';
import { basename } from 'node:path';
import { DATA_DIR_ENV, datasetsCacheDir, isCached } from '../datasets/cache.js';
import {
  DATASETS,
  DATASETS_URL_ENV,
  DEFAULT_DATASETS_URL,
  MOVIELENS_LICENCE_URL,
  type DatasetInfo,
} from '../datasets/catalog.js';
import { formatBytes } from '../datasets/download.js';
import { fetchDataset, type DataIo } from '../pipeline/fetch-dataset.js';

/** Options of listDatasets (the `data list` action). */
export interface ListDatasetsOptions extends DataIo {
  dir?: string;
  catalog?: readonly DatasetInfo[];
  /** Print one JSON document instead of the table. */
  json?: boolean;
}

interface FetchFlags {
  dir?: string;
  force: boolean;
  verify: boolean;
  quiet: boolean;
}

/** `edgerec data`: download MovieLens datasets into a local cache (`fetch`) and show them (`list`). */
export function dataCommand(io: DataIo = {}): Command {
  const fetchCommand = new Command('fetch')
    .description(
      'Download a MovieLens dataset from GroupLens, verify its checksum and unpack it into the cache folder.',
    )
    .argument('<dataset>', `one of ${DATASETS.map((d) => d.name).join(', ')}`)
    .option('--dir <folder>', `datasets folder (default: $${DATA_DIR_ENV}, else the user cache folder)`)
    .option('--force', 'download and unpack again even if the dataset is already cached', false)
    .option('--no-verify', 'skip the checksum check, e.g. when no checksum is published (the sha256 is still printed)')
    .option('-q, --quiet', 'print only the path of the ratings file', false)
    .addHelpText('after', () => fetchHelp(io.env ?? process.env))
    .action(async (dataset: string, flags: FetchFlags) => {
      const controller = new AbortController();
      const onSigint = () => {
        if (controller.signal.aborted) process.exit(130);
        (io.stderr ?? process.stderr).write('\ninterrupted: cleaning up (Ctrl-C again to quit now)\n');
        controller.abort(
          Object.assign(new Error(`fetching ${dataset} cancelled by Ctrl-C; nothing was kept`), { name: 'AbortError' }),
        );
      };
      process.on('SIGINT', onSigint);
      try {
        await fetchDataset({
          ...io,
          dataset,
          ...(flags.dir !== undefined ? { dir: flags.dir } : {}),
          force: flags.force,
          verify: flags.verify,
          quiet: flags.quiet,
          signal: controller.signal,
        });
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
  const listCommand = new Command('list')
    .description('Show the datasets `data fetch` knows, their sizes, ratings files, and which are cached.')
    .option('--dir <folder>', `datasets folder (default: $${DATA_DIR_ENV}, else the user cache folder)`)
    .option('--json', 'print the datasets and the cache folder as one JSON document on stdout', false)
    .action(async (flags: { dir?: string; json: boolean }) => {
      await listDatasets({ ...io, json: flags.json, ...(flags.dir !== undefined ? { dir: flags.dir } : {}) });
    });
  for (const sub of [fetchCommand, listCommand]) sub.exitOverride().showHelpAfterError('(add --help for usage)');
  return new Command('data')
    .description('Download MovieLens datasets (research use; see `edgerec data list`) into a local cache.')
    .addCommand(fetchCommand)
    .addCommand(listCommand);
}

/** Prints the known datasets, whether each is cached, and the cache folder. */
export async function listDatasets(options: ListDatasetsOptions = {}): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const env = options.env ?? process.env;
  const catalog = options.catalog ?? DATASETS;
  const cacheDir = datasetsCacheDir(options.dir, env);
  if (options.json) {
    const datasets = [];
    for (const info of catalog) {
      datasets.push({
        name: info.name,
        zip: info.zip,
        bytes: info.bytes ?? info.approxBytes,
        bytesExact: info.bytes !== null,
        ratingsFile: info.ratingsFile,
        format: info.format,
        split: info.split,
        cached: await isCached(cacheDir, info),
        summary: info.summary,
      });
    }
    stdout.write(`${JSON.stringify({ cacheFolder: cacheDir, datasets, licence: MOVIELENS_LICENCE_URL }, null, 2)}\n`);
    return;
  }
  const rows = [['dataset', 'zip', 'ratings file', 'train/test split', 'cached']];
  for (const info of catalog) {
    rows.push([
      info.name,
      info.bytes !== null ? formatBytes(info.bytes) : `~${formatBytes(info.approxBytes)}`,
      info.ratingsFile,
      info.split ? `${basename(info.split.train)} / ${basename(info.split.test)}` : '-',
      (await isCached(cacheDir, info)) ? 'yes' : 'no',
    ]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
  stdout.write(
    `${lines.join('\n')}\n\n` +
      catalog.map((info) => `${info.name}: ${info.summary}\n`).join('') +
      `\ncache folder: ${cacheDir}\n` +
      `fetch one with: edgerec data fetch <dataset>\n` +
      `MovieLens terms: research use only, no redistribution, cite the paper; see ${MOVIELENS_LICENCE_URL}\n`,
  );
}

/** The `data fetch --help` epilogue: environment, terms, examples. */
function fetchHelp(env: NodeJS.ProcessEnv): string {
  let cache: string;
  try {
    cache = datasetsCacheDir(undefined, env);
  } catch {
    cache = '(unknown)';
  }
  return `
Datasets: ${DATASETS.map((d) => d.name).join(', ')} (see \`edgerec data list\`).

Environment:
  ${DATA_DIR_ENV}      datasets folder when --dir is not given (now: ${cache})
  ${DATASETS_URL_ENV}  base URL replacing ${DEFAULT_DATASETS_URL}, for mirrors:
                        it must serve <dataset>.zip (and <dataset>.zip.md5 for datasets without a pinned checksum)

MovieLens is for research use only and may not be redistributed; publications must cite
Harper & Konstan (2015). The terms are printed before each download: ${MOVIELENS_LICENCE_URL}

Examples:
  edgerec data fetch ml-100k
  edgerec train --ratings "$(edgerec data fetch ml-1m --quiet)" --out ml-1m.json`;
}
