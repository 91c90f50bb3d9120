// `pnpm bench:scoring:workerd`: bench/scoring-workerd.bench.ts inside workerd (the Workers pool,
// like the Worker's tests), printing the same table as core's Node bench. A benchmark, not a test.
import { workerTestConfig } from '../vitest.config.js';

export default workerTestConfig({ stress: false, include: ['bench/scoring-workerd.bench.ts'] });
