import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The files run one after another in one worker process (vitest's default on 2 cores: one
    // worker) that keeps its module cache, instead of a fresh process per file that re-imports
    // TensorFlow.js and the wasm backend: ~20 s -> ~6 s here. A test must not leave global state
    // behind (restore spies, reset a backend it switched).
    isolate: false,
  },
});
