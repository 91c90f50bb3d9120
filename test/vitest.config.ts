import { configDefaults, defineConfig } from 'vitest/config';

/** The load test (20,000 requests against wrangler dev): `pnpm test:stress` only. */
export const STRESS_TESTS = ['src/load.test.ts'];

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
