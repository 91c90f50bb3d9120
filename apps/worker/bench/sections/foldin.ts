// Section 6 of `pnpm bench:serve`: a new user's iALS fold-in at ML-1M size, then top-10 over the
// catalogue: core's functions in Node, and POST /v1/recommendations { items } on wrangler dev.
import { readFile } from 'node:fs/promises';
import { progress, tempDir } from '@edgerec/bench-kit/process';
import { fmtInt, type Column, type Table, type View } from '@edgerec/bench-kit/report';
import {
  foldInInteractions,
  mulberry32,
  parseArtifact,
  topKItems,
  type FoldInInteraction,
  type RecommenderModel,
} from '@edgerec/core';
import { cpuPerCall, latencyStats, quantile, sameList, timeIt, type LatencyStats } from '../request-timing.js';
import { fmtMb1, fmtUs } from '../serve-format.js';
import type { ServeOptions } from '../serve-options.js';
import { sectionLoad, type SectionTiming, type ServeSection } from '../serve-section.js';
import { interactionMetadata, interactionModel, writeArtifact, type WrittenArtifact } from '../synthetic-artifacts.js';
import { startServer } from '../wrangler-server.js';

/** ML-1M's shape: the fold-in section's synthetic interaction artifact. */
const ML1M_SHAPE = { users: 6040, items: 3706, interactions: 1_000_209 };
/** The Workers Free plan's CPU time per request. */
const CPU_BUDGET_MS = 10;

/** An item of a fold-in body: an id, or an id with a weight. */
type BodyItem = string | { item: string; weight: number };

/** The body of POST /v1/recommendations for a new user. */
interface FoldInBody {
  items: BodyItem[];
  k: number;
}

/** Wall-time median and p90, and CPU µs, of one step in Node. */
interface StepFigures {
  medianUs: number;
  p90Us: number;
  reps: number;
  cpuUs: number;
}

/** Node's figures for one body size. */
interface FoldinNodeFigures {
  items: number;
  foldIn: StepFigures;
  topK: StepFigures;
  total: StepFigures;
}

/** workerd's figures for one body size. */
interface FoldinWorkerdRow {
  items: number;
  foldIn: LatencyStats;
  knownUser: LatencyStats;
  health: LatencyStats;
  agreesWithNode: string;
  bodyBytes: number;
  routeEstimateUs: number;
  foldInEstimateUs: number;
}

interface FoldinWorkerd {
  firstRequestUs: number;
  rows: FoldinWorkerdRow[];
}

/** One head dim's figures. */
interface FoldinDim {
  dim: number;
  artifactBytes: number;
  node: FoldinNodeFigures[];
  workerd: FoldinWorkerd | undefined;
}

/** The foldin section's figures. */
export interface FoldinResult {
  shape: typeof ML1M_SHAPE;
  k: number;
  budgetMs: number;
  measureMs: number;
  requests: number;
  dims: FoldinDim[];
}

/** `users` fold-in bodies of `n` distinct random items each, half of them weighted (1 to 5). */
function foldInBodies(model: RecommenderModel, n: number, users: number, seed: number): FoldInBody[] {
  const uniform = mulberry32(seed);
  const ids = model.items.ids;
  return Array.from({ length: users }, () => {
    const picked = new Set<number>();
    while (picked.size < Math.min(n, ids.length)) picked.add(Math.floor(uniform() * ids.length));
    const items = [...picked].map(
      (i, j): BodyItem => (j % 2 === 0 ? ids[i]! : { item: ids[i]!, weight: 1 + Math.floor(uniform() * 5) }),
    );
    return { items, k: 10 };
  });
}

/** What the Worker's items fold-in does, with core's functions: ids → indices, fold-in, top-10 without the body's items. */
function foldInTopK(model: RecommenderModel, body: FoldInBody): Array<{ item: string; score: number }> {
  const interactions: FoldInInteraction[] = [];
  for (const entry of body.items) {
    const i = model.items.indexOf(typeof entry === 'string' ? entry : entry.item);
    if (i !== undefined) interactions.push(typeof entry === 'string' ? { item: i } : { item: i, weight: entry.weight });
  }
  const query = foldInInteractions(model, interactions);
  const exclude = new Set(interactions.map((x) => x.item));
  return topKItems(model, query, { k: body.k, exclude }).map((r) => ({
    item: model.items.ids[r.index]!,
    score: r.raw,
  }));
}

async function run(options: ServeOptions): Promise<FoldinResult> {
  const { foldin } = options;
  const work = await tempDir('edgerec-bench-foldin-');
  try {
    const out: FoldinResult = {
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
      const row: FoldinDim = { dim, artifactBytes: artifact.bytes, node: [], workerd: undefined };
      const bodiesByCount = new Map(foldin.counts.map((n) => [n, foldInBodies(model, n, 16, 100 + n)]));
      for (const [n, bodies] of bodiesByCount) {
        const interactionsOf = (body: FoldInBody): FoldInInteraction[] =>
          body.items.map((e) => ({
            // Every body item is one of the model's ids.
            item: model.items.indexOf(typeof e === 'string' ? e : e.item)!,
            ...(typeof e === 'string' ? {} : { weight: e.weight }),
          }));
        const prepared = bodies.map((body) => ({ body, interactions: interactionsOf(body) }));
        const queries = prepared.map((p) => ({
          ...p,
          query: foldInInteractions(model, p.interactions),
          exclude: new Set(p.interactions.map((x) => x.item)),
        }));
        type Prepared = (typeof queries)[number];
        const rows: Array<[keyof Omit<FoldinNodeFigures, 'items'>, (p: Prepared) => unknown]> = [
          ['foldIn', (p) => foldInInteractions(model, p.interactions)],
          ['topK', (p) => topKItems(model, p.query, { k: 10, exclude: p.exclude })],
          ['total', (p) => foldInTopK(model, p.body)],
        ];
        const figures: Partial<FoldinNodeFigures> = { items: n };
        for (const [name, fn] of rows) {
          const samples = timeIt(fn, queries, foldin.ms / rows.length, 200).samples.sort((a, b) => a - b);
          const at = (p: number) => quantile(samples, p);
          figures[name] = {
            medianUs: at(0.5),
            p90Us: at(0.9),
            reps: samples.length,
            cpuUs: cpuPerCall(fn, queries, samples.length),
          };
        }
        const done = figures as FoldinNodeFigures;
        row.node.push(done);
        progress(
          `  node  dim ${dim}, ${fmtInt(n)} items: fold-in ${fmtUs(done.foldIn.medianUs)} µs + top-10 ${fmtUs(done.topK.medianUs)} µs = ${fmtUs(done.total.medianUs)} µs ` +
            `(p90 ${fmtUs(done.total.p90Us)}; CPU ${fmtUs(done.total.cpuUs)} µs a request)`,
        );
      }
      if (foldin.workerd) row.workerd = await foldinWorkerd(options, artifact, model, bodiesByCount);
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
async function foldinWorkerd(
  { foldin }: ServeOptions,
  artifact: WrittenArtifact,
  model: RecommenderModel,
  bodiesByCount: Map<number, FoldInBody[]>,
): Promise<FoldinWorkerd> {
  progress(`  workerd: starting wrangler dev (${fmtMb1(artifact.bytes / 2 ** 20)} MB artifact)`);
  const server = await startServer(artifact.path, 300_000);
  try {
    const send = async (path: string, body?: string) => {
      const t0 = performance.now();
      const response = await fetch(
        `${server.url}${path}`,
        body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body } : undefined,
      );
      const text = await response.text();
      if (response.status !== 200) throw new Error(`${path}: status ${response.status} ${text.slice(0, 200)}`);
      return { us: (performance.now() - t0) * 1000, text };
    };
    const stats = latencyStats;
    const firstUs = (await send('/v1/model')).us;
    const rows: FoldinWorkerdRow[] = [];
    for (const [n, bodies] of bodiesByCount) {
      const texts = bodies.map((b) => JSON.stringify(b));
      // The Worker must give the answer core gives in Node.
      let agrees = 0;
      for (const [j, body] of bodies.entries()) {
        const { text } = await send('/v1/recommendations', texts[j]);
        const got = (JSON.parse(text) as { items: Array<{ item: string }> }).items.map((r) => r.item);
        if (
          sameList(
            got,
            foldInTopK(model, body).map((r) => r.item),
          )
        )
          agrees++;
      }
      const user = (r: number) => `/v1/users/u${(r * 97) % model.users.size}/recommendations?k=10`;
      for (let r = 0; r < 30; r++) {
        await send('/v1/recommendations', texts[r % texts.length]!);
        await send(user(r));
        await send('/health');
      }
      const post: number[] = [];
      const known: number[] = [];
      const health: number[] = [];
      for (let r = 0; r < foldin.requests; r++) {
        post.push((await send('/v1/recommendations', texts[r % texts.length]!)).us);
        known.push((await send(user(r))).us);
        health.push((await send('/health')).us);
      }
      const foldIn = stats(post);
      const knownUser = stats(known);
      const healthStats = stats(health);
      const row: FoldinWorkerdRow = {
        items: n,
        foldIn,
        knownUser,
        health: healthStats,
        agreesWithNode: `${agrees}/${bodies.length}`,
        bodyBytes: Math.round(texts.reduce((a, t) => a + t.length, 0) / texts.length),
        routeEstimateUs: foldIn.medianUs - healthStats.medianUs,
        foldInEstimateUs: foldIn.medianUs - knownUser.medianUs,
      };
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

function view(r: SectionTiming & FoldinResult): View {
  const nodeColumns: Column[] = [
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
  const blocks: Array<string | Table> = [
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
    const columns: Column[] = [
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
      d.workerd!.rows.map((x) => [
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

/** The foldin section. */
export const foldinSection: ServeSection<FoldinResult> = {
  name: 'foldin',
  title: '6. Interaction fold-in of a new user at ML-1M size (iALS, top-10)',
  run,
  view,
  skippedView: ['not run'],
};
