#!/usr/bin/env node
// `pnpm -s edgerec <command> …` (the root package.json script): builds the CLI and what it imports
// (turbo, cached, silent unless it fails), then runs it in this process. stdout carries only what
// the CLI prints, so `pnpm -s edgerec predict … --json | jq` works. (`-s` silences pnpm's own
// "> edgerec@0.1.0 edgerec" header, which pnpm writes to stdout before running any script.)
import { buildQuietly } from './build-quietly.mjs';

buildQuietly('@edgerec/trainer');
await import('./edgerec.mjs');
