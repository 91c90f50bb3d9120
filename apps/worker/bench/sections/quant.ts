// Section 5 of `pnpm bench:serve`: what f16 and int8 tables cost. One trained model (edgerec
// synth + train, and MovieLens 100K u1 when a local copy exists) re-encoded and parsed back.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { lastLine, measured, progress, show, tempDir } from '@edgerec/bench-kit/process';
import { f1, f4, fmtInt, type Table, type View } from '@edgerec/bench-kit/report';
import {
  evaluateRanking,
  evaluateRatings,
  modelRanker,
  mulberry32,
  parseArtifact,
  predictWithFallback,
  seenBy,
  serializeArtifact,
  shuffleInPlace,
  type ArtifactMetadata,
  type IndexedRatings,
  type RecommenderModel,
  type TableEncoding,
} from '@edgerec/core';
import { sameList } from '../request-timing.js';
import { fmtMb1, fmtMb2, signed } from '../serve-format.js';
import type { ServeOptions } from '../serve-options.js';
import { sectionLoad, type SectionTiming, type ServeSection } from '../serve-section.js';

/** The built `edgerec` command line. */
const CLI = fileURLToPath(import.meta.resolve('@edgerec/trainer/cli'));
const INT8_RMSE_BUDGET = 0.002;

/** One table encoding of the trained model: size and accuracy, and how far it is from f32. */
interface QuantRow {
  encoding: TableEncoding;
  bytes: number;
  gzipBytes: number;
  rmse: number;
  mae: number;
  ndcg10: number;
  precision10: number;
  rankedUsers: number;
  maxRatingDiff?: number;
  sameTop10?: number;
  rmseDelta?: number;
  ndcgDelta?: number;
}

/** One data set's model in every encoding, or why it was skipped. */
type QuantDataset =
  | {
      name: string;
      status: 'ok';
      label: string;
      rows: { train: number; test: number };
      trainSeconds: number;
      trainerTestRmse: number | undefined;
      epochs: number;
      relevanceThreshold: number;
      dim: number;
      users: number;
      items: number;
      encodings: QuantRow[];
    }
  | { name: string; status: 'skipped'; message: string };

/** The quant section's figures. */
export interface QuantResult {
  datasets: QuantDataset[];
  budget: number;
}

async function run(options: ServeOptions): Promise<QuantResult> {
  const { ml100kDir } = options;
  if (!existsSync(CLI)) throw new Error(`${CLI} does not exist: build first (pnpm bench:serve builds; or pnpm build)`);
  const datasets: QuantDataset[] = [];
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

async function quantDataset(
  dir: string,
  {
    name,
    label,
    train,
    test,
    rows,
  }: { name: string; label: string; train: string; test: string; rows: { train: number; test: number } },
): Promise<QuantDataset> {
  const f32Path = join(dir, `${name}.f32.json`);
  progress(`quant: edgerec train on ${name} (--table-encoding f32-base64)`);
  const t0 = Date.now();
  const summary: { test?: { rmse: number }; epochs: number } = JSON.parse(
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
  // The ranking head's training record is not in the parsed meta: take it from the file itself.
  const { ranking } = JSON.parse(f32Text) as { ranking?: { training: ArtifactMetadata['rankingTraining'] } };
  const metadata: ArtifactMetadata = {
    createdAt: base.meta.createdAt,
    stats: base.meta.stats,
    training: base.meta.training,
    ...(ranking ? { rankingTraining: ranking.training } : {}),
  };
  const heldOut = await indexRatings(test, base.model);
  const encodings: QuantRow[] = [];
  let reference: { lists: number[][]; predictions: Float64Array } | undefined;
  for (const encoding of ['f32-base64', 'f16-base64', 'int8-base64', 'json'] as const) {
    const text =
      encoding === 'f32-base64' ? f32Text : await serializeArtifact(base.model, metadata, { tableEncoding: encoding });
    const { model } = await parseArtifact(text);
    const accuracy = evaluateRatings(model, heldOut);
    const ranking = evaluateRanking(modelRanker(model), heldOut, { k: 10 });
    const row: QuantRow = {
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
    if (!reference) reference = { lists, predictions: predictionsFor(model, heldOut) };
    else {
      const predictions = predictionsFor(model, heldOut);
      let maxDiff = 0;
      for (let r = 0; r < predictions.length; r++)
        maxDiff = Math.max(maxDiff, Math.abs(predictions[r]! - reference.predictions[r]!));
      row.maxRatingDiff = maxDiff;
      row.sameTop10 = lists.filter((l, u) => sameList(l, reference!.lists[u]!)).length / lists.length;
    }
    encodings.push(row);
    progress(
      `  ${encoding.padEnd(12)} ${fmtMb1(row.bytes / 2 ** 20)} MB  RMSE ${f4(row.rmse)}  NDCG@10 ${f4(row.ndcg10)}`,
    );
  }
  const f32 = encodings[0]!;
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
function listsFor(model: RecommenderModel): number[][] {
  const ranker = modelRanker(model);
  const out: number[][] = [];
  for (let u = 0; u < model.users.size; u++) out.push(ranker.topK(u, 10, model.seen ? seenOf(model, u) : undefined));
  return out;
}

function seenOf(model: RecommenderModel, u: number): Uint32Array {
  return seenBy(model.seen!, u);
}

/** The predicted rating of every held-out row, by the scorer evaluateRatings uses (bias fallback for unknown ids). */
function predictionsFor(model: RecommenderModel, rows: IndexedRatings): Float64Array {
  const out = new Float64Array(rows.ratings.length);
  for (let r = 0; r < out.length; r++) out[r] = predictWithFallback(model, rows.users[r]!, rows.items[r]!);
  return out;
}

/** A ratings file (tsv/csv with or without a header; MovieLens u.data style) as model indices. */
async function indexRatings(file: string, model: RecommenderModel): Promise<IndexedRatings> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const users: number[] = [];
  const items: number[] = [];
  const ratings: number[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const f = line.split(/\t|,|::/);
    const rating = Number(f[2]);
    if (!Number.isFinite(rating)) continue; // header
    users.push(model.users.indexOf(f[0]!) ?? -1);
    items.push(model.items.indexOf(f[1]!) ?? -1);
    ratings.push(rating);
  }
  return { users: Int32Array.from(users), items: Int32Array.from(items), ratings: Float32Array.from(ratings) };
}

async function splitFile(
  file: string,
  trainPath: string,
  testPath: string,
  fraction: number,
  seed: number,
): Promise<{ train: string; test: string }> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const header = Number.isFinite(Number(lines[0]?.split(/\t|,/)[2])) ? undefined : lines.shift();
  const order = shuffleInPlace(Uint32Array.from(lines.keys()), mulberry32(seed));
  const cut = Math.round(lines.length * fraction);
  const pickLines = (from: number, to: number) =>
    `${[...(header ? [header] : []), ...Array.from(order.subarray(from, to), (i) => lines[i]!)].join('\n')}\n`;
  await writeFile(testPath, pickLines(0, cut));
  await writeFile(trainPath, pickLines(cut, lines.length));
  return { train: trainPath, test: testPath };
}

async function countRows(train: string, test: string): Promise<{ train: number; test: number }> {
  const count = async (f: string) =>
    (await readFile(f, 'utf8'))
      .split('\n')
      .filter((l) => l.trim() !== '' && Number.isFinite(Number(l.split(/\t|,/)[2]))).length;
  return { train: await count(train), test: await count(test) };
}

/** Runs the edgerec CLI; its stdout and stderr, or an Error with its last stderr line. */
async function cli(args: string[]): Promise<string> {
  const result = await measured(process.execPath, [CLI, ...args], { node: true });
  if (result.code !== 0) throw new Error(`edgerec ${args[0]} exited ${result.code}: ${lastLine(result.stderr)}`);
  return result.stdout + result.stderr;
}

function view(r: SectionTiming & QuantResult): View {
  const blocks: Array<string | Table> = [];
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
        `int8 costs ${signed(int8.rmseDelta, 5)} RMSE (budget < ${r.budget}: ${Math.abs(int8.rmseDelta ?? Number.NaN) < r.budget ? 'met' : 'MISSED'}) and ` +
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

/** The quant section. */
export const quantSection: ServeSection<QuantResult> = {
  name: 'quant',
  title: '5. Quantization error: f32 vs f16 vs int8 tables of one trained model',
  run,
  view,
};
