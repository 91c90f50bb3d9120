import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// The worker imports its artifact as `../model/edgerec.model.json` (a Text module, see
// wrangler.jsonc). Tests point that import at a deterministic artifact that test/global-setup.ts
// writes into test/.generated/, so they never need (or touch) a user's bundled model.
const testArtifact = fileURLToPath(new URL('./test/.generated/edgerec.model.json', import.meta.url));

export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.jsonc' } })],
  resolve: {
    alias: [{ find: /^\.\.\/model\/edgerec\.model\.json$/, replacement: testArtifact }],
  },
  test: {
    globalSetup: ['./test/global-setup.ts'],
  },
});
