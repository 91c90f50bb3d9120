import { loadScoringModule } from '../simd/node.js';
import type { WasmModule } from '../simd/wasm-api.js';

let module: Promise<WasmModule> | undefined;

/** The scoring.wasm that `pnpm build` writes to dist/simd/ (the tests need core built first). */
export function scoringModule(): Promise<WasmModule> {
  module ??= loadScoringModule(new URL('../../dist/simd/scoring.wasm', import.meta.url));
  return module;
}
