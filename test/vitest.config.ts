import { configDefaults, defineConfig } from 'vitest/config';

/**
 * `pnpm test:stress` only: the load test (20,000 requests against wrangler dev) and the events
 * durability test (two wrangler dev starts around a SIGKILL, 15-20 s alone on 2 cores).
 */
export const STRESS_TESTS = ['src/load.test.ts', 'src/events-durability.test.ts'];

export function e2eTestConfig({ stress }: { stress: boolean }) {
  return defineConfig({
    test: {
      include: stress ? STRESS_TESTS : ['src/**/*.test.ts'],
      exclude: stress ? configDefaults.exclude : [...configDefaults.exclude, ...STRESS_TESTS],
      // Training and starting workerd take a while on 2 cores.
      testTimeout: 180_000,
      hookTimeout: 180_000,
    },
  });
}

export default e2eTestConfig({ stress: false });
