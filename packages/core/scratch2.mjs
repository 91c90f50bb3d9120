import { readFileSync } from 'node:fs';
import { loadBackend, trainRecommender, SEED_RECIPE } from './dist/model/index.js';
import { createIdEncoder, mulberry32, shuffleInPlace } from './dist/index.js';
const a = Object.fromEntries(process.argv.slice(2).map((x) => x.split('=')));
const backend = await loadBackend(a.backend ?? 'wasm');
const read = (p) => readFileSync(p, 'utf8').trim().split('\n').map((l) => l.split('\t'));
const U = createIdEncoder(), I = createIdEncoder();
const fold = a.fold ?? '1';
const base = read(`/work/data/ml-100k/u${fold}.base`);
const n = base.length; const users = new Int32Array(n), items = new Int32Array(n), targets = new Float32Array(n);
const order = shuffleInPlace(Uint32Array.from({ length: n }, (_, k) => k), mulberry32(42));
const nVal = Math.floor(n * 0.1), nTr = n - nVal;
// encode train first so ids are train-only
for (const k of order) { const [u, i, r] = base[k]; users[k] = U.encode(u); items[k] = I.encode(i); targets[k] = (Number(r) - 1) / 4; }
const pick = (from, to) => { const idx = order.subarray(from, to); return { users: Int32Array.from(idx, (k) => users[k]), items: Int32Array.from(idx, (k) => items[k]), targets: Float32Array.from(idx, (k) => targets[k]) }; };
const tr = pick(0, nTr);
let mean = 0; for (const t of tr.targets) mean += t; mean /= tr.targets.length;
const linear = (a.act ?? 'linear') === 'linear';
const opts = { ...SEED_RECIPE, ratingUnitsPerTarget: 4, activation: a.act ?? 'linear', globalBias: linear ? mean : 0, dropout: Number(a.dropout ?? 0), l2: Number(a.l2 ?? 0.03), learningRate: Number(a.lr ?? 0.003), implicit: a.implicit === '1', refit: a.refit === '1', engine: a.engine ?? 'auto', batchSize: Number(a.batch ?? 1024), dim: Number(a.dim ?? 32) };
const t0 = performance.now();
const res = await trainRecommender(backend.tf, { users: U.size, items: I.size }, tr, pick(nTr, n), opts);
const secs = (performance.now() - t0) / 1000;
const test = read(`/work/data/ml-100k/u${fold}.test`);
let se = 0; const d = opts.dim; const t = res.tables;
for (const [u, i, r] of test) { const ui = U.indexOf(u), ii = I.indexOf(i); let x = opts.globalBias; if (ui !== undefined) x += t.userBias[ui]; if (ii !== undefined) x += t.itemBias[ii]; if (ui !== undefined && ii !== undefined) for (let k = 0; k < d; k++) x += t.userFactors[ui*d+k]*t.itemFactors[ii*d+k]; const y = linear ? x : Math.tanh(x); const p = Math.min(5, Math.max(1, 1 + 4 * y)); const e = p - Number(r); se += e*e; }
console.log(JSON.stringify({ ...a, engine: res.engine, epochs: res.history.length, best: res.bestEpoch, refit: res.refitEpochs, val: +res.history[res.bestEpoch-1].valRmse.toFixed(4), test: +Math.sqrt(se / test.length).toFixed(4), secs: +secs.toFixed(2) }));
