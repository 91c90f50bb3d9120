// Writes a throwaway worker entry point and wrangler config that serve one given artifact instead
// of the bundled apps/worker/model/: used by serve-model.mjs (wrangler dev) and by the bundle test
// (wrangler deploy --dry-run). The folder must be inside apps/worker so imports resolve. The event
// bindings (Durable Objects, their migrations, the rate limiter) are copied from wrangler.jsonc.
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKER_DIR = fileURLToPath(new URL('..', import.meta.url));
/** Where serve-model.mjs writes its run folders. */
const SERVE_DIR = join(WORKER_DIR, '.serve');

/** The run folder serve-model.mjs (process `pid`) uses: apps/worker/.serve/<pid>-<time>. */
export function serveRunDir(pid) {
  return join(SERVE_DIR, `${pid}-${Date.now().toString(36)}`);
}

/**
 * Removes the run folders of serve-model process `pid`: it deletes its own when wrangler exits,
 * but not when it is killed (SIGKILL).
 */
export async function removeServeRunDirs(pid) {
  const names = await readdir(SERVE_DIR).catch(() => []);
  const mine = names.filter((name) => name.startsWith(`${pid}-`));
  await Promise.all(mine.map((name) => rm(join(SERVE_DIR, name), { recursive: true, force: true, maxRetries: 3 })));
}

/** JSONC to JSON: drops line and block comments outside strings (wrangler.jsonc has no trailing commas). */
function stripJsonComments(text) {
  return text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_match, string) => string ?? '');
}

/**
 * Creates `runDir` with `served.model.json` (a copy of `modelPath`), `entry.ts` and
 * `wrangler.jsonc`; returns the config path.
 * @param {string} runDir a folder under apps/worker (e.g. apps/worker/.serve/<run>)
 * @param {string} modelPath the artifact to serve
 */
export async function writeRunConfig(runDir, modelPath) {
  const mainConfig = JSON.parse(stripJsonComments(await readFile(join(WORKER_DIR, 'wrangler.jsonc'), 'utf8')));
  const { compatibility_date: compatibilityDate, durable_objects, migrations, ratelimits } = mainConfig;
  if (!compatibilityDate) throw new Error('cannot find compatibility_date in apps/worker/wrangler.jsonc');
  const relativeSrc = join(
    ...Array(runDir.slice(WORKER_DIR.length).split('/').filter(Boolean).length).fill('..'),
    'src',
  );
  await mkdir(runDir, { recursive: true });
  await copyFile(modelPath, join(runDir, 'served.model.json'));
  await writeFile(
    join(runDir, 'entry.ts'),
    [
      "import { parseArtifact } from '@edgerec/core';",
      `import { createApp } from '${relativeSrc}/app';`,
      "import artifactText from './served.model.json';",
      `export default createApp({ loadModel: (options) => parseArtifact(artifactText, { source: ${JSON.stringify(`served ${modelPath}`)}, ...options }) });`,
      `export { EventShard } from '${relativeSrc}/events/shard';`,
      '',
    ].join('\n'),
  );
  const configPath = join(runDir, 'wrangler.jsonc');
  await writeFile(
    configPath,
    JSON.stringify(
      {
        name: 'edgerec-local',
        main: 'entry.ts',
        compatibility_date: compatibilityDate,
        send_metrics: false,
        rules: [{ type: 'Text', globs: ['**/*.model.json'], fallthrough: false }],
        durable_objects,
        migrations,
        ratelimits,
      },
      null,
      2,
    ),
  );
  return configPath;
}
