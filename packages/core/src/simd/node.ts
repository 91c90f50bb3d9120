// Node-only entry (`@edgerec/core/wasm-node`): reads and compiles the scoring.wasm built beside
// this file. The main entry does no file I/O, so Workers and browsers supply the module themselves.
import { readFile } from 'node:fs/promises';
import { installWasmScoring } from './install.js';
import { webAssembly, type WasmModule } from './wasm-api.js';
import type { WasmScorer, WasmScorerOptions } from './wasm-scorer.js';

/** The compiled scan module, read from `path` (default: scoring.wasm beside this file, in dist/simd/). */
export async function loadScoringModule(
  path: string | URL = new URL('./scoring.wasm', import.meta.url),
): Promise<WasmModule> {
  return webAssembly.compile(await readFile(path));
}

/** Loads scoring.wasm and installs it (see installWasmScoring). */
export async function installNodeWasmScoring(
  options?: WasmScorerOptions & { path?: string | URL },
): Promise<WasmScorer> {
  const { path, ...rest } = options ?? {};
  return installWasmScoring(await loadScoringModule(path), rest);
}
