#!/usr/bin/env node
// Bundles a model artifact with the worker: validates it with @edgerec/core's parseArtifact, then
// copies it atomically (temp file + rename) to apps/worker/model/edgerec.model.json, the file
// src/bundled-model.ts imports. Usage (from the repo root):
//   pnpm --filter @edgerec/worker use-model <artifact-path>
// or from apps/worker: node scripts/use-model.mjs <artifact-path>
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readValidatedArtifact } from './artifact-file.mjs';

const WORKER_DIR = fileURLToPath(new URL('..', import.meta.url));
const TARGET = resolve(WORKER_DIR, 'model/edgerec.model.json');
const USAGE = 'usage: pnpm --filter @edgerec/worker use-model <artifact-path>';

/** Prints a message and exits with status 1. */
function fail(message) {
  console.error(`use-model: ${message}`);
  process.exit(1);
}

// pnpm runs package scripts in apps/worker; INIT_CWD is where the user typed the command.
const BASE = process.env.INIT_CWD ?? process.cwd();

/** The artifact path from the command line, resolved against the directory the user ran pnpm in. */
function artifactPath() {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) {
    console.log(USAGE);
    process.exit(0);
  }
  if (args.length !== 1) fail(`expected one artifact path\n${USAGE}`);
  return isAbsolute(args[0]) ? args[0] : resolve(BASE, args[0]);
}

const source = artifactPath();
const { bytes, loaded } = await readValidatedArtifact(source, fail);

if (resolve(source) !== TARGET) {
  await mkdir(dirname(TARGET), { recursive: true });
  const temp = `${TARGET}.tmp-${process.pid}`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, TARGET);
  } catch (error) {
    await rm(temp, { force: true });
    fail(`cannot write ${TARGET}: ${error.message}`);
  }
}

const { model, meta } = loaded;
const mib = (bytes.length / 1024 / 1024).toFixed(2);
console.log(`Bundled model ${relative(BASE, TARGET)}`);
console.log(`  from     ${relative(BASE, source) || source}`);
console.log(`  sha256   ${meta.sha256}`);
// An interaction model's scale is the identity on scores: never show it as a rating range.
const interaction = meta.objective === 'interaction';
const head = model.ranking ? `; ranking head dim ${model.ranking.dim}, ${model.ranking.activation}` : '';
console.log(
  `  counts   ${model.users.size} users, ${model.items.size} items, ${meta.stats.ratings} ${interaction ? 'interactions' : 'ratings'}`,
);
console.log(
  `  model    ${meta.objective} (artifact version ${meta.fileVersion}), dim ${model.dim}, ${model.activation}, ` +
    `${interaction ? 'score threshold' : `ratings ${model.scale.min}..${model.scale.max}, threshold`} ${model.recommendThreshold}${head}`,
);
console.log(
  `  size     ${mib} MiB${model.seen ? '' : ' (no seen lists: recommendations will not exclude rated items)'}`,
);
console.log('Next: pnpm --filter @edgerec/worker dev   (or deploy)');
