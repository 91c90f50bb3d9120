// Writes a throwaway worker entry point and wrangler config that serve one given artifact instead
// of the bundled apps/worker/model/: used by serve-model.mjs (wrangler dev) and by the bundle test
// (wrangler deploy --dry-run). The folder must be inside apps/worker so imports resolve.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKER_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Creates `runDir` with `served.model.json` (a copy of `modelPath`), `entry.ts` and
 * `wrangler.jsonc`; returns the config path.
 * @param {string} runDir a folder under apps/worker (e.g. apps/worker/.serve/<run>)
 * @param {string} modelPath the artifact to serve
 */
export async function writeRunConfig(runDir, modelPath) {
  // The wrangler config is JSONC; only the compatibility date is needed from it.
  const mainConfig = await readFile(join(WORKER_DIR, 'wrangler.jsonc'), 'utf8');
  const compatibilityDate = /"compatibility_date"\s*:\s*"([^"]+)"/.exec(mainConfig)?.[1];
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
      },
      null,
      2,
    ),
  );
  return configPath;
}
