#!/usr/bin/env node
// wrangler's custom build step (wrangler.jsonc `build.command`): runs before `wrangler dev` and
// `wrangler deploy` bundle the worker, and stops them with a clear message when no valid model
// artifact is bundled at apps/worker/model/edgerec.model.json.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

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

const text = await readFile(TARGET, 'utf8').catch((error) =>
  error.code === 'ENOENT' ? fail(`no model is bundled (${TARGET} does not exist).`) : fail(`cannot read ${TARGET}: ${error.message}`),
);
const { parseArtifact } = await import('@edgerec/core').catch((error) =>
  fail(`cannot load @edgerec/core to check the model (${error.message}); run pnpm build at the repo root.`),
);
try {
  const { model, meta } = await parseArtifact(text, { source: TARGET });
  console.log(`edgerec: bundling model ${meta.sha256.slice(0, 12)} (${model.users.size} users, ${model.items.size} items)`);
} catch (error) {
  fail(`the bundled model is not usable: ${error.message}`);
}
