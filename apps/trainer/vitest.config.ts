import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // vitest's default include (every *.test.ts outside node_modules and dist).
    // The files run one after another in one worker process that keeps its module cache, instead of
    // a fresh process per file that re-imports TensorFlow.js, vega and the rest: about half the
    // CPU time of this package's tests. A test must not leave global state behind (restore spies
    // on process.stdout / stderr, remove signal handlers it adds).
    isolate: false,
  },
});
