#!/usr/bin/env node
import { installNodeWasmScoring } from '@edgerec/core/wasm-node';
import { runCli } from './program.js';

// Rankings (evaluate, tune, cv, recommend) go through core's wasm scorer: the JS path's results, faster.
await installNodeWasmScoring();
process.exitCode = await runCli(process.argv.slice(2));
