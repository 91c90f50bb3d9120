// `pnpm bench:scoring`: exact top-K over 1.7K–1M items, the plain-JS scan against core's JS path
// and the wasm scorer (float32 and int8 item tables), side by side in one process. Prints per-query
// medians and ratios to the plain-JS scan. A benchmark, not a test. Flags: --items 1700,60000
// --dim 32 --k 10 --rounds 7 --json.
import { parseArgs } from 'node:util';
import { loadScoringModule } from '@edgerec/core/wasm-node';
import { benchModels, timeVariants, VARIANTS } from './scoring-cases.js';

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
const rounds = Number(values.rounds);
const module = await loadScoringModule();
const rows = [];
for (const items of values.items.split(',').map(Number)) {
  const models = benchModels(items, dim, module);
  // About 40 ms of plain-JS scanning per round, at least 3 queries.
  const queries = Math.max(3, Math.round(2e6 / items));
  const ms = timeVariants(models, k, queries, rounds, () => performance.now());
  rows.push({ items, ...ms, memoryBytes: models.scorer.stats().memoryBytes });
}
if (values.json) console.log(JSON.stringify({ runtime: `node ${process.version}`, dim, k, rows }));
else {
  console.log(`exact top-${k}, dim ${dim}, node ${process.version}: ms per query (× the plain-JS scan)`);
  console.log(`| items | ${VARIANTS.join(' | ')} | wasm memory |`);
  console.log(`|---:|${VARIANTS.map(() => '---:').join('|')}|---:|`);
  for (const r of rows) {
    const cells = VARIANTS.map((v) => `${fmt(r[v])} (${(r[v] / r['plain JS scan']).toFixed(2)}×)`);
    console.log(
      `| ${r.items.toLocaleString('en')} | ${cells.join(' | ')} | ${(r.memoryBytes / 2 ** 20).toFixed(0)} MiB |`,
    );
  }
}

function fmt(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`;
}
