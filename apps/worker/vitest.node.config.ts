import { defineConfig } from 'vitest/config';
import { NODE_TESTS } from './vitest.config.js';

// The Worker's tests that need Node (child processes): the OpenAPI lint and the `wrangler types` drift check.
export default defineConfig({ test: { include: [NODE_TESTS], testTimeout: 60_000 } });
