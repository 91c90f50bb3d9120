import type { WasmModule } from './wasm-api.js';
import { createWasmScorer, type WasmScorer, type WasmScorerOptions } from './wasm-scorer.js';

// The isolate's scorer: one wasm instance and its table copies, shared by every model it ranks.
let installed: WasmScorer | undefined;

/**
 * Makes topKItems and similarItems rank through WebAssembly SIMD (from a compiled
 * `@edgerec/core/scoring.wasm`), replacing any scorer installed before. Returns the scorer.
 * @example
 * import mod from '@edgerec/core/scoring.wasm'; // a Worker's CompiledWasm module
 * installWasmScoring(mod);
 */
export function installWasmScoring(module: WasmModule, options?: WasmScorerOptions): WasmScorer {
  return useWasmScorer(createWasmScorer(module, options));
}

/** Installs a scorer made before (or none: JS only), keeping its table copies. Returns it. */
export function useWasmScorer<T extends WasmScorer | undefined>(scorer: T): T {
  installed = scorer;
  return scorer;
}

/** Goes back to ranking in JS only (the scorer's memory goes when nothing else holds it). */
export function uninstallWasmScoring(): void {
  installed = undefined;
}

/** The installed scorer, if any. */
export function wasmScoring(): WasmScorer | undefined {
  return installed;
}
