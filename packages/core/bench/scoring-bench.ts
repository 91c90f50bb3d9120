// `pnpm bench:scoring`: exact top-K over 1.7K–1M items, the plain-JS scan against core's JS path
// and the wasm scorer (float32 and int8 item tables), side by side in one Node process. Prints
// per-query medians and ratios to the plain-JS scan (the same table as the workerd run,
// `pnpm bench:scoring:workerd`). A benchmark, not a test. Flags: --items 1700,60000 --dim 32
// --k 10 --rounds 7 --json.
import { parseArgs } from 'node:util';
import { loadScoringModule } from '@edgerec/core/wasm-node';
import { formatTable, measureSizes } from './scoring-cases.js';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '1700,60000,200000,1000000' },
    dim: { type: 'string', default: '32' },
    k: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '7' },
    json: { type: 'boolean', default: false },
  },
});
const dim = Number(values.dim);
const k = Number(values.k);
const sizes = values.items.split(',').map(Number);
const rows = measureSizes(sizes, dim, k, Number(values.rounds), await loadScoringModule(), () => performance.now());
const runtime = `node ${process.version}`;
console.log(values.json ? JSON.stringify({ runtime, dim, k, rows }) : formatTable(rows, k, dim, runtime));
