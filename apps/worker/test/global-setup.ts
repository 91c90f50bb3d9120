import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArtifact } from '@edgerec/core';
import type { TestProject } from 'vitest/node';
import { makeInteractionArtifact, makeRankedArtifact } from './helpers/interaction-model';
import { makeTestArtifact } from './helpers/test-model';

/** Where the integration tests' bundled artifact is written (gitignored, rebuilt every run). */
export const TEST_ARTIFACT_PATH = fileURLToPath(new URL('./.generated/edgerec.model.json', import.meta.url));

/** Where core's scoring.wasm is copied for the pool to load (see vitest.config.ts). */
export const TEST_SCORING_WASM_PATH = fileURLToPath(new URL('./.generated/scoring.wasm', import.meta.url));

/** Writes the deterministic test artifact (atomically) and copies scoring.wasm before the workers pool starts. */
export default async function setup({ provide }: TestProject): Promise<void> {
  const text = await makeTestArtifact();
  const { meta } = await parseArtifact(text, { source: 'test artifact' });
  await mkdir(dirname(TEST_ARTIFACT_PATH), { recursive: true });
  const temp = `${TEST_ARTIFACT_PATH}.tmp-${process.pid}`;
  await writeFile(temp, text);
  await rename(temp, TEST_ARTIFACT_PATH);
  const wasmTemp = `${TEST_SCORING_WASM_PATH}.tmp-${process.pid}`;
  await copyFile(createRequire(import.meta.url).resolve('@edgerec/core/scoring.wasm'), wasmTemp);
  await rename(wasmTemp, TEST_SCORING_WASM_PATH);
  provide('testArtifactSha256', meta.sha256);
  provide(
    'vectorizeExports',
    await exportVectorize([text, await makeInteractionArtifact(), await makeRankedArtifact()]),
  );
}

/**
 * The test models' items as `edgerec export vectorize` writes them (the trainer's built CLI, run
 * as a user would), by artifact sha256: what the Vectorize stand-in of the Worker tests holds.
 */
async function exportVectorize(artifacts: string[]): Promise<Record<string, string>> {
  const dir = join(dirname(TEST_ARTIFACT_PATH), 'vectorize');
  await mkdir(dir, { recursive: true });
  const cli = createRequire(import.meta.url).resolve('@edgerec/trainer/cli');
  const exports = await Promise.all(
    artifacts.map(async (text, n) => {
      const model = join(dir, `model-${n}.json`);
      const out = join(dir, `items-${n}.ndjson`);
      await writeFile(model, text);
      const args = [cli, 'export', 'vectorize', '--model', model, '--out', out, '--force', '--json'];
      const { stdout } = await promisify(execFile)(process.execPath, args);
      const { sha256 } = JSON.parse(stdout) as { sha256: string };
      return [sha256, await readFile(out, 'utf8')] as const;
    }),
  );
  return Object.fromEntries(exports);
}
