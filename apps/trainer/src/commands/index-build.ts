import { IVF_KMEANS, MAX_IVF_LISTS, type IvfBuildInfo } from '@edgerec/core';
import { Command, Option } from 'commander';
import { checkOutputPaths } from '../io/output-paths.js';
import { readArtifactSource } from '../io/read-artifact.js';
import { integerFlag } from '../options.js';
import { IVF_TARGET_RECALL, buildIndexFile, type IndexBuildResult } from '../pipeline/ivf-index-build.js';
import { stderrLog } from '../progress.js';

interface BuildFlags {
  model: string;
  out: string;
  lists?: number;
  seed: number;
  kmeans: IvfBuildInfo['kmeans'];
  maxIterations: number;
  reorder: boolean;
  force: boolean;
  json: boolean;
  quiet: boolean;
}

/** `edgerec index`: build an item index into a model artifact (`index build`: IVF). */
export function indexCommand(): Command {
  const build = new Command('build')
    .description(
      'Build an IVF index (k-means lists) over the items of the head that ranks recommendations, and write the model with it: the Worker then probes the best lists instead of scanning every item (ITEM_INDEX=ivf).',
    )
    .requiredOption('-m, --model <file>', 'model artifact written by edgerec train')
    .requiredOption('-o, --out <file>', 'the model artifact to write, with the index')
    .option(
      '--lists <n>',
      `number of lists, 1 to ${MAX_IVF_LISTS} and at most the item count (default: about √items)`,
      integerFlag('--lists', 1, MAX_IVF_LISTS),
    )
    .option('--seed <n>', 'seed of the k-means sample and initial centroids', integerFlag('--seed', 0, 2 ** 31 - 1), 1)
    .addOption(
      new Option('--kmeans <kind>', 'k-means variant: spherical (unit vectors; better recall) or euclidean')
        .choices(IVF_KMEANS)
        .default('spherical'),
    )
    .option('--max-iterations <n>', 'most k-means iterations, 1 to 100', integerFlag('--max-iterations', 1, 100), 12)
    .option(
      '--no-reorder',
      'keep the catalogue order and every table as written (by default the items are laid out list by list, so probing reads contiguous rows)',
    )
    .option('--force', 'replace an existing output file', false)
    .option('--json', 'print the index and its recall as one JSON document on stdout', false)
    .option('-q, --quiet', 'no progress lines on stderr', false)
    .addHelpText(
      'after',
      `
Items are the (dim + 1)-wide vectors [factors..., bias] of the ranking head; a query ranks the
lists by the inner product of their centroid with [user factors..., 1]. Recall@10 against the
exact top-10 is measured on sampled training users at nprobe 1, 2, 4 ... lists, and the smallest
nprobe reaching ${IVF_TARGET_RECALL} is stored as the Worker's default. The output lists the items list by
list (ids, factors, biases, popularity and seen lists permuted alike; only the order of tied items
can change), so a probe reads contiguous rows: several times faster at 1M items than scattered
ones. --no-reorder keeps the catalogue order. A signature of the input is dropped (the sha256
changes): sign the output again.

Example:
  edgerec index build --model model.json --out model-ivf.json --lists 1024`,
    )
    .action(async (flags: BuildFlags) => {
      await checkOutputPaths([{ label: '--out file', path: flags.out }], { inputs: [flags.model], force: flags.force });
      const log = stderrLog(flags.quiet);
      const { text, artifact } = await readArtifactSource(flags.model);
      const result = await buildIndexFile(text, artifact, {
        out: flags.out,
        ...(flags.lists === undefined ? {} : { lists: flags.lists }),
        seed: flags.seed,
        kmeans: flags.kmeans,
        maxIterations: flags.maxIterations,
        reorder: flags.reorder,
        log,
      });
      if (result.droppedSignature) log(`warning: ${flags.model} was signed; ${flags.out} is not (run edgerec sign)`);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(report(flags, result), null, 2)}\n`);
        return;
      }
      process.stdout.write(summary(flags, result));
    });
  build.exitOverride().showHelpAfterError('(add --help for usage)');
  return new Command('index').description('Build an item index into a model artifact (build: IVF).').addCommand(build);
}

/** The --json document. */
function report(flags: BuildFlags, result: IndexBuildResult) {
  const { index } = result;
  return {
    model: flags.model,
    out: flags.out,
    bytes: result.bytes,
    lists: index.lists,
    items: index.items.length,
    build: index.build,
    ...(index.probe ? { probe: index.probe } : {}),
    recall: result.recall,
  };
}

/** The text output: the file, the build, recall per nprobe, the default. */
function summary(flags: BuildFlags, result: IndexBuildResult): string {
  const { index } = result;
  const { build } = index;
  const lines = [
    `wrote ${flags.out} (${result.bytes} bytes): ${flags.model} with an IVF index of ${index.lists} lists over ${index.items.length} items`,
    `${build.kmeans} k-means, seed ${build.seed}, ${build.iterations} iterations on ${build.sample} items, ${build.seconds.toFixed(1)} s`,
    '',
    'nprobe  recall@10  items scored',
    ...result.recall.map(
      (p) =>
        `${String(p.nprobe).padStart(6)}  ${p.recall.toFixed(3).padStart(9)}  ${(100 * p.scored).toFixed(2).padStart(11)}%`,
    ),
    '',
    index.probe
      ? `default nprobe ${index.probe.nprobe} (recall@10 ${index.probe.recall.toFixed(3)} on ${index.probe.users} training users)`
      : 'no users to measure recall on: requests without nprobe probe the Worker default',
    'Serve it with ITEM_INDEX=ivf (apps/worker/README.md, "Past the exact scan: IVF").',
  ];
  return `${lines.join('\n')}\n`;
}
