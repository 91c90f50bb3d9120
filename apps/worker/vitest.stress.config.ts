// `pnpm test:stress` (apps/worker: `pnpm run test:stress`): the request fuzz and the model swap
// under load, inside workerd like the other Worker tests. `pnpm test` leaves them out.
import { workerTestConfig } from './vitest.config.js';

export default workerTestConfig({ stress: true });
