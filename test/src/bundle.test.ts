// The edge bundle: what `wrangler deploy` would upload must not contain TensorFlow.js (the Worker
// imports only @edgerec/core's pure entry point), and its size is reported.
import { createIdIndex, minMaxScale, serializeArtifact, type RecommenderModel } from '@edgerec/core';
import { writeRunConfig } from '@edgerec/worker/run-config';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const WORKER = dirname(fileURLToPath(import.meta.resolve('@edgerec/worker/run-config')));
const WRANGLER = join(WORKER, '..', 'node_modules', 'wrangler', 'bin', 'wrangler.js');

function tinyModel(): RecommenderModel {
  const users = createIdIndex(['a', 'b']);
  const items = createIdIndex(['x', 'y', 'z']);
  return {
    dim: 2,
    activation: 'linear',
    globalBias: 0.5,
    scale: minMaxScale(1, 5),
    recommendThreshold: 3.5,
    users,
    items,
    userFactors: Float32Array.of(0.1, 0.2, 0.3, 0.4),
    itemFactors: Float32Array.of(0.5, 0.6, 0.7, 0.8, 0.9, 1),
    userBias: Float32Array.of(0, 0.1),
    itemBias: Float32Array.of(0.2, 0, -0.1),
  };
}

describe('the Worker bundle', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('contains no TensorFlow.js and stays small', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'edgerec-bundle-'));
    dirs.push(scratch);
    const modelPath = join(scratch, 'tiny.json');
    await writeFile(
      modelPath,
      await serializeArtifact(tinyModel(), {
        stats: { ratings: 6, users: 2, items: 3, globalMean: 3 },
        training: {
          data: { file: 'tiny.tsv', sha256: '0'.repeat(64), format: 'tsv', ratings: 6 },
          seed: 1,
          epochs: 1,
          bestEpoch: 1,
          stoppedEarly: false,
          backend: 'cpu',
          seconds: 0,
          hyperparameters: {},
          metrics: {},
          history: [],
        },
      }),
    );
    const runDir = join(WORKER, '..', '.serve', `bundle-test-${process.pid}`);
    dirs.push(runDir);
    const config = await writeRunConfig(runDir, modelPath);
    const outdir = join(scratch, 'out');
    await run(process.execPath, [WRANGLER, 'deploy', '--dry-run', '--outdir', outdir, '-c', config], {
      cwd: runDir,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    });
    const files = await readdir(outdir);
    const code = files.filter((f) => f.endsWith('.js'));
    expect(code.length).toBeGreaterThan(0);
    let bytes = 0;
    for (const file of code) {
      const text = await readFile(join(outdir, file), 'utf8');
      bytes += (await stat(join(outdir, file))).size;
      expect(text, file).not.toMatch(/@tensorflow|tfjs-core|tfjs-backend/);
      expect(text, file).toContain('edgerec-model');
    }
    // Workers' free plan allows 3 MiB compressed; the edge code is well under 1.5 MiB uncompressed.
    expect(bytes).toBeLessThan(1.5 * 1024 * 1024);
    console.log(`worker bundle: ${code.join(', ')} = ${(bytes / 1024).toFixed(0)} KiB (uncompressed, unminified)`);
  });
});
