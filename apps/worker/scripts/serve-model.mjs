#!/usr/bin/env node
// Serves a model artifact with `wrangler dev` WITHOUT bundling it into apps/worker/model/: writes a
// throwaway entry point and wrangler config under apps/worker/.serve/<run>/ that import this
// artifact, runs wrangler dev on them, and deletes the folder when wrangler exits. Used by the demo
// and the end-to-end test.
//   node scripts/serve-model.mjs --model <artifact.json> [--port 8787] [--ip 127.0.0.1] [-- <wrangler dev args>]
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readValidatedArtifact } from './artifact-file.mjs';
import { serveRunDir, writeRunConfig } from './run-config.mjs';

const WORKER_DIR = fileURLToPath(new URL('..', import.meta.url));
const USAGE =
  'usage: node scripts/serve-model.mjs --model <artifact.json> [--port 8787] [--ip 127.0.0.1] [--persist-to DIR] [-- <wrangler dev args>]';

/** Prints a message and exits with status 1. */
function fail(message) {
  console.error(`serve-model: ${message}`);
  process.exit(1);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      options: {
        model: { type: 'string' },
        port: { type: 'string', default: '8787' },
        ip: { type: 'string', default: '127.0.0.1' },
        'persist-to': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    return fail(`${error.message}\n${USAGE}`);
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.model) fail(`--model is required\n${USAGE}`);
const base = process.env.INIT_CWD ?? process.cwd();
const modelPath = isAbsolute(values.model) ? values.model : resolve(base, values.model);
const { loaded } = await readValidatedArtifact(modelPath, fail);

const runDir = serveRunDir(process.pid);
const persistTo = values['persist-to'] ? resolve(base, values['persist-to']) : join(runDir, 'state');
await writeRunConfig(runDir, modelPath);

console.log(
  `serve-model: serving ${modelPath} (sha256 ${loaded.meta.sha256.slice(0, 12)}, ` +
    `${loaded.model.users.size} users, ${loaded.model.items.size} items) on http://${values.ip}:${values.port}`,
);
const child = spawn(
  process.execPath,
  [
    join(WORKER_DIR, 'node_modules/wrangler/bin/wrangler.js'),
    'dev',
    '-c',
    join(runDir, 'wrangler.jsonc'),
    '--ip',
    values.ip,
    '--port',
    values.port,
    '--persist-to',
    persistTo,
    '--show-interactive-dev-session=false',
    ...positionals,
  ],
  {
    cwd: runDir,
    stdio: 'inherit',
    env: { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', ...process.env },
  },
);

let cleaned = false;
async function cleanUp() {
  if (cleaned) return;
  cleaned = true;
  await rm(runDir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    child.kill(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
  });
}
child.on('exit', async (code, signal) => {
  await cleanUp();
  process.exit(code ?? (signal ? 0 : 1));
});
