#!/usr/bin/env tsx
// `pnpm bench:ann`: recall and latency of the IVF index (core's ann/) against the exact top-10 scan,
// on a synthetic catalogue with planted clusters (core's clusteredInteractionModel; default 1M
// items, dim 32) or on the ranking head of an artifact (--model). Prints the build time, then per
// nprobe: recall@10 against the exact top-10 of the same table, the share of items re-scored, and
// the time per query in Node and in workerd (wrangler's unstable_dev running bench/ann-worker.ts),
// each beside the exact scan's time in the same process. Progress goes to stderr, the table to
// stdout (--json: one JSON document). See apps/worker/bench/README.md.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  buildIvfIndex,
  defaultIvfLists,
  isInt8Rows,
  ivfRecall,
  ivfTopKItems,
  orderByLists,
  parseArtifact,
  quantizeRows,
  rankingHead,
  topKItems,
  userQuery,
  type IvfIndex,
  type RecommenderModel,
  type UserQuery,
} from '@edgerec/core';
import { clusteredInteractionModel } from '@edgerec/core/testing';
import { installNodeWasmScoring } from '@edgerec/core/wasm-node';
import { unstable_dev } from 'wrangler';
import { encodePayload } from './ann-payload.js';

const { values: flags } = parseArgs({
  options: {
    items: { type: 'string', default: '1000000' },
    dim: { type: 'string', default: '32' },
    clusters: { type: 'string', default: '1000' },
    users: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    lists: { type: 'string' },
    nprobe: { type: 'string', default: '4,8,16,32,64' },
    kmeans: { type: 'string', default: 'spherical' },
    'compare-kmeans': { type: 'boolean', default: false },
    table: { type: 'string', default: 'int8' },
    repeat: { type: 'string', default: '3' },
    model: { type: 'string' },
    'no-reorder': { type: 'boolean', default: false },
    'no-workerd': { type: 'boolean', default: false },
    'no-wasm': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (flags.help) {
  process.stdout.write(`pnpm bench:ann [-- flags]
  --items N --dim N --clusters N --users N   the synthetic catalogue (default 1000000, 32, 1000, 200)
  --model FILE        bench the ranking head of this artifact instead (its IVF index if it has one)
  --lists N           IVF lists (default about √items)   --kmeans spherical|euclidean (default spherical)
  --compare-kmeans    also build the other k-means variant and print its recall
  --table int8|f32    item table scored (default int8: a 1M × 32 float32 table alone fills an isolate; workerd is always int8)
  --nprobe A,B,...    nprobe values (default 4,8,16,32,64)   --repeat N   timed passes over the queries (default 3)
  --no-reorder        keep the catalogue order (default: laid out list by list, as edgerec index build writes it)
  --no-workerd        Node figures only   --json   one JSON document on stdout
  --no-wasm           rank in Node with core's JS path (default: core's WebAssembly scorer, as the trainer CLI does)
`);
  process.exit(0);
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const wasm = !flags['no-wasm'];
if (wasm) await installNodeWasmScoring();
const int = (name: string, value: string | undefined) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got ${value})`);
  return n;
};
const nprobes = String(flags.nprobe)
  .split(',')
  .map((v) => int('nprobe', v));
const repeat = int('repeat', flags.repeat);
const kmeans = flags.kmeans === 'euclidean' ? 'euclidean' : 'spherical';
const int8 = flags.table !== 'f32';
const reorder = !flags['no-reorder'];

/** Mean milliseconds per query of `rank` over every query, `repeat` passes after one warm-up pass. */
function timePerQuery(queries: readonly UserQuery[], rank: (query: UserQuery) => unknown): number {
  for (const query of queries) rank(query);
  const started = performance.now();
  for (let r = 0; r < repeat; r++) for (const query of queries) rank(query);
  return (performance.now() - started) / (repeat * queries.length);
}

/** The checksum ann-worker.ts answers: the sum of the ranked item indices. */
function checksum(queries: readonly UserQuery[], rank: (query: UserQuery) => { index: number }[]): number {
  let sum = 0;
  for (const query of queries) for (const item of rank(query)) sum = (sum + item.index) % 1_000_000_007;
  return sum;
}

/** An artifact's ranking head, or the synthetic catalogue. */
async function loadHead(): Promise<{ head: RecommenderModel; source: string }> {
  if (flags.model) {
    const text = await readFile(flags.model, 'utf8');
    const { model } = await parseArtifact(text, { source: flags.model, maxDecodedBytes: 2 ** 34 });
    return { head: rankingHead(model), source: flags.model };
  }
  const shape = {
    items: int('items', flags.items),
    dim: int('dim', flags.dim),
    clusters: int('clusters', flags.clusters),
    users: int('users', flags.users),
    seed: int('seed', flags.seed),
  };
  log(`generating ${shape.items} items (dim ${shape.dim}, ${shape.clusters} planted clusters), ${shape.users} users`);
  return {
    head: clusteredInteractionModel(shape),
    source: `${shape.items} synthetic items (${shape.clusters} planted clusters)`,
  };
}

function buildIndex(head: RecommenderModel, variant: 'spherical' | 'euclidean'): IvfIndex {
  const lists = flags.lists ? int('lists', flags.lists) : defaultIvfLists(head.items.size);
  log(`building a ${variant} IVF index of ${lists} lists over ${head.items.size} items`);
  return buildIvfIndex(head, { lists, kmeans: variant, seed: int('seed', flags.seed), onProgress: log });
}

/** The head with int8 item rows (as `--table-encoding int8-base64` stores them). */
function withInt8Items(head: RecommenderModel): RecommenderModel {
  if (isInt8Rows(head.itemFactors)) return head;
  return { ...head, itemFactors: quantizeRows(head.itemFactors, head.dim) };
}

/** Per-query milliseconds in workerd: (median /run − median /noop) / queries ranked per request; checks the checksums against Node's. */
async function workerdTimes(head: RecommenderModel, queries: readonly UserQuery[]) {
  const rows = withInt8Items(head).itemFactors;
  if (!isInt8Rows(rows)) throw new Error('expected int8 rows');
  const body = encodePayload({
    dim: head.dim,
    values: rows.values,
    scales: rows.scales,
    bias: head.itemBias,
    index: head.ivf!,
    queries: Float32Array.from(queries.flatMap((q) => Array.from(q.factors))),
  });
  log(
    `workerd: starting bench/ann-worker.ts with wrangler unstable_dev (${(body.length / 2 ** 20).toFixed(1)} MiB payload)`,
  );
  const worker = await unstable_dev(fileURLToPath(new URL('./ann-worker.ts', import.meta.url)), {
    config: fileURLToPath(new URL('./ann-wrangler.jsonc', import.meta.url)),
    local: true,
    logLevel: 'warn',
    experimental: { disableExperimentalWarning: true },
  });
  try {
    const setup = await worker.fetch('/setup', { method: 'POST', body });
    if (!setup.ok) throw new Error(`workerd setup failed: ${setup.status} ${await setup.text()}`);
    log(`workerd: ${await setup.text()} items ready`);
    const median = async (path: string, runs: number) => {
      const times: number[] = [];
      let answer = '';
      for (let r = 0; r < runs + 1; r++) {
        const started = performance.now();
        const response = await worker.fetch(path);
        answer = await response.text();
        if (!response.ok) throw new Error(`workerd ${path}: ${response.status} ${answer}`);
        if (r > 0) times.push(performance.now() - started); // the first run warms up
      }
      times.sort((a, b) => a - b);
      return { ms: times[Math.floor(times.length / 2)]!, answer: Number(answer) };
    };
    const noop = (await median('/noop', 15)).ms;
    const scored = withInt8Items(head);
    // Each request ranks `count` queries: enough to dwarf the request overhead, few enough to stay under a second.
    const perQuery = async (query: string, count: number, rank: (q: UserQuery) => { index: number }[]) => {
      const { ms, answer } = await median(`/run?${query}&queries=${count}`, 2 * repeat + 1);
      const expected = checksum(queries.slice(0, count), rank);
      if (answer !== expected) throw new Error(`workerd ${query}: checksum ${answer}, Node ${expected}`);
      return Math.max(0, ms - noop) / count;
    };
    const exactCount = Math.max(1, Math.min(queries.length, Math.round(20 / Math.max(exactNode, 0.01))));
    const exact = await perQuery('mode=exact', exactCount, (q) => topKItems(scored, q, { k: 10 }));
    const ivf = new Map<number, number>();
    for (const [j, nprobe] of nprobes.entries()) {
      const count = Math.max(1, Math.min(queries.length, Math.round(200 / Math.max(nodeTimes[j]!, 0.01))));
      ivf.set(
        nprobe,
        await perQuery(`mode=ivf&nprobe=${nprobe}`, count, (q) => ivfTopKItems(scored, q, { k: 10, nprobe }).items),
      );
      log(`workerd: nprobe ${nprobe} done`);
    }
    return { exact, ivf, noopMs: noop };
  } finally {
    await worker.stop();
  }
}

const loaded = await loadHead();
const built = loaded.head.ivf ?? buildIndex(loaded.head, kmeans);
const laid = reorder ? orderByLists(loaded.head, built).model : { ...loaded.head, ivf: built };
const head = int8 ? withInt8Items(laid) : laid;
const index = head.ivf!;
const users = Math.min(int('users', flags.users), head.users.size);
const step = Math.max(1, Math.floor(head.users.size / users));
const queries = Array.from({ length: users }, (_, j) => userQuery(head, j * step));

log('measuring recall and Node times');
const recall = ivfRecall(head, queries, nprobes);
const exactNode = timePerQuery(queries, (query) => topKItems(head, query, { k: 10 }));
const nodeTimes = nprobes.map((nprobe) =>
  timePerQuery(queries, (query) => ivfTopKItems(head, query, { k: 10, nprobe })),
);
const other = flags['compare-kmeans']
  ? buildIndex(loaded.head, kmeans === 'spherical' ? 'euclidean' : 'spherical')
  : undefined;
const otherRecall = other ? ivfRecall({ ...loaded.head, ivf: other }, queries, nprobes) : undefined;
const workerd = flags['no-workerd']
  ? undefined
  : await workerdTimes(head, queries).catch((error: unknown) => {
      log(`workerd: failed, Node figures only: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });

const rows = nprobes.map((nprobe, j) => ({
  nprobe,
  recall: recall[j]!.recall,
  scored: recall[j]!.scored,
  nodeMs: nodeTimes[j]!,
  nodeSpeedup: exactNode / nodeTimes[j]!,
  ...(workerd ? { workerdMs: workerd.ivf.get(nprobe)!, workerdSpeedup: workerd.exact / workerd.ivf.get(nprobe)! } : {}),
  ...(otherRecall ? { otherRecall: otherRecall[j]!.recall } : {}),
}));
const result = {
  source: loaded.source,
  items: head.items.size,
  dim: head.dim,
  table: int8 ? 'int8' : 'f32',
  nodeScorer: wasm ? 'wasm' : 'js',
  layout: reorder ? 'list by list' : 'catalogue order',
  queries: queries.length,
  lists: index.lists,
  build: index.build,
  exact: { nodeMs: exactNode, ...(workerd ? { workerdMs: workerd.exact, workerdNoopMs: workerd.noopMs } : {}) },
  rows,
  ...(other ? { other: { kmeans: other.build.kmeans, seconds: other.build.seconds } } : {}),
};
if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else process.stdout.write(table(result));

function table(r: typeof result): string {
  const f = (x: number, d = 2) => x.toFixed(d);
  const lines = [
    `IVF on ${r.source}, dim ${r.dim}, ${r.table} item rows, ${r.queries} queries, top-10`,
    `index: ${r.lists} lists, ${r.build.kmeans} k-means, ${r.build.iterations} iterations on ${r.build.sample} items, built in ${f(r.build.seconds, 1)} s; items ${r.layout}`,
    `exact scan: ${f(r.exact.nodeMs, 3)} ms/query in Node (${r.nodeScorer === 'wasm' ? "core's wasm scorer" : "core's JS path"})${r.exact.workerdMs === undefined ? '' : `, ${f(r.exact.workerdMs, 3)} ms in workerd`}`,
    '',
    `| nprobe | recall@10 | items scored | Node ms | × faster |${workerd ? ' workerd ms | × faster |' : ''}${otherRecall ? ` recall (${r.other!.kmeans}) |` : ''}`,
    `|---:|---:|---:|---:|---:|${workerd ? '---:|---:|' : ''}${otherRecall ? '---:|' : ''}`,
    ...r.rows.map(
      (row) =>
        `| ${row.nprobe} | ${f(row.recall, 3)} | ${f(100 * row.scored)}% | ${f(row.nodeMs, 3)} | ${f(row.nodeSpeedup, 1)} |` +
        (row.workerdMs === undefined ? '' : ` ${f(row.workerdMs, 3)} | ${f(row.workerdSpeedup!, 1)} |`) +
        (row.otherRecall === undefined ? '' : ` ${f(row.otherRecall, 3)} |`),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
