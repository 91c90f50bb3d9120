// Installs core's WebAssembly SIMD scorer for this isolate at module load. Workers refuse to
// compile wasm bytes at run time, so scoring.wasm (built by core's `pnpm build`) is bundled as a
// CompiledWasm module (wrangler's default rule for *.wasm; see wrangler.jsonc) and arrives here
// already compiled.
// topKItems and similarItems then rank catalogues of 256 items or more through it; smaller ones,
// and anything it declines, in JS, with the same results.
import { installWasmScoring } from '@edgerec/core';
import scoringWasm from '@edgerec/core/scoring.wasm';

installWasmScoring(scoringWasm);
