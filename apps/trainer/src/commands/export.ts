import { Command } from 'commander';
import { checkOutputPaths } from '../io/output-paths.js';
import { readArtifactFile } from '../io/read-artifact.js';
import { FlagValueError, integerFlag } from '../options.js';
import {
  WRANGLER_MAX_VECTORS_PER_RUN,
  exportVectorize,
  vectorizeFilePaths,
  type VectorizeExport,
} from '../pipeline/vectorize-export.js';
import { stderrLog } from '../progress.js';

/** The Worker's binding name for the index (apps/worker/src/env.d.ts). */
const BINDING = 'ITEMS_INDEX';

interface VectorizeFlags {
  model: string;
  out: string;
  indexName: string;
  vectorsPerFile: number;
  force: boolean;
  json: boolean;
  quiet: boolean;
}

/** `edgerec export`: write a model in a form another service loads (`export vectorize`). */
export function exportCommand(): Command {
  const vectorize = new Command('vectorize')
    .description(
      'Write the items of the head that ranks recommendations as NDJSON for `wrangler vectorize insert`: item vector [factors..., bias], for a dot-product index of dim + 1 dimensions that the Worker queries with [user factors..., 1] (ITEM_INDEX=vectorize).',
    )
    .requiredOption('-m, --model <file>', 'model artifact written by edgerec train')
    .requiredOption('-o, --out <file>', 'NDJSON file to write (more than --vectors-per-file items: <stem>-<n>.ndjson)')
    .option(
      '--index-name <name>',
      'the Vectorize index name used in the printed commands',
      indexNameFlag,
      'edgerec-items',
    )
    .option(
      '--vectors-per-file <n>',
      `vectors per file, 1 to ${WRANGLER_MAX_VECTORS_PER_RUN} (one wrangler insert run uploads at most ${WRANGLER_MAX_VECTORS_PER_RUN})`,
      integerFlag('--vectors-per-file', 1, WRANGLER_MAX_VECTORS_PER_RUN),
      WRANGLER_MAX_VECTORS_PER_RUN,
    )
    .option('--force', 'replace existing output files', false)
    .option('--json', 'print what was written and the wrangler commands as one JSON document on stdout', false)
    .option('-q, --quiet', 'no progress lines on stderr', false)
    .addHelpText(
      'after',
      `
Each line is {"id", "namespace", "values"}. Ids are "<first 12 hex of the model's sha256>-<item
index>" (Vectorize ids are at most 64 bytes; edgerec ids may be 256 characters), and the
namespace is "edgerec-<first 32 hex of the sha256>": the Worker queries its own model's namespace
and refuses matches whose ids name another model.

Example:
  edgerec export vectorize --model model.json --out items.ndjson
  npx wrangler vectorize create edgerec-items --dimensions=33 --metric=dot-product
  npx wrangler vectorize insert edgerec-items --file=items.ndjson`,
    )
    .action(async (flags: VectorizeFlags) => {
      const output = { label: '--out file', path: flags.out };
      await checkOutputPaths([output], { inputs: [flags.model], force: flags.force });
      const artifact = await readArtifactFile(flags.model);
      const paths = vectorizeFilePaths(flags.out, artifact.model.items.size, flags.vectorsPerFile);
      if (paths.length > 1) {
        const parts = paths.map((path, p) => ({ label: `--out part ${p + 1}`, path }));
        await checkOutputPaths(parts, { inputs: [flags.model], force: flags.force });
      }
      const written = await exportVectorize(artifact, {
        out: flags.out,
        vectorsPerFile: flags.vectorsPerFile,
        log: stderrLog(flags.quiet),
      });
      const commands = wranglerCommands(flags.indexName, written);
      const binding = { binding: BINDING, index_name: flags.indexName };
      if (flags.json) {
        const { files, ...rest } = written;
        const document = { model: flags.model, ...rest, idFormat: '<sha256 first 12 hex>-<item index>', files };
        process.stdout.write(`${JSON.stringify({ ...document, commands, binding }, null, 2)}\n`);
        return;
      }
      process.stdout.write(summary(flags.model, written, commands, binding));
    });
  vectorize.exitOverride().showHelpAfterError('(add --help for usage)');
  return new Command('export')
    .description('Write a model for another service to load (vectorize: Cloudflare Vectorize).')
    .addCommand(vectorize);
}

/** The commands that create the index and insert every file. */
function wranglerCommands(indexName: string, written: VectorizeExport): { create: string; insert: string[] } {
  return {
    create: `npx wrangler vectorize create ${indexName} --dimensions=${written.dimensions} --metric=${written.metric}`,
    insert: written.files.map((f) => `npx wrangler vectorize insert ${indexName} --file=${shellWord(f.path)}`),
  };
}

/** What the text output says: the files, the model, the commands, the binding. */
function summary(
  model: string,
  written: VectorizeExport,
  commands: { create: string; insert: string[] },
  binding: { binding: string; index_name: string },
): string {
  const head = written.head === 'ranking' ? "the ranking head's" : "the model's";
  const lines = [
    ...written.files.map((f) => `wrote ${f.path}: ${f.vectors} vectors (${f.bytes} bytes)`),
    `${written.items} items of ${model} (sha256 ${written.sha256}), ${written.dimensions} dimensions: ${head} ${written.dim} factors + the item bias`,
    `namespace ${written.namespace}; ids <sha256 first 12 hex>-<item index>`,
    '',
    'Create the index (once) and insert the vectors:',
    `  ${commands.create}`,
    ...commands.insert.map((c) => `  ${c}`),
    '',
    'Then bind it in apps/worker/wrangler.jsonc and set ITEM_INDEX (see apps/worker/README.md, "Past one isolate: Vectorize"):',
    `  "vectorize": [${JSON.stringify(binding)}]`,
    '  "vars": { "ITEM_INDEX": "vectorize", ... }',
  ];
  return `${lines.join('\n')}\n`;
}

/** A path as one shell word (single-quoted unless it is plain). */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** `--index-name`: letters, digits, `-` and `_`, at most 64 bytes (Vectorize checks the rest when the index is created). */
function indexNameFlag(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(value)) {
    throw new FlagValueError(
      `--index-name must be 1 to 64 letters, digits, "-" or "_", starting with a letter or digit (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}
