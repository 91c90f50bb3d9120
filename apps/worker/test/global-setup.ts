import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArtifact } from '@edgerec/core';
import type { TestProject } from 'vitest/node';
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
}
