#!/usr/bin/env node
// `pnpm demo …` (the root package.json script): builds the packages the demo runs (turbo, cached,
// silent unless it fails), then runs demo.mjs in this process, so Ctrl-C
// reaches one Node process that stops the local workers and exits cleanly.
import { buildQuietly } from '../../trainer/bin/build-quietly.mjs';

buildQuietly('@edgerec/trainer');
await import('./demo.mjs');
