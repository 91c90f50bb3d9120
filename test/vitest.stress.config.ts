// `pnpm test:stress` (test/: `pnpm run test:stress`): the load test against wrangler dev.
import { e2eTestConfig } from './vitest.config.js';

export default e2eTestConfig({ stress: true });
