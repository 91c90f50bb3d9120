// The scoring benchmark inside workerd (`pnpm bench:scoring:workerd`): core's bench cases
// (packages/core/bench/scoring-cases.ts) with scoring.wasm loaded the Worker's way, as a
// CompiledWasm module. Prints the same table as `pnpm bench:scoring` does in Node.
import scoringWasm from '@edgerec/core/scoring.wasm';
import { it } from 'vitest';
import { formatTable, measureSizes } from '../../../packages/core/bench/scoring-cases';

it('times top-K scoring in workerd', () => {
  const rows = measureSizes([1700, 60000, 200000, 1000000], 32, 10, 7, scoringWasm, () => performance.now());
  console.log(`\n${formatTable(rows, 10, 32, 'workerd (vitest-pool-workers)')}\n`);
});
