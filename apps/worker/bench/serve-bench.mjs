#!/usr/bin/env node
// `pnpm bench:serve`: serving figures for the edge half of edgerec (a benchmark, not a test): the
// top-K kernel against tfjs and a naive sort, the Worker under HTTP load on wrangler dev, cold start
// (artifact parse time and memory per table encoding), the accuracy cost of f16/int8 tables, and
// the iALS fold-in of a new user at ML-1M size (Node and workerd).
// See apps/worker/bench/README.md. Progress goes to stderr, results to stdout.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { f1, f2, f4, fmtInt, fmtLoad, fmtMinutes, section } from '../../trainer/bench/report-tables.mjs';
import {
  artifactSchema,
  buildSeenItems,
  createIdIndex,
  decodeFactorTable,
  decodeTable,
  encodeTable,
  evaluateRanking,
  evaluateRatings,
  foldInInteractions,
  gaussian,
  gramian,
  itemPopularity,
  minMaxScale,
  modelRanker,
  mulberry32,
  parseArtifact,
  predictWithFallback,
  quantizeRows,
  SCORE_SCALE,
  serializeArtifact,
  sha256Hex,
  shuffleInPlace,
  topKItems,
  userQuery,
} from '@edgerec/core';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const WORKER_DIR = resolve(BENCH_DIR, '..');
const REPO = resolve(WORKER_DIR, '../..');
const SELF = fileURLToPath(import.meta.url);
const CLI = join(REPO, 'apps/trainer/dist/cli.js');

const SECTIONS = ['kernel', 'workerd', 'http', 'coldstart', 'quant', 'foldin'];
const ENCODINGS = ['f32-base64', 'f16-base64', 'int8-base64', 'json'];
/** Reference floor on the project's machine (issue): µs for f32 top-10 at dim 32, by item count. */
const FLOOR_US = { 1700: 33, 60000: 1200, 200000: 4200, 1000000: 21000 };
const COLD_TARGET = { ms: 300, mb: 40 };
const HTTP_RATIO_TARGET = 0.8;
const INT8_RMSE_BUDGET = 0.002;
/** ML-1M's shape: the fold-in section's synthetic interaction artifact. */
const ML1M_SHAPE = { users: 6040, items: 3706, interactions: 1_000_209 };
/** The Workers Free plan's CPU time per request. */
const CPU_BUDGET_MS = 10;

const USAGE = `usage: pnpm bench:serve [options]      (or: node apps/worker/bench/serve-bench.mjs [options])

Sections (in this order; all by default, about 8 min on 2 cores):
  kernel     top-10 of one user over 1.7K / 60K / 200K items (dim 32) in Node: core's topKItems on f32,
             f16 (decoded to f32) and int8 tables, a bare JS dot loop without top-K (reference), a naive
             score-all + sort, and tfjs matMul + topk on the cpu and wasm backends; µs per request
             (median), items·dims/s, ratio to the floor
  workerd    end-to-end latency of GET /v1/users/:u/recommendations?k=10 vs GET /health on wrangler dev
             serving a 60K-item artifact, sequential requests: the kernel inside workerd, with HTTP
  http       the Worker under load on wrangler dev --log-level warn (autocannon, same run, same
             connections): recommendations?k=10 vs /health, req/s, p50, p99 and their ratio
  coldstart  parseArtifact time (with and without the sha256 check) and heap / arrayBuffers growth,
             per table encoding, for an ML-100K-sized (943 x 1682 x 32) and a 7M-parameter
             (160K x 60K x 32) random artifact, in a fresh Node process each; then the first vs a warm
             GET /v1/model on wrangler dev for each artifact (--no-wrangler-coldstart skips that)
  quant      artifact size, test RMSE and NDCG@10 of f32 vs f16 vs int8 tables of one trained model
             (edgerec synth + train; and MovieLens 100K u1.base/u1.test when a local copy exists)
  foldin     a new user folded into an ML-1M-shaped iALS interaction artifact (6,040 users x 3,706
             items, dim 64 and 128) from 20 / 200 / 1,000 items, then top-10 over the catalogue: core's
             foldInInteractions + topKItems in Node, and POST /v1/recommendations { items } on wrangler dev

Options:
  --only LIST                 comma-separated sections, e.g. --only kernel,http
  --skip LIST                 sections not to run
  --sizes LIST                kernel item counts (default 1700,60000,200000; add 1000000 for the 1M floor)
  --kernel-ms N               measuring time per kernel row, ms (default 1500; at least 15 requests)
  --workerd-items N           items in the workerd artifact (default 60000)
  --http-duration S           seconds per autocannon run (default 10)
  --http-connections N        autocannon connections (default 32)
  --http-amount N             a fixed number of requests per run instead of a duration (e.g. 100000)
  --no-wrangler-coldstart     coldstart: Node figures only, no wrangler dev servers
  --ml100k DIR                MovieLens 100K directory for quant (env EDGEREC_ML100K; default
                              .data/ml-100k in the repo)
  --foldin-dims LIST          foldin: head dims (default 64,128)
  --foldin-items LIST         foldin: items a new user interacted with (default 20,200,1000)
  --foldin-ms N               foldin: measuring time per Node row, ms (default 1500)
  --foldin-requests N         foldin: requests per route and item count on wrangler dev (default 300)
  --no-foldin-workerd         foldin: Node figures only, no wrangler dev
  --json                      print the results as JSON
  --markdown                  print Markdown tables instead of plain tables
  --save FILE                 also write the JSON results to FILE
  --from FILE                 run nothing: print results saved with --save
  -h, --help                  this text`;

// ─── child mode: one parseArtifact in a fresh process (coldstart) ───────────────────────────────

if (process.argv[2] === '--child-parse') {
  if (process.argv[4] === 'phases') await childPhases(process.argv[3]);
  else await childParse(process.argv[3], process.argv[4] === 'skip-checksum');
  process.exit(0);
}

/**
 * The steps of parseArtifact timed one by one with core's own pieces (an approximation of its
 * internals, for where the time goes): JSON.parse, the zod schema, the sha256 of the content
 * (JSON.stringify + hash), decoding the four tables, building the two id indexes.
 */
async function childPhases(file) {
  const text = await readFile(file, 'utf8');
  const clock = () => Number(process.hrtime.bigint()) / 1e6;
  const phases = {};
  let t = clock();
  const parsed = JSON.parse(text);
  phases.jsonParse = clock() - t;
  t = clock();
  const ok = artifactSchema.safeParse(parsed).success;
  phases.schema = clock() - t;
  t = clock();
  const { sha256: _stored, ...body } = parsed;
  await sha256Hex(JSON.stringify(body));
  phases.sha256 = clock() - t;
  const dim = parsed.model.dim;
  t = clock();
  decodeFactorTable(parsed.users.factors, dim);
  decodeFactorTable(parsed.items.factors, dim);
  decodeTable(parsed.users.bias, 1);
  decodeTable(parsed.items.bias, 1);
  phases.tables = clock() - t;
  t = clock();
  createIdIndex(parsed.users.ids);
  createIdIndex(parsed.items.ids);
  phases.ids = clock() - t;
  process.stdout.write(`${JSON.stringify({ ...phases, schemaOk: ok })}\n`);
}

/** Reads the file, then measures one parseArtifact: time and memory growth after a full GC. */
async function childParse(file, skipChecksum) {
  const text = await readFile(file, 'utf8');
  const gc = globalThis.gc ?? (() => {});
  gc();
  gc();
  const before = process.memoryUsage();
  const t0 = process.hrtime.bigint();
  const loaded = await parseArtifact(text, { skipChecksum });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  gc();
  gc();
  const after = process.memoryUsage();
  const mb = (x) => x / 2 ** 20;
  process.stdout.write(
    `${JSON.stringify({
      ms,
      heapMb: mb(after.heapUsed - before.heapUsed),
      arrayBuffersMb: mb(after.arrayBuffers - before.arrayBuffers),
      externalMb: mb(after.external - after.arrayBuffers - (before.external - before.arrayBuffers)),
      rssMb: mb(after.rss),
      items: loaded.model.items.size,
    })}\n`,
  );
}

// ─── options ──────────────────────────────────────────────────────────────────────────────────

const { values: flags } = parseArgs({
  options: {
    only: { type: 'string' },
    skip: { type: 'string' },
    sizes: { type: 'string', default: '1700,60000,200000' },
    'kernel-ms': { type: 'string', default: '1500' },
    'workerd-items': { type: 'string', default: '60000' },
    'http-duration': { type: 'string', default: '10' },
    'http-connections': { type: 'string', default: '32' },
    'http-amount': { type: 'string' },
    'no-wrangler-coldstart': { type: 'boolean', default: false },
    ml100k: { type: 'string' },
    'foldin-dims': { type: 'string', default: '64,128' },
    'foldin-items': { type: 'string', default: '20,200,1000' },
    'foldin-ms': { type: 'string', default: '1500' },
    'foldin-requests': { type: 'string', default: '300' },
    'no-foldin-workerd': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
    save: { type: 'string' },
    from: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
if (flags.json && flags.markdown) fail('choose one of --json and --markdown');
const integer = (name, text, min) => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  return n;
};
const list = (text) =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const sizes = list(flags.sizes).map((s) => integer('sizes', s, 10));
const kernelMs = integer('kernel-ms', flags['kernel-ms'], 50);
const workerdItems = integer('workerd-items', flags['workerd-items'], 10);
const foldin = {
  dims: list(flags['foldin-dims']).map((s) => integer('foldin-dims', s, 1)),
  counts: list(flags['foldin-items']).map((s) => integer('foldin-items', s, 1)),
  ms: integer('foldin-ms', flags['foldin-ms'], 50),
  requests: integer('foldin-requests', flags['foldin-requests'], 5),
  workerd: !flags['no-foldin-workerd'],
};
const http = {
  duration: integer('http-duration', flags['http-duration'], 1),
  connections: integer('http-connections', flags['http-connections'], 1),
  amount: flags['http-amount'] === undefined ? undefined : integer('http-amount', flags['http-amount'], 1),
};
let selected = flags.only ? list(flags.only) : [...SECTIONS];
for (const s of [...selected, ...list(flags.skip)])
  if (!SECTIONS.includes(s)) fail(`unknown section "${s}"; sections: ${SECTIONS.join(', ')}`);
selected = selected.filter((s) => !list(flags.skip).includes(s));
const ml100kDir = resolve(REPO, flags.ml100k ?? process.env.EDGEREC_ML100K ?? '.data/ml-100k');

// ─── main ─────────────────────────────────────────────────────────────────────────────────────

const cleanups = new Set();
process.on('SIGINT', () => {
  void Promise.allSettled([...cleanups].map((f) => f())).then(() => process.exit(130));
});

async function runBenchmark() {
  const startedAt = new Date();
  const results = {
    benchmark: 'edgerec serve',
    format: 1,
    startedAt: startedAt.toISOString(),
    host: hostInfo(),
    loadAverageStart: os.loadavg(),
    sections: {},
  };
  progress(
    `edgerec serving benchmark: sections ${selected.join(', ')}; load average ${fmtLoad(results.loadAverageStart)}`,
  );
  const run = {
    kernel: kernelSection,
    workerd: workerdSection,
    http: httpSection,
    coldstart: coldstartSection,
    quant: quantSection,
    foldin: foldinSection,
  };
  for (const name of SECTIONS) {
    if (!selected.includes(name)) {
      results.sections[name] = { status: 'skipped', message: 'not selected' };
      continue;
    }
    progress(`\n== ${name} ==`);
    const t0 = Date.now();
    const loadAverage = os.loadavg();
    try {
      results.sections[name] = {
        status: 'ok',
        ...(await run[name](results)),
        loadAverage,
        seconds: (Date.now() - t0) / 1000,
      };
    } catch (error) {
      progress(`${name} failed: ${error?.stack ?? error}`);
      results.sections[name] = {
        status: 'error',
        message: String(error?.message ?? error),
        loadAverage,
        seconds: (Date.now() - t0) / 1000,
      };
    }
    results.sections[name].loadAverageEnd = os.loadavg();
  }
  results.finishedAt = new Date().toISOString();
  results.totalSeconds = (Date.now() - startedAt.getTime()) / 1000;
  results.loadAverageEnd = os.loadavg();
  return results;
}

// ─── synthetic models and artifacts ───────────────────────────────────────────────────────────

/** A random model: gaussian factors (sd 0.1) and biases, optionally `seenPairs` random seen pairs. */
function randomModel({ users, items, dim = 32, seenPairs = 0, seed = 1, activation = 'linear' }) {
  const normal = gaussian(seed);
  const uniform = mulberry32(seed + 1);
  const table = (n, sd) => {
    const t = new Float32Array(n);
    for (let i = 0; i < n; i++) t[i] = normal() * sd;
    return t;
  };
  let seen;
  if (seenPairs > 0) {
    const su = new Uint32Array(seenPairs);
    const si = new Uint32Array(seenPairs);
    for (let r = 0; r < seenPairs; r++) {
      su[r] = Math.floor(uniform() * users);
      si[r] = Math.floor(uniform() * items);
    }
    seen = buildSeenItems(users, su, si);
  }
  return {
    dim,
    activation,
    globalBias: 0.6,
    scale: minMaxScale(1, 5),
    recommendThreshold: 4,
    users: createIdIndex(Array.from({ length: users }, (_, u) => `u${u}`)),
    items: createIdIndex(Array.from({ length: items }, (_, i) => `i${i}`)),
    userFactors: table(users * dim, 0.1),
    itemFactors: table(items * dim, 0.1),
    userBias: table(users, 0.05),
    itemBias: table(items, 0.05),
    ...(seen ? { seen } : {}),
  };
}

function syntheticMetadata(model, label) {
  const ratings = model.seen?.items.length ?? 0;
  return {
    createdAt: '2026-04-27T00:00:00.000Z',
    stats: { ratings, users: model.users.size, items: model.items.size, globalMean: 3.5 },
    training: {
      data: { file: `${label}.tsv`, sha256: '0'.repeat(64), format: 'tsv', ratings },
      seed: 1,
      epochs: 1,
      bestEpoch: 1,
      stoppedEarly: false,
      backend: 'none (random model for the serving benchmark)',
      seconds: 0,
      hyperparameters: { dim: model.dim },
      metrics: {},
      history: [],
    },
  };
}

async function writeArtifact(dir, name, model, encoding, label, metadata = syntheticMetadata(model, label)) {
  const text = await serializeArtifact(model, metadata, { tableEncoding: encoding });
  const path = join(dir, name);
  await writeFile(path, text);
  return { path, bytes: Buffer.byteLength(text) };
}

// ─── section: kernel ──────────────────────────────────────────────────────────────────────────

async function kernelSection() {
  const dim = 32;
  const k = 10;
  const queriesCount = 64;
  const rounds = 3;
  const tfInfo = await loadTf();
  const out = { dim, k, queries: queriesCount, measureMs: kernelMs, rounds, tfjs: tfInfo.info, sizes: [] };
  for (const n of sizes) {
    progress(`kernel: ${fmtInt(n)} items`);
    const model = randomModel({ users: queriesCount, items: n, dim, seed: 100 + n });
    const queries = Array.from({ length: queriesCount }, (_, u) => userQuery(model, u));
    const f16Items = decodeTable(encodeTable(model.itemFactors, 'f16-base64'));
    const int8Items = quantizeRows(model.itemFactors, dim);
    const variant = (itemFactors) => ({ ...model, itemFactors });
    const reference = queries.slice(0, 8).map((q) => topKItems(model, q, { k }).map((r) => r.index));
    const core = (m) => (q) => topKItems(m, q, { k }).map((r) => r.index);
    const scores = new Float64Array(n);
    const plan = [
      {
        impl: 'core topKItems (heap, 1 pass)',
        table: 'f32',
        fn: (q) => topKItems(model, q, { k }),
        topOf: core(model),
      },
      {
        impl: 'core topKItems (heap, 1 pass)',
        table: 'f16 → decoded f32',
        fn: (q) => topKItems(variant(f16Items), q, { k }),
        topOf: core(variant(f16Items)),
      },
      {
        impl: 'core topKItems (heap, 1 pass)',
        table: 'int8 (per-row scale)',
        fn: (q) => topKItems(variant(int8Items), q, { k }),
        topOf: core(variant(int8Items)),
      },
      {
        impl: 'reference: JS dot loop, no top-K',
        table: 'f32',
        fn: (q) => scoreAll(model, q, scores),
        reference: true,
      },
      {
        impl: 'naive: score all, sort, slice',
        table: 'f32',
        fn: (q) => naiveTopK(model, q, k),
        topOf: (q) => naiveTopK(model, q, k).map((r) => r.index),
      },
    ];
    const tensors = [];
    const unavailable = [];
    for (const backend of ['cpu', 'wasm']) {
      const tf = tfInfo.tf;
      if (!tf || tfInfo.info.backends[backend] !== 'ok') {
        unavailable.push({
          impl: `tfjs ${backend}: matMul + topk`,
          table: 'f32',
          status: 'unavailable',
          message: tfInfo.info.backends[backend],
        });
        continue;
      }
      await tf.setBackend(backend);
      const itemTable = tf.tensor2d(model.itemFactors, [n, dim]);
      const bias = tf.tensor1d(model.itemBias);
      tensors.push(itemTable, bias);
      const request = (q) => {
        const { values, indices } = tf.tidy(() => {
          const logits = tf.add(tf.matMul(tf.tensor2d(q.factors, [1, dim]), itemTable, false, true).reshape([n]), bias);
          return tf.topk(logits, k);
        });
        const idx = indices.dataSync();
        values.dataSync();
        values.dispose();
        indices.dispose();
        return idx;
      };
      plan.push({
        impl: `tfjs ${backend}: matMul + topk`,
        table: 'f32 (tensor on backend)',
        fn: request,
        topOf: (q) => Array.from(request(q)),
        before: () => tf.setBackend(backend),
      });
    }
    // Round-robin: every row is measured in `rounds` slices, so a noisy moment on the machine is
    // spread over all rows instead of landing on one.
    const samples = plan.map(() => []);
    const warmups = plan.map(() => 0);
    for (let round = 0; round < rounds; round++) {
      for (const [r, row] of plan.entries()) {
        await row.before?.();
        const t = timeIt(row.fn, queries, kernelMs / rounds, round === 0 ? 300 : 50);
        samples[r].push(...t.samples);
        warmups[r] += t.warmup;
      }
    }
    const rows = plan.map((row, r) => {
      const sorted = samples[r].sort((a, b) => a - b);
      const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
      const result = {
        impl: row.impl,
        table: row.table,
        medianUs: at(0.5),
        p10Us: at(0.1),
        p90Us: at(0.9),
        reps: sorted.length,
        warmup: warmups[r],
        itemsDimsPerSecond: (n * dim) / (at(0.5) / 1e6),
        ...(row.reference ? { reference: true } : {}),
      };
      if (row.topOf)
        result.agreesWithCore = `${reference.filter((ref, j) => sameList(ref, row.topOf(queries[j]))).length}/${reference.length}`;
      progress(
        `  ${row.impl.padEnd(36)} ${row.table.padEnd(24)} ${fmtUs(result.medianUs).padStart(10)} µs  (${result.reps} requests)`,
      );
      return result;
    });
    for (const t of tensors) t.dispose();
    const floorUs = floorFor(n);
    for (const row of rows) row.timesFloor = row.medianUs / floorUs;
    out.sizes.push({
      items: n,
      floorUs,
      floorSource: FLOOR_US[n] ? 'issue' : 'scaled from 21 ns/item',
      rows: [...rows, ...unavailable],
    });
  }
  return out;
}

/** Times fn(query) for about `budgetMs` after a warm-up of `warmMs`: the per-request samples in µs. */
function timeIt(fn, queries, budgetMs, warmMs) {
  let j = Math.floor(Math.random() * queries.length);
  const warmEnd = performance.now() + warmMs;
  let warmup = 0;
  while (warmup < 3 || performance.now() < warmEnd) {
    fn(queries[j++ % queries.length]);
    warmup++;
  }
  const samples = [];
  const end = performance.now() + budgetMs;
  while (samples.length < 5 || (performance.now() < end && samples.length < 100_000)) {
    const q = queries[j++ % queries.length];
    const t0 = process.hrtime.bigint();
    fn(q);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return { samples, warmup };
}

/** Scores every item into `out` (float32 dot, unrolled by 4, plus bias) and ranks nothing: the bare arithmetic. */
function scoreAll(model, query, out) {
  const { itemFactors: t, itemBias: b } = model;
  const q = query.factors;
  const n = model.items.size;
  for (let i = 0, o = 0; i < n; i++, o += 32) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d < 32; d += 4) {
      s0 += q[d] * t[o + d];
      s1 += q[d + 1] * t[o + d + 1];
      s2 += q[d + 2] * t[o + d + 2];
      s3 += q[d + 3] * t[o + d + 3];
    }
    out[i] = b[i] + (s0 + s1) + (s2 + s3);
  }
  return out;
}

/** The obvious way: score every item into an array of objects, sort it all, keep k. */
function naiveTopK(model, query, k) {
  const { dim, itemFactors, itemBias } = model;
  const n = model.items.size;
  const scored = new Array(n);
  for (let i = 0; i < n; i++) {
    let s = itemBias[i];
    for (let d = 0; d < dim; d++) s += query.factors[d] * itemFactors[i * dim + d];
    scored[i] = { index: i, score: s };
  }
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored.slice(0, k);
}

async function loadTf() {
  const info = { version: undefined, backends: {} };
  let tf;
  try {
    const { loadBackend } = await import('@edgerec/core/model');
    // cpu first: loadBackend('cpu') silences the cpu backend's "install tfjs-node" banner.
    ({ tf } = await loadBackend('cpu'));
    info.backends.cpu = 'ok';
    info.version = tf.version?.tfjs ?? tf.version_core;
    try {
      await loadBackend('wasm');
      info.backends.wasm = 'ok';
    } catch (error) {
      info.backends.wasm = String(error?.message ?? error);
    }
  } catch (error) {
    info.backends.cpu = info.backends.wasm = `tfjs did not load: ${error?.message ?? error}`;
  }
  return { tf, info };
}

function floorFor(n) {
  return FLOOR_US[n] ?? (n * 21) / 1000;
}

function sameList(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ─── section: workerd (end-to-end latency of the kernel inside wrangler dev) ──────────────────

async function workerdSection(results) {
  const { startLocalServer } = await import('../scripts/local-server.mjs');
  const work = await tempDir('edgerec-bench-workerd-');
  try {
    const users = 200;
    const model = randomModel({ users, items: workerdItems, dim: 32, seed: 7 });
    const artifact = await writeArtifact(work.path, 'workerd.model.json', model, 'f32-base64', 'workerd');
    progress(
      `workerd: starting wrangler dev with ${fmtInt(workerdItems)} items (${fmtMb(artifact.bytes / 2 ** 20)} MB artifact)`,
    );
    const server = await startServer(startLocalServer, artifact.path);
    try {
      const get = async (path) => {
        const t0 = performance.now();
        const response = await fetch(`${server.url}${path}`);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET ${path}: status ${response.status}`);
        return (performance.now() - t0) * 1000;
      };
      const recs = (u) => `/v1/users/u${u % users}/recommendations?k=10`;
      const firstUs = await get(recs(0));
      for (let r = 0; r < 50; r++) {
        await get(recs(r));
        await get('/health');
      }
      const rec = [];
      const health = [];
      for (let r = 0; r < 400; r++) {
        rec.push(await get(recs(r)));
        health.push(await get('/health'));
      }
      const stats = (xs) => {
        const s = [...xs].sort((a, b) => a - b);
        return {
          medianUs: s[Math.floor(s.length / 2)],
          p10Us: s[Math.floor(s.length * 0.1)],
          p90Us: s[Math.floor(s.length * 0.9)],
          n: s.length,
        };
      };
      const kernelRow = results.sections.kernel?.sizes
        ?.find((s) => s.items === workerdItems)
        ?.rows?.find((r) => r.table === 'f32' && r.impl.startsWith('core'));
      return {
        items: workerdItems,
        users,
        dim: 32,
        artifactBytes: artifact.bytes,
        firstRequestUs: firstUs,
        recommendations: stats(rec),
        health: stats(health),
        kernelEstimateUs: stats(rec).medianUs - stats(health).medianUs,
        nodeKernelUs: kernelRow?.medianUs,
        floorUs: floorFor(workerdItems),
      };
    } finally {
      await server.stop();
    }
  } finally {
    await work.remove();
  }
}

// ─── section: http (autocannon against wrangler dev) ──────────────────────────────────────────

async function httpSection() {
  const { startLocalServer } = await import('../scripts/local-server.mjs');
  const { default: autocannon } = await import('autocannon');
  const work = await tempDir('edgerec-bench-http-');
  try {
    const shape = { users: 943, items: 1682, dim: 32, seenPairs: 100_000 };
    const model = randomModel({ ...shape, seed: 11 });
    const artifact = await writeArtifact(work.path, 'http.model.json', model, 'f32-base64', 'http');
    progress(
      `http: starting wrangler dev --log-level warn (${shape.users} users x ${shape.items} items, dim ${shape.dim})`,
    );
    const server = await startServer(startLocalServer, artifact.path);
    try {
      let next = 0;
      const routes = {
        recommendations: () => `/v1/users/u${next++ % shape.users}/recommendations?k=10`,
        health: () => '/health',
      };
      const cannon = async (name, options = {}) => {
        const opts = {
          url: server.url,
          connections: http.connections,
          pipelining: 1,
          ...(http.amount ? { amount: http.amount } : { duration: http.duration }),
          requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: routes[name]() }) }],
          ...options,
        };
        const load1 = os.loadavg()[0];
        const r = await autocannon(opts);
        return {
          route: name === 'health' ? 'GET /health' : 'GET /v1/users/:u/recommendations?k=10',
          requests: r.requests.total,
          seconds: r.duration,
          reqPerSec: r.requests.total / r.duration,
          reqPerSecMean: r.requests.average,
          latency: {
            p50: r.latency.p50,
            p90: r.latency.p90,
            p99: r.latency.p99,
            max: r.latency.max,
            mean: r.latency.average,
          },
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          load1,
        };
      };
      progress('http: warm-up (2 s each)');
      await cannon('recommendations', { duration: 2, amount: undefined });
      await cannon('health', { duration: 2, amount: undefined });
      const runs = [];
      for (const name of ['recommendations', 'health']) {
        progress(
          `http: ${name}, ${http.connections} connections, ${http.amount ? `${fmtInt(http.amount)} requests` : `${http.duration} s`}`,
        );
        const run = await cannon(name);
        runs.push(run);
        progress(
          `  ${fmtInt(run.reqPerSec)} req/s, p50 ${run.latency.p50} ms, p99 ${run.latency.p99} ms, non-2xx ${run.non2xx}, errors ${run.errors}`,
        );
      }
      return {
        shape,
        artifactBytes: artifact.bytes,
        client: `autocannon ${autocannonVersion()} in the benchmark's Node process (same machine, same cores)`,
        connections: http.connections,
        duration: http.amount ? undefined : http.duration,
        amount: http.amount,
        runs,
        ratio: runs[0].reqPerSec / runs[1].reqPerSec,
        target: HTTP_RATIO_TARGET,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await work.remove();
  }
}

function autocannonVersion() {
  try {
    return JSON.parse(readFileSync(join(REPO, 'node_modules/autocannon/package.json'), 'utf8')).version;
  } catch {
    return '';
  }
}

// ─── section: coldstart ───────────────────────────────────────────────────────────────────────

async function coldstartSection() {
  const work = await tempDir('edgerec-bench-coldstart-');
  try {
    const shapes = [
      {
        name: 'ML-100K-sized',
        users: 943,
        items: 1682,
        dim: 32,
        seenPairs: 100_000,
        seenNote: '100,000 random seen pairs',
      },
      { name: '7M parameters', users: 160_000, items: 60_000, dim: 32, seenPairs: 0, seenNote: 'no seen lists' },
    ];
    const artifacts = [];
    for (const shape of shapes) {
      progress(`coldstart: generating ${shape.name} (${fmtInt(shape.users)} x ${fmtInt(shape.items)} x ${shape.dim})`);
      let model = randomModel({ ...shape, seed: 23 });
      for (const encoding of ENCODINGS) {
        const file = `${shape.name.replace(/\W+/g, '-')}.${encoding}.model.json`;
        const a = await writeArtifact(work.path, file, model, encoding, shape.name);
        artifacts.push({
          shape: shape.name,
          encoding,
          ...a,
          gzipBytes: gzipSync(await readFile(a.path), { level: 6 }).length,
        });
      }
      model = undefined;
    }
    const rows = [];
    for (const a of artifacts) {
      const row = { shape: a.shape, encoding: a.encoding, bytes: a.bytes, gzipBytes: a.gzipBytes };
      for (const [key, skip] of [
        ['checked', false],
        ['unchecked', true],
      ]) {
        const runs = [];
        for (let r = 0; r < 3; r++) runs.push(await childParseRun(a.path, skip));
        runs.sort((x, y) => x.ms - y.ms);
        row[key] = { ...runs[1], runsMs: runs.map((x) => x.ms) };
      }
      row.memoryMb = row.checked.heapMb + row.checked.arrayBuffersMb + row.checked.externalMb;
      row.phases = await childParseRun(a.path, 'phases');
      rows.push(row);
      progress(
        `  ${a.shape.padEnd(14)} ${a.encoding.padEnd(12)} ${fmtMb1(a.bytes / 2 ** 20).padStart(7)} MB  parse ${f1(row.checked.ms)} ms ` +
          `(no checksum ${f1(row.unchecked.ms)} ms), +${f1(row.checked.heapMb)} MB heap +${f1(row.checked.arrayBuffersMb)} MB arrayBuffers`,
      );
    }
    let wrangler = { status: 'skipped', message: '--no-wrangler-coldstart' };
    if (!flags['no-wrangler-coldstart']) {
      const { startLocalServer } = await import('../scripts/local-server.mjs');
      const first = [];
      for (const a of artifacts) {
        progress(`coldstart: wrangler dev, ${a.shape} ${a.encoding}`);
        first.push(await firstRequest(startLocalServer, a));
      }
      wrangler = { status: 'ok', rows: first };
    }
    return { shapes, rows, wrangler, target: COLD_TARGET };
  } finally {
    await work.remove();
  }
}

function childParseRun(file, mode) {
  return new Promise((resolvePromise, reject) => {
    const arg = mode === 'phases' ? 'phases' : mode ? 'skip-checksum' : 'checksum';
    const child = spawn(process.execPath, ['--expose-gc', SELF, '--child-parse', file, arg], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`parse child exited ${code}: ${err.trim().split('\n').pop()}`));
      try {
        resolvePromise(JSON.parse(out.trim().split('\n').pop()));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Starts wrangler dev on one artifact; times the first GET /v1/model (the isolate parses the artifact) and warm ones. */
async function firstRequest(startLocalServer, a) {
  const t0 = performance.now();
  let server;
  try {
    server = await startServer(startLocalServer, a.path, 300_000);
  } catch (error) {
    return {
      shape: a.shape,
      encoding: a.encoding,
      status: 'error',
      message: lastLine(String(error?.message ?? error)).slice(0, 200),
    };
  }
  const startSeconds = (performance.now() - t0) / 1000;
  try {
    const get = async () => {
      const t = performance.now();
      const response = await fetch(`${server.url}/v1/model`);
      const text = await response.text();
      if (response.status !== 200) throw new Error(`GET /v1/model: ${response.status} ${text.slice(0, 200)}`);
      return performance.now() - t;
    };
    const firstMs = await get();
    const warm = [];
    for (let r = 0; r < 20; r++) warm.push(await get());
    warm.sort((x, y) => x - y);
    const row = { shape: a.shape, encoding: a.encoding, status: 'ok', startSeconds, firstMs, warmMs: warm[10] };
    progress(`  first ${f1(firstMs)} ms, warm ${f1(row.warmMs)} ms (server start ${f1(startSeconds)} s)`);
    return row;
  } catch (error) {
    return {
      shape: a.shape,
      encoding: a.encoding,
      status: 'error',
      message: String(error?.message ?? error).slice(0, 200),
    };
  } finally {
    await server.stop();
  }
}

// ─── section: quant ───────────────────────────────────────────────────────────────────────────

async function quantSection() {
  if (!existsSync(CLI)) throw new Error(`${CLI} does not exist: build first (pnpm bench:serve builds; or pnpm build)`);
  const datasets = [];
  const work = await tempDir('edgerec-bench-quant-');
  try {
    // Synthetic: edgerec synth, a seeded 90/10 split written to two files, edgerec train on them.
    const ratingsFile = join(work.path, 'ratings.tsv');
    const synthArgs = ['--users', '2000', '--items', '1500', '--ratings', '150000', '--seed', '7'];
    progress(`quant: edgerec synth ${synthArgs.join(' ')}`);
    const synthOut = await cli(['synth', ...synthArgs, '--out', ratingsFile]);
    const noiseFloor = Number(/noise.floor RMSE ([0-9.]+)/i.exec(synthOut)?.[1]);
    const { train, test } = await splitFile(
      ratingsFile,
      join(work.path, 'train.tsv'),
      join(work.path, 'test.tsv'),
      0.1,
      99,
    );
    datasets.push(
      await quantDataset(work.path, {
        name: 'synthetic',
        label: `edgerec synth ${synthArgs.join(' ')} (noise floor RMSE ${f4(noiseFloor)}), seeded 90/10 split`,
        train,
        test,
        rows: await countRows(train, test),
      }),
    );
    // MovieLens 100K, when a local copy exists (never committed).
    const base = join(ml100kDir, 'u1.base');
    const u1test = join(ml100kDir, 'u1.test');
    if (existsSync(base) && existsSync(u1test)) {
      datasets.push(
        await quantDataset(work.path, {
          name: 'ml100k',
          label: `MovieLens 100K u1.base → u1.test (local copy in ${show(ml100kDir)}; not in the repository)`,
          train: base,
          test: u1test,
          rows: await countRows(base, u1test),
        }),
      );
    } else {
      datasets.push({
        name: 'ml100k',
        status: 'skipped',
        message: `no MovieLens 100K in ${show(ml100kDir)} (--ml100k DIR)`,
      });
    }
    return { datasets, budget: INT8_RMSE_BUDGET };
  } finally {
    await work.remove();
  }
}

async function quantDataset(dir, { name, label, train, test, rows }) {
  const f32Path = join(dir, `${name}.f32.json`);
  progress(`quant: edgerec train on ${name} (--table-encoding f32-base64)`);
  const t0 = Date.now();
  const summary = JSON.parse(
    await cli([
      'train',
      '--ratings',
      train,
      '--test',
      test,
      '--out',
      f32Path,
      '--table-encoding',
      'f32-base64',
      '--quiet',
      '--json',
    ]),
  );
  const trainSeconds = (Date.now() - t0) / 1000;
  const f32Text = await readFile(f32Path, 'utf8');
  const base = await parseArtifact(f32Text);
  const metadata = { createdAt: base.meta.createdAt, stats: base.meta.stats, training: base.meta.training };
  const heldOut = await indexRatings(test, base.model);
  const encodings = [];
  let reference;
  for (const encoding of ['f32-base64', 'f16-base64', 'int8-base64', 'json']) {
    const text =
      encoding === 'f32-base64' ? f32Text : await serializeArtifact(base.model, metadata, { tableEncoding: encoding });
    const { model } = await parseArtifact(text);
    const accuracy = evaluateRatings(model, heldOut);
    const ranking = evaluateRanking(modelRanker(model), heldOut, { k: 10 });
    const row = {
      encoding,
      bytes: Buffer.byteLength(text),
      gzipBytes: gzipSync(text, { level: 6 }).length,
      rmse: accuracy.rmse,
      mae: accuracy.mae,
      ndcg10: ranking.ndcg,
      precision10: ranking.precision,
      rankedUsers: ranking.users,
    };
    const lists = listsFor(model);
    if (!reference) reference = { accuracy, lists, predictions: predictionsFor(model, heldOut) };
    else {
      const predictions = predictionsFor(model, heldOut);
      let maxDiff = 0;
      for (let r = 0; r < predictions.length; r++)
        maxDiff = Math.max(maxDiff, Math.abs(predictions[r] - reference.predictions[r]));
      row.maxRatingDiff = maxDiff;
      row.sameTop10 = lists.filter((l, u) => sameList(l, reference.lists[u])).length / lists.length;
    }
    encodings.push(row);
    progress(
      `  ${encoding.padEnd(12)} ${fmtMb1(row.bytes / 2 ** 20)} MB  RMSE ${f4(row.rmse)}  NDCG@10 ${f4(row.ndcg10)}`,
    );
  }
  const f32 = encodings[0];
  for (const row of encodings) {
    row.rmseDelta = row.rmse - f32.rmse;
    row.ndcgDelta = row.ndcg10 - f32.ndcg10;
  }
  return {
    name,
    status: 'ok',
    label,
    rows,
    trainSeconds,
    trainerTestRmse: summary.test?.rmse,
    epochs: summary.epochs,
    relevanceThreshold: base.model.recommendThreshold,
    dim: base.model.dim,
    users: base.model.users.size,
    items: base.model.items.size,
    encodings,
  };
}

/** Every user's top-10 item indices (seen items excluded), for the list-agreement figure. */
function listsFor(model) {
  const ranker = modelRanker(model);
  const out = [];
  for (let u = 0; u < model.users.size; u++) out.push(ranker.topK(u, 10, model.seen ? seenOf(model, u) : undefined));
  return out;
}

function seenOf(model, u) {
  return model.seen.items.subarray(model.seen.offsets[u], model.seen.offsets[u + 1]);
}

/** The predicted rating of every held-out row, by the scorer evaluateRatings uses (bias fallback for unknown ids). */
function predictionsFor(model, rows) {
  const out = new Float64Array(rows.ratings.length);
  for (let r = 0; r < out.length; r++) out[r] = predictWithFallback(model, rows.users[r], rows.items[r]);
  return out;
}

/** A ratings file (tsv/csv with or without a header; MovieLens u.data style) as model indices. */
async function indexRatings(file, model) {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const users = [];
  const items = [];
  const ratings = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const f = line.split(/\t|,|::/);
    const rating = Number(f[2]);
    if (!Number.isFinite(rating)) continue; // header
    users.push(model.users.indexOf(f[0]) ?? -1);
    items.push(model.items.indexOf(f[1]) ?? -1);
    ratings.push(rating);
  }
  return { users: Int32Array.from(users), items: Int32Array.from(items), ratings: Float32Array.from(ratings) };
}

async function splitFile(file, trainPath, testPath, fraction, seed) {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const header = Number.isFinite(Number(lines[0].split(/\t|,/)[2])) ? undefined : lines.shift();
  const order = shuffleInPlace(Uint32Array.from(lines.keys()), mulberry32(seed));
  const cut = Math.round(lines.length * fraction);
  const pickLines = (from, to) =>
    `${[...(header ? [header] : []), ...Array.from(order.subarray(from, to), (i) => lines[i])].join('\n')}\n`;
  await writeFile(testPath, pickLines(0, cut));
  await writeFile(trainPath, pickLines(cut, lines.length));
  return { train: trainPath, test: testPath };
}

async function countRows(train, test) {
  const count = async (f) =>
    (await readFile(f, 'utf8'))
      .split('\n')
      .filter((l) => l.trim() !== '' && Number.isFinite(Number(l.split(/\t|,/)[2]))).length;
  return { train: await count(train), test: await count(test) };
}

function cli(args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', (code) =>
      code === 0 ? resolvePromise(out + err) : reject(new Error(`edgerec ${args[0]} exited ${code}: ${lastLine(err)}`)),
    );
  });
}

// ─── section: foldin (a new user's iALS fold-in + top-10 at ML-1M size) ────────────────────────

/**
 * An ML-1M-shaped iALS interaction model: gaussian factors (sd 0.1), zero biases, `interactions`
 * random seen pairs, popularity from them, and the iALS fold-in parameters with the item Gramian.
 */
function interactionModel({ users, items, interactions, dim, seed }) {
  const base = randomModel({ users, items, dim, seenPairs: interactions, seed });
  return {
    ...base,
    objective: 'interaction',
    globalBias: 0,
    scale: SCORE_SCALE,
    recommendThreshold: 0.3,
    userBias: new Float32Array(users),
    itemBias: new Float32Array(items),
    popularity: itemPopularity(items, base.seen),
    foldIn: {
      method: 'ials',
      unobservedWeight: 0.1,
      l2: 0.05,
      regExponent: 0,
      confidence: { mode: 'linear', alpha: 2 },
      gramian: gramian(base.itemFactors, items, dim),
    },
  };
}

function interactionMetadata(model) {
  const interactions = model.seen?.items.length ?? 0;
  return {
    createdAt: '2026-05-02T00:00:00.000Z',
    stats: { ratings: interactions, users: model.users.size, items: model.items.size },
    training: {
      data: { file: 'foldin.tsv', sha256: '0'.repeat(64), format: 'tsv', ratings: interactions },
      seed: 1,
      epochs: 1,
      bestEpoch: 1,
      stoppedEarly: false,
      backend: 'none (random iALS-shaped model for the serving benchmark)',
      seconds: 0,
      hyperparameters: { dim: model.dim },
      metrics: {},
      history: [],
    },
  };
}

/** `users` fold-in bodies of `n` distinct random items each, half of them weighted (1 to 5). */
function foldInBodies(model, n, users, seed) {
  const uniform = mulberry32(seed);
  const ids = model.items.ids;
  return Array.from({ length: users }, () => {
    const picked = new Set();
    while (picked.size < Math.min(n, ids.length)) picked.add(Math.floor(uniform() * ids.length));
    const items = [...picked].map((i, j) =>
      j % 2 === 0 ? ids[i] : { item: ids[i], weight: 1 + Math.floor(uniform() * 5) },
    );
    return { items, k: 10 };
  });
}

/**
 * Mean CPU time (user + system, µs) of fn over `calls` calls rotating over `queries`: what the
 * Workers CPU limit counts, and unlike wall time not inflated by other processes on the machine.
 */
function cpuPerCall(fn, queries, calls) {
  const start = process.cpuUsage();
  for (let j = 0; j < calls; j++) fn(queries[j % queries.length]);
  const { user, system } = process.cpuUsage(start);
  return (user + system) / calls;
}

/** What the Worker's items fold-in does, with core's functions: ids → indices, fold-in, top-10 without the body's items. */
function foldInTopK(model, body) {
  const interactions = [];
  for (const entry of body.items) {
    const i = model.items.indexOf(typeof entry === 'string' ? entry : entry.item);
    if (i !== undefined) interactions.push(typeof entry === 'string' ? { item: i } : { item: i, weight: entry.weight });
  }
  const query = foldInInteractions(model, interactions);
  const exclude = new Set(interactions.map((x) => x.item));
  return topKItems(model, query, { k: body.k, exclude }).map((r) => ({ item: model.items.ids[r.index], score: r.raw }));
}

async function foldinSection() {
  const work = await tempDir('edgerec-bench-foldin-');
  try {
    const out = {
      shape: ML1M_SHAPE,
      k: 10,
      budgetMs: CPU_BUDGET_MS,
      measureMs: foldin.ms,
      requests: foldin.requests,
      dims: [],
    };
    for (const dim of foldin.dims) {
      progress(`foldin: ML-1M-shaped iALS artifact, dim ${dim}`);
      const generated = interactionModel({ ...ML1M_SHAPE, dim, seed: 31 + dim });
      const artifact = await writeArtifact(
        work.path,
        `foldin-${dim}.model.json`,
        generated,
        'f32-base64',
        'foldin',
        interactionMetadata(generated),
      );
      // Node scores the artifact as parsed, like the Worker (the Gramian as stored, float32 tables).
      const { model } = await parseArtifact(await readFile(artifact.path, 'utf8'));
      const row = { dim, artifactBytes: artifact.bytes, node: [], workerd: undefined };
      const bodiesByCount = new Map(foldin.counts.map((n) => [n, foldInBodies(model, n, 16, 100 + n)]));
      for (const [n, bodies] of bodiesByCount) {
        const interactionsOf = (body) =>
          body.items.map((e) => ({
            item: model.items.indexOf(typeof e === 'string' ? e : e.item),
            ...(typeof e === 'string' ? {} : { weight: e.weight }),
          }));
        const prepared = bodies.map((body) => ({ body, interactions: interactionsOf(body) }));
        const queries = prepared.map((p) => ({
          ...p,
          query: foldInInteractions(model, p.interactions),
          exclude: new Set(p.interactions.map((x) => x.item)),
        }));
        const rows = [
          ['foldIn', (p) => foldInInteractions(model, p.interactions)],
          ['topK', (p) => topKItems(model, p.query, { k: 10, exclude: p.exclude })],
          ['total', (p) => foldInTopK(model, p.body)],
        ];
        const figures = { items: n };
        for (const [name, fn] of rows) {
          const samples = timeIt(fn, queries, foldin.ms / rows.length, 200).samples.sort((a, b) => a - b);
          const at = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
          figures[name] = {
            medianUs: at(0.5),
            p90Us: at(0.9),
            reps: samples.length,
            cpuUs: cpuPerCall(fn, queries, samples.length),
          };
        }
        row.node.push(figures);
        progress(
          `  node  dim ${dim}, ${fmtInt(n)} items: fold-in ${fmtUs(figures.foldIn.medianUs)} µs + top-10 ${fmtUs(figures.topK.medianUs)} µs = ${fmtUs(figures.total.medianUs)} µs ` +
            `(p90 ${fmtUs(figures.total.p90Us)}; CPU ${fmtUs(figures.total.cpuUs)} µs a request)`,
        );
      }
      if (foldin.workerd) row.workerd = await foldinWorkerd(artifact, model, bodiesByCount);
      out.dims.push(row);
    }
    return out;
  } finally {
    await work.remove();
  }
}

/**
 * POST /v1/recommendations { items } on wrangler dev, interleaved with GET /health and a known
 * user's GET /v1/users/:u/recommendations?k=10 (the same top-10 scan without a fold-in), one at a
 * time: end-to-end latency, whose differences estimate what the fold-in costs inside workerd.
 */
async function foldinWorkerd(artifact, model, bodiesByCount) {
  const { startLocalServer } = await import('../scripts/local-server.mjs');
  progress(`  workerd: starting wrangler dev (${fmtMb(artifact.bytes / 2 ** 20)} MB artifact)`);
  const server = await startServer(startLocalServer, artifact.path, 300_000);
  try {
    const send = async (path, body) => {
      const t0 = performance.now();
      const response = await fetch(
        `${server.url}${path}`,
        body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body } : undefined,
      );
      const text = await response.text();
      if (response.status !== 200) throw new Error(`${path}: status ${response.status} ${text.slice(0, 200)}`);
      return { us: (performance.now() - t0) * 1000, text };
    };
    const stats = (xs) => {
      const s = [...xs].sort((a, b) => a - b);
      return {
        medianUs: s[Math.floor(s.length / 2)],
        p10Us: s[Math.floor(s.length * 0.1)],
        p90Us: s[Math.floor(s.length * 0.9)],
        n: s.length,
      };
    };
    const firstUs = (await send('/v1/model')).us;
    const rows = [];
    for (const [n, bodies] of bodiesByCount) {
      const texts = bodies.map((b) => JSON.stringify(b));
      // The Worker must give the answer core gives in Node.
      let agrees = 0;
      for (const [j, body] of bodies.entries()) {
        const { text } = await send('/v1/recommendations', texts[j]);
        const got = JSON.parse(text).items.map((r) => r.item);
        if (
          sameList(
            got,
            foldInTopK(model, body).map((r) => r.item),
          )
        )
          agrees++;
      }
      const user = (r) => `/v1/users/u${(r * 97) % model.users.size}/recommendations?k=10`;
      for (let r = 0; r < 30; r++) {
        await send('/v1/recommendations', texts[r % texts.length]);
        await send(user(r));
        await send('/health');
      }
      const post = [];
      const known = [];
      const health = [];
      for (let r = 0; r < foldin.requests; r++) {
        post.push((await send('/v1/recommendations', texts[r % texts.length])).us);
        known.push((await send(user(r))).us);
        health.push((await send('/health')).us);
      }
      const row = {
        items: n,
        foldIn: stats(post),
        knownUser: stats(known),
        health: stats(health),
        agreesWithNode: `${agrees}/${bodies.length}`,
        bodyBytes: Math.round(texts.reduce((a, t) => a + t.length, 0) / texts.length),
      };
      row.routeEstimateUs = row.foldIn.medianUs - row.health.medianUs;
      row.foldInEstimateUs = row.foldIn.medianUs - row.knownUser.medianUs;
      rows.push(row);
      progress(
        `  workerd ${fmtInt(n)} items: POST ${fmtUs(row.foldIn.medianUs)} µs, known-user GET ${fmtUs(row.knownUser.medianUs)} µs, /health ${fmtUs(row.health.medianUs)} µs; ` +
          `route ≈ ${fmtUs(row.routeEstimateUs)} µs, fold-in ≈ ${fmtUs(row.foldInEstimateUs)} µs; top-10 = Node ${row.agreesWithNode}`,
      );
    }
    return { firstRequestUs: firstUs, rows };
  } finally {
    await server.stop();
  }
}

// ─── shared helpers ───────────────────────────────────────────────────────────────────────────

async function startServer(startLocalServer, model, timeoutMs = 180_000) {
  const server = await startLocalServer({ model, quiet: true, timeoutMs, wranglerArgs: ['--log-level', 'warn'] });
  cleanups.add(server.stop);
  return {
    url: server.url,
    stop: async () => {
      cleanups.delete(server.stop);
      await server.stop();
    },
  };
}

async function tempDir(prefix) {
  const path = await mkdtemp(join(os.tmpdir(), prefix));
  const remove = async () => {
    cleanups.delete(remove);
    await rm(path, { recursive: true, force: true });
  };
  cleanups.add(remove);
  return { path, remove };
}

function hostInfo() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
  };
}

async function loadSaved(file) {
  const json = JSON.parse(await readFile(file, 'utf8'));
  if (json?.benchmark !== 'edgerec serve') fail(`${file}: not a result file of this benchmark`);
  return json;
}

// ─── rendering ────────────────────────────────────────────────────────────────────────────────

function render(results, mode) {
  const md = mode === 'markdown';
  const out = [];
  const h = results.host;
  const title = `edgerec serving benchmark — ${results.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`;
  out.push(md ? `### ${title}` : `${title}\n${'═'.repeat(title.length)}`);
  const header = [
    `node ${h.node}, ${h.cpu}, ${h.cores} cores, ${h.memoryGiB.toFixed(1)} GiB RAM, ${h.platform}`,
    `load average (1/5/15 min): ${fmtLoad(results.loadAverageStart)} at start` +
      (results.loadAverageEnd
        ? `, ${fmtLoad(results.loadAverageEnd)} at end; total ${fmtMinutes(results.totalSeconds)}`
        : '') +
      ' — on 2 cores, a 1-min load above ~1 means something else shared the machine',
  ];
  out.push(md ? header.map((l) => `${l}  `).join('\n') : header.join('\n'));
  const s = results.sections;
  out.push(section(md, '1. Top-K kernel in Node (dim 32, k 10, one user over all items)', kernelView(s.kernel)));
  out.push(section(md, '2. The kernel inside workerd (end to end, wrangler dev)', workerdView(s.workerd)));
  out.push(section(md, '3. HTTP under load (wrangler dev --log-level warn, autocannon)', httpView(s.http)));
  out.push(section(md, '4. Cold start: parseArtifact time and memory, per table encoding', coldView(s.coldstart)));
  out.push(section(md, '5. Quantization error: f32 vs f16 vs int8 tables of one trained model', quantView(s.quant)));
  out.push(section(md, '6. Interaction fold-in of a new user at ML-1M size (iALS, top-10)', foldinView(s.foldin)));
  return `${out.join('\n\n')}\n`;
}

function statusView(r) {
  if (!r) return ['not run'];
  if (r.status !== 'ok') return [`${r.status}: ${r.message}`];
  return undefined;
}

function sectionLoad(r) {
  return `load average ${fmtLoad(r.loadAverage)} at the start of this section, ${fmtLoad(r.loadAverageEnd)} at its end; ${f1(r.seconds)} s.`;
}

function kernelView(r) {
  const status = statusView(r);
  if (status) return status;
  const columns = [
    { header: 'items', align: 'right' },
    { header: 'implementation', align: 'left' },
    { header: 'table', align: 'left' },
    { header: 'µs/request', align: 'right' },
    { header: 'p10–p90 µs', align: 'right' },
    { header: 'items·dims/s', align: 'right' },
    { header: '× floor', align: 'right' },
    { header: 'top-10 = core f32', align: 'right' },
  ];
  const rows = [];
  for (const size of r.sizes) {
    for (const row of size.rows) {
      if (row.status === 'unavailable') {
        rows.push([fmtInt(size.items), row.impl, row.table, { span: `unavailable: ${row.message}` }]);
        continue;
      }
      rows.push([
        fmtInt(size.items),
        row.impl,
        row.table,
        fmtUs(row.medianUs),
        `${fmtUs(row.p10Us)}–${fmtUs(row.p90Us)}`,
        fmtRate(row.itemsDimsPerSecond),
        `${f2(row.timesFloor)}×`,
        row.agreesWithCore ?? '—',
      ]);
    }
  }
  const floors = r.sizes
    .map((s) => `${fmtInt(s.items)}: ${fmtUs(s.floorUs)} µs${s.floorSource === 'issue' ? '' : ' (scaled)'}`)
    .join(', ');
  return [
    { columns, rows },
    `Each row: the median of many single requests (one user's query against the whole table, top-${r.k}), timed one by one with ` +
      `process.hrtime after a warm-up, rotating over ${r.queries} users, about ${fmtInt(r.measureMs)} ms of measuring per row in ${r.rounds ?? 1} ` +
      'round-robin slices (so a noisy moment on the machine spreads over every row); ' +
      'items·dims/s = items × dim ÷ median seconds. core = @edgerec/core topKItems, what the Worker runs (bounded min-heap, one pass, ' +
      'nothing allocated per item; int8 rows scored directly, scale applied once per row). f16 tables decode to float32 at load, so they run the f32 kernel. ' +
      'reference = the same float32 dot products written into a preallocated array, no top-K at all: what the arithmetic alone costs on this machine in this run ' +
      "(core's distance from it is the price of ranking; its distance from the floor is the machine and V8). " +
      'naive = score every item into an array of objects, sort all of it, slice. tfjs = matMul(user [1×32], items [n×32]ᵀ) + bias, tf.topk, ' +
      'reading indices and values back (dataSync); the item table and biases are already tensors on the backend, so only the per-request work is timed ' +
      `(tfjs ${r.tfjs.version ?? '?'}; the wasm backend runs single-threaded in Node). "top-10 = core f32" counts, of 8 users, the lists identical to core's f32 list ` +
      '(int8 and f16 may legitimately reorder near-ties).',
    `× floor = median ÷ the reference floor for f32 top-10 at dim 32 on this project's machine (from the issue): ${floors}.`,
    sectionLoad(r),
  ];
}

function workerdView(r) {
  const status = statusView(r);
  if (status) return status;
  const columns = [
    { header: 'request (sequential, one connection)', align: 'left' },
    { header: 'median µs', align: 'right' },
    { header: 'p10–p90 µs', align: 'right' },
    { header: 'n', align: 'right' },
  ];
  const rows = [
    [
      `GET /v1/users/:u/recommendations?k=10`,
      fmtUs(r.recommendations.medianUs),
      `${fmtUs(r.recommendations.p10Us)}–${fmtUs(r.recommendations.p90Us)}`,
      String(r.recommendations.n),
    ],
    [
      'GET /health (no model)',
      fmtUs(r.health.medianUs),
      `${fmtUs(r.health.p10Us)}–${fmtUs(r.health.p90Us)}`,
      String(r.health.n),
    ],
    ['difference: top-K + routing/validation/JSON in workerd (estimate)', fmtUs(r.kernelEstimateUs), '', ''],
  ];
  return [
    `${fmtInt(r.items)} items × dim ${r.dim} (f32-base64, ${fmtMb1(r.artifactBytes / 2 ** 20)} MB), ${r.users} users, no seen lists. ` +
      'workerd cannot be timed from inside (no bench route, no src changes), so this is END-TO-END latency through wrangler dev on 127.0.0.1 ' +
      "(client fetch, wrangler's proxy, workerd, the app) for requests sent one at a time, interleaved recommendations / health; the difference of " +
      "the medians estimates what the recommendations route adds in workerd (the kernel plus the route's validation and JSON).",
    { columns, rows },
    `For comparison: core f32 top-10 at ${fmtInt(r.items)} items in Node ${r.nodeKernelUs ? `${fmtUs(r.nodeKernelUs)} µs` : '(kernel section not run)'}; ` +
      `floor ${fmtUs(r.floorUs)} µs; the very first recommendations request (parses the artifact) took ${fmtUs(r.firstRequestUs)} µs.`,
    sectionLoad(r),
  ];
}

function httpView(r) {
  const status = statusView(r);
  if (status) return status;
  const columns = [
    { header: 'route', align: 'left' },
    { header: 'requests', align: 'right' },
    { header: 'req/s', align: 'right' },
    { header: 'p50 ms', align: 'right' },
    { header: 'p90 ms', align: 'right' },
    { header: 'p99 ms', align: 'right' },
    { header: 'max ms', align: 'right' },
    { header: 'non-2xx', align: 'right' },
    { header: 'errors', align: 'right' },
    { header: 'load', align: 'right' },
  ];
  const rows = r.runs.map((x) => [
    x.route,
    fmtInt(x.requests),
    fmtInt(x.reqPerSec),
    String(x.latency.p50),
    String(x.latency.p90),
    String(x.latency.p99),
    String(x.latency.max),
    fmtInt(x.non2xx),
    fmtInt(x.errors + x.timeouts),
    f2(x.load1),
  ]);
  return [
    `${r.shape.users} users × ${r.shape.items} items × dim ${r.shape.dim} (random, ${fmtInt(r.shape.seenPairs)} seen pairs), f32-base64; ` +
      `${r.connections} connections, ${r.amount ? `${fmtInt(r.amount)} requests` : `${r.duration} s`} per route after a 2 s warm-up of each, the user rotating per request; ${r.client}.`,
    { columns, rows },
    `recommendations ÷ health throughput: ${f2(r.ratio)} (target ≥ ${r.target}: ${r.ratio >= r.target ? 'met' : 'MISSED'}). ` +
      'Both routes go through the same wrangler dev proxy and the same app (routing, CORS middleware, error handling); /health skips the model. ' +
      'The load generator shares the 2 cores with workerd, wrangler and anything else running; load = 1-min load average when the run started.',
    sectionLoad(r),
  ];
}

function coldView(r) {
  const status = statusView(r);
  if (status) return status;
  const columns = [
    { header: 'artifact', align: 'left' },
    { header: 'encoding', align: 'left' },
    { header: 'MB', align: 'right' },
    { header: 'gzip MB', align: 'right' },
    { header: 'parse ms', align: 'right' },
    { header: 'no checksum ms', align: 'right' },
    { header: 'heap MB', align: 'right' },
    { header: 'arrayBuffers MB', align: 'right' },
    { header: 'total MB', align: 'right' },
    { header: `< ${r.target.ms} ms & < ${r.target.mb} MB`, align: 'left' },
  ];
  const rows = r.rows.map((x) => [
    x.shape,
    x.encoding,
    fmtMb1(x.bytes / 2 ** 20),
    fmtMb1(x.gzipBytes / 2 ** 20),
    f1(x.checked.ms),
    f1(x.unchecked.ms),
    f1(x.checked.heapMb),
    f1(x.checked.arrayBuffersMb),
    f1(x.memoryMb),
    x.checked.ms < r.target.ms && x.memoryMb < r.target.mb ? 'yes' : 'no',
  ]);
  const blocks = [
    `Shapes: ${r.shapes.map((s) => `${s.name} = ${fmtInt(s.users)} users × ${fmtInt(s.items)} items × dim ${s.dim} (${fmtInt((s.users + s.items) * s.dim)} factors; ${s.seenNote})`).join('; ')}. ` +
      'Random tables (no MovieLens). Each figure: a fresh `node --expose-gc` process reads the file, runs a full GC, times one parseArtifact ' +
      '(JSON.parse, zod schema, sha256 of the content unless skipped, table decoding, id indexes), runs a full GC again while holding the result; ' +
      'times are the median of 3 processes. heap = heapUsed growth (ids, id maps, metadata, number arrays), arrayBuffers = typed-array growth ' +
      '(the decoded tables); the artifact text itself (MB column; in a Worker, the bundled Text module) is not counted.',
    { columns, rows },
    "Where the time goes (one more process per artifact, each step timed separately with core's own pieces: JSON.parse, artifactSchema.safeParse, " +
      'sha256Hex(JSON.stringify(content)), decodeFactorTable/decodeTable of the four tables, createIdIndex of both id lists):',
    {
      columns: [
        { header: 'artifact', align: 'left' },
        { header: 'encoding', align: 'left' },
        { header: 'JSON.parse ms', align: 'right' },
        { header: 'schema ms', align: 'right' },
        { header: 'sha256 ms', align: 'right' },
        { header: 'tables ms', align: 'right' },
        { header: 'id indexes ms', align: 'right' },
      ],
      rows: r.rows
        .filter((x) => x.phases)
        .map((x) => [
          x.shape,
          x.encoding,
          f1(x.phases.jsonParse),
          f1(x.phases.schema),
          f1(x.phases.sha256),
          f1(x.phases.tables),
          f1(x.phases.ids),
        ]),
    },
  ];
  if (r.wrangler.status === 'ok') {
    blocks.push({
      columns: [
        { header: 'artifact', align: 'left' },
        { header: 'encoding', align: 'left' },
        { header: 'first GET /v1/model ms', align: 'right' },
        { header: 'warm ms', align: 'right' },
        { header: 'first − warm ms', align: 'right' },
        { header: 'server start s', align: 'right' },
      ],
      rows: r.wrangler.rows.map((x) =>
        x.status === 'ok'
          ? [x.shape, x.encoding, f1(x.firstMs), f1(x.warmMs), f1(x.firstMs - x.warmMs), f1(x.startSeconds)]
          : [x.shape, x.encoding, { span: `${x.status}: ${x.message}` }],
      ),
    });
    blocks.push(
      'wrangler dev (workerd) per artifact: a server per artifact, readiness by /health (which never loads the model), then the first ' +
        'GET /v1/model, which parses the bundled artifact in the isolate, against the median of 20 warm ones. Server start includes bundling the artifact as a Text module.',
    );
  } else blocks.push(`wrangler dev first requests: ${r.wrangler.status} (${r.wrangler.message})`);
  blocks.push(sectionLoad(r));
  return blocks;
}

function quantView(r) {
  const status = statusView(r);
  if (status) return status;
  const blocks = [];
  for (const d of r.datasets) {
    if (d.status !== 'ok') {
      blocks.push(`${d.name}: ${d.status} (${d.message})`);
      continue;
    }
    blocks.push(
      `${d.label}: ${fmtInt(d.rows.train)} training, ${fmtInt(d.rows.test)} test ratings; ${fmtInt(d.users)} users × ${fmtInt(d.items)} items, dim ${d.dim}; ` +
        `edgerec train defaults, ${d.epochs} epochs, ${f1(d.trainSeconds)} s; the trainer's own test RMSE ${f4(d.trainerTestRmse)}.`,
    );
    blocks.push({
      columns: [
        { header: 'tables', align: 'left' },
        { header: 'artifact MB', align: 'right' },
        { header: 'gzip MB', align: 'right' },
        { header: 'test RMSE', align: 'right' },
        { header: 'Δ RMSE', align: 'right' },
        { header: 'NDCG@10', align: 'right' },
        { header: 'Δ NDCG@10', align: 'right' },
        { header: 'P@10', align: 'right' },
        { header: 'max |Δ rating|', align: 'right' },
        { header: 'same top-10', align: 'right' },
      ],
      rows: d.encodings.map((x) => [
        x.encoding,
        fmtMb2(x.bytes / 2 ** 20),
        fmtMb2(x.gzipBytes / 2 ** 20),
        f4(x.rmse),
        x.encoding === 'f32-base64' ? '—' : signed(x.rmseDelta, 5),
        f4(x.ndcg10),
        x.encoding === 'f32-base64' ? '—' : signed(x.ndcgDelta, 4),
        f4(x.precision10),
        x.maxRatingDiff === undefined ? '—' : x.maxRatingDiff.toExponential(2),
        x.sameTop10 === undefined ? '—' : `${(x.sameTop10 * 100).toFixed(1)}%`,
      ]),
    });
    const int8 = d.encodings.find((x) => x.encoding === 'int8-base64');
    if (int8) {
      blocks.push(
        `int8 costs ${signed(int8.rmseDelta, 5)} RMSE (budget < ${r.budget}: ${Math.abs(int8.rmseDelta) < r.budget ? 'met' : 'MISSED'}) and ` +
          `${signed(int8.ndcgDelta, 4)} NDCG@10 on ${fmtInt(int8.rankedUsers)} ranked users.`,
      );
    }
  }
  blocks.push(
    "One trained model (edgerec train --table-encoding f32-base64), re-encoded with core's serializeArtifact and parsed back, so each row scores " +
      "exactly what the Worker would load; json stores the same float32 values as number arrays. RMSE/MAE by core's evaluateRatings (unknown ids: " +
      "bias fallback), NDCG@10 and P@10 by core's evaluateRanking (relevant = held-out rating ≥ the artifact's recommend threshold, training items excluded). " +
      'max |Δ rating| over the test rows and "same top-10" (share of users whose top-10 list equals f32\'s) compare with the f32 tables.',
  );
  blocks.push(sectionLoad(r));
  return blocks;
}

function foldinView(r) {
  const status = statusView(r);
  if (!r || r.status === 'skipped') return ['not run'];
  if (status) return status;
  const nodeColumns = [
    { header: 'dim', align: 'right' },
    { header: 'items', align: 'right' },
    { header: 'fold-in µs', align: 'right' },
    { header: 'top-10 µs', align: 'right' },
    { header: 'fold-in + top-10 µs', align: 'right' },
    { header: 'p90 µs', align: 'right' },
    { header: 'CPU µs', align: 'right' },
    { header: `CPU of ${r.budgetMs} ms`, align: 'right' },
  ];
  const nodeRows = r.dims.flatMap((d) =>
    d.node.map((x) => [
      String(d.dim),
      fmtInt(x.items),
      fmtUs(x.foldIn.medianUs),
      fmtUs(x.topK.medianUs),
      fmtUs(x.total.medianUs),
      fmtUs(x.total.p90Us),
      fmtUs(x.total.cpuUs),
      `${Math.round((x.total.cpuUs / 1000 / r.budgetMs) * 100)}%`,
    ]),
  );
  const blocks = [
    `${fmtInt(r.shape.users)} users × ${fmtInt(r.shape.items)} items (ML-1M's shape), random gaussian iALS tables (sd 0.1), zero biases, ` +
      `${fmtInt(r.shape.interactions)} random seen pairs, f32-base64, parsed back with parseArtifact; each request folds in a new user from n distinct random items ` +
      "(half of them weighted 1-5) with core's foldInInteractions (the exact iALS user solve: n·dim²/2 + dim³/6 multiply-adds) and ranks the catalogue with topKItems " +
      `(k ${r.k}, the body's items excluded). Node: wall-time median and p90 of single requests over 16 users' bodies, about ${fmtInt(r.measureMs)} ms of measuring per figure, ` +
      "then CPU µs = the process's CPU time (process.cpuUsage) per request over as many requests again, which is what the Workers limit counts and what other " +
      "processes on a shared machine inflate least; the last column compares it with the Free plan's 10 ms.",
    { columns: nodeColumns, rows: nodeRows },
  ];
  const workerd = r.dims.filter((d) => d.workerd);
  if (workerd.length > 0) {
    const columns = [
      { header: 'dim', align: 'right' },
      { header: 'items', align: 'right' },
      { header: 'POST fold-in µs', align: 'right' },
      { header: 'GET known user µs', align: 'right' },
      { header: 'GET /health µs', align: 'right' },
      { header: 'route ≈ µs', align: 'right' },
      { header: 'fold-in ≈ µs', align: 'right' },
      { header: 'top-10 = Node', align: 'right' },
    ];
    const rows = workerd.flatMap((d) =>
      d.workerd.rows.map((x) => [
        String(d.dim),
        fmtInt(x.items),
        fmtUs(x.foldIn.medianUs),
        fmtUs(x.knownUser.medianUs),
        fmtUs(x.health.medianUs),
        fmtUs(x.routeEstimateUs),
        fmtUs(x.foldInEstimateUs),
        x.agreesWithNode,
      ]),
    );
    blocks.push(
      `workerd, end to end on wrangler dev (medians of ${r.requests} sequential requests each, interleaved): POST /v1/recommendations { items, k: 10 }, ` +
        "a known user's GET /v1/users/:u/recommendations?k=10 (the same top-10 scan, no fold-in) and GET /health. route ≈ POST − /health (fold-in, top-10, " +
        "validation and JSON inside workerd); fold-in ≈ POST − known-user GET. 'top-10 = Node' counts the bodies whose answer equals core's in Node.",
      { columns, rows },
    );
  }
  blocks.push(sectionLoad(r));
  return blocks;
}

// ─── small helpers ────────────────────────────────────────────────────────────────────────────

function show(path) {
  const rel = relative(REPO, path);
  return rel && !rel.startsWith('..') && !rel.startsWith('/') ? rel : path;
}
function lastLine(text) {
  return (text ?? '').trim().split('\n').pop()?.trim() ?? '';
}
const fmtMb1 = f1;
const fmtMb2 = f2;
function signed(x, digits) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return 'n/a';
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
}
function fmtUs(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return 'n/a';
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
}
function fmtMb(x) {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(1) : 'n/a';
}
function fmtRate(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return 'n/a';
  return x >= 1e9 ? `${(x / 1e9).toFixed(2)} G` : `${(x / 1e6).toFixed(0)} M`;
}
function progress(line) {
  process.stderr.write(`${line}\n`);
}
function fail(message) {
  process.stderr.write(`bench:serve: ${message}\n`);
  process.exit(2);
}

// ─── run ──────────────────────────────────────────────────────────────────────────────────────

const results = flags.from ? await loadSaved(flags.from) : await runBenchmark();
if (flags.save && !flags.from) {
  await writeFile(flags.save, `${JSON.stringify(results, null, 2)}\n`);
  progress(`saved results to ${flags.save}`);
}
process.stdout.write(
  flags.json ? `${JSON.stringify(results, null, 2)}\n` : render(results, flags.markdown ? 'markdown' : 'text'),
);
