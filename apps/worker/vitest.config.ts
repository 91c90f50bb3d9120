import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// The worker imports its artifact as `../model/edgerec.model.json` (a Text module, see
// wrangler.jsonc). Tests point that import at a deterministic artifact that test/global-setup.ts
// writes into test/.generated/, so they never need (or touch) a user's bundled model.
const testArtifact = fileURLToPath(new URL('./test/.generated/edgerec.model.json', import.meta.url));

// Test-only bindings on top of wrangler.jsonc: a local (in-memory) R2 bucket as MODELS, which the
// R2-source tests seed with artifacts (each test under its own key prefix), and the ADMIN_TOKEN
// secret of POST /admin/reload. The worker's own MODEL_SOURCE stays "bundled" (wrangler.jsonc);
// the R2 tests build the app with env overrides (see test/helpers/r2.ts).
const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: { r2Buckets: ['MODELS'], bindings: { ADMIN_TOKEN: TEST_ADMIN_TOKEN } },
    }),
  ],
  resolve: {
    alias: [{ find: /^\.\.\/model\/edgerec\.model\.json$/, replacement: testArtifact }],
  },
  test: {
    globalSetup: ['./test/global-setup.ts'],
  },
});
