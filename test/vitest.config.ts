import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Training and starting workerd take a while on 2 cores.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
