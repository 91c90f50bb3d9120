#!/usr/bin/env node
// Runs before `pnpm --filter @edgerec/worker dev` and `deploy` start wrangler (scripts/run-wrangler.mjs),
// and stops them with a clear message when no valid model artifact is bundled at
// apps/worker/model/edgerec.model.json.
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readValidatedArtifact } from './artifact-file.mjs';

const TARGET = fileURLToPath(new URL('../model/edgerec.model.json', import.meta.url));
const HOW = [
  'Bundle a trained artifact first (validates it and copies it into apps/worker/model/):',
  '  pnpm --filter @edgerec/worker use-model <path/to/artifact.json>',
];

/** Prints the problem and how to fix it, then exits with status 1. */
function fail(problem) {
  console.error(`\n✘ edgerec: ${problem}\n${HOW.join('\n')}\n`);
  process.exit(1);
}

try {
  await access(TARGET);
} catch {
  fail(`no model is bundled (${TARGET} does not exist).`);
}
const { loaded } = await readValidatedArtifact(TARGET, fail);
console.log(
  `edgerec: bundling model ${loaded.meta.sha256.slice(0, 12)} (${loaded.model.users.size} users, ${loaded.model.items.size} items)`,
);
