import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { configDefaults, defineConfig } from 'vitest/config';

// The worker imports its artifact as `../model/edgerec.model.json` (a Text module, see
// wrangler.jsonc). Tests point that import at a deterministic artifact that test/global-setup.ts
// writes into test/.generated/, so they never need (or touch) a user's bundled model.
const testArtifact = fileURLToPath(new URL('./test/.generated/edgerec.model.json', import.meta.url));
// Core's scoring.wasm, which src/wasm-scoring.ts imports, is copied there too (test/global-setup.ts):
// the pool cannot load a wasm module from outside this package's root (it joins the root and
// vite's `/@fs/…` id into a path that does not exist).
const testScoringWasm = fileURLToPath(new URL('./test/.generated/scoring.wasm', import.meta.url));

// Test-only bindings on top of wrangler.jsonc: a local (in-memory) R2 bucket as MODELS, which the
// R2-source tests seed with artifacts (each test under its own key prefix), and the ADMIN_TOKEN
// secret of POST /admin/reload. The worker's own MODEL_SOURCE stays "bundled" (wrangler.jsonc);
// the R2 tests build the app with env overrides (see test/helpers/r2.ts).
const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

/**
 * The stress tests: long, request-heavy runs that `pnpm test:stress` (vitest.stress.config.ts)
 * runs and `pnpm test` leaves out.
 */
export const STRESS_TESTS = ['test/fuzz-requests.test.ts', 'test/model-swap-load.test.ts'];

/** Tests that run in Node, not workerd (they spawn the real Redocly linter and `wrangler types`): vitest.node.config.ts. */
export const NODE_TESTS = 'test/**/*.node.test.ts';

/** The Workers-pool config, for the everyday tests, (`stress`) STRESS_TESTS only, or the files in `include` (benches). */
export function workerTestConfig({ stress, include }: { stress: boolean; include?: string[] }) {
  return defineConfig({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.jsonc' },
        miniflare: { r2Buckets: ['MODELS'], bindings: { ADMIN_TOKEN: TEST_ADMIN_TOKEN } },
      }),
    ],
    resolve: {
      alias: [
        { find: /^\.\.\/model\/edgerec\.model\.json$/, replacement: testArtifact },
        { find: /^@edgerec\/core\/scoring\.wasm$/, replacement: testScoringWasm },
      ],
    },
    test: {
      globalSetup: ['./test/global-setup.ts'],
      ...(include ? { include, testTimeout: 600_000 } : {}),
      ...(include || stress
        ? { include: include ?? STRESS_TESTS }
        : {
            exclude: [...configDefaults.exclude, ...STRESS_TESTS, NODE_TESTS],
            // Every test file runs in one workerd (one Miniflare) instead of a new one per file:
            // starting workerd and re-importing the app for each of ~20 files was ~40 s of the
            // ~50 s this package took. Files share that isolate and its local R2 bucket, so a test
            // seeds R2 under its own key prefix (test/helpers/r2.ts: uniquePrefix) and restores
            // what it spies on. The stress tests keep vitest's default (a workerd per file).
            isolate: false,
          }),
    },
  });
}

export default workerTestConfig({ stress: false });
