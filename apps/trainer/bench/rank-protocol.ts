// The runs of `pnpm bench:rank`: a per-user split of a ratings file, edgerec's models trained on it
// and ranked by `edgerec evaluate`, the Python peers on the same files, and the fold-in check.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { errorLine, lastLine, measured, progress, REPO, show } from '@edgerec/bench-kit/process';
import { f1, f2, f4, fmtInt } from '@edgerec/bench-kit/report';
import { CLI, parseSweepLine, type SweepLine } from './edgerec-cli.js';
import { foldInAgreement, type FoldInAgreement } from './fold-in-agreement.js';
import type { RankBenchOptions } from './rank-options.js';

/** The peer's arguments: iALS as Rendle et al. tune it for ML-1M-sized data, EASE λ 300. */
export const PEER = { dim: 64, reg: 5, w0: 0.2, iters: 10, lam: 300 };
const SPLIT = { ratio: 0.75, seed: 42 };
/**
 * numpy's BLAS threads for the peer unless the caller sets OPENBLAS_NUM_THREADS: one, because the
 * peer's small per-row products gain nothing from a second thread on an idle machine (1.6 vs 1.7 s
 * on ML-100K) and spinning BLAS threads lose 5× when other processes share the cores (7.8 vs 38.6 s).
 */
const PEER_BLAS_THREADS = process.env.OPENBLAS_NUM_THREADS ?? '1';
/** The default rating model's u1.base → u1.test RMSE before the ranking head existed: it must not get worse. */
export const U1_RMSE_TARGET = 0.9128;
/** Fold-in target: the fold-in's top-10 shares at least this many items with the trained vector's, on average. */
export const FOLD_IN_TARGET = 8;
/** The full ML-1M, to tell it from a truncated copy. */
export const FULL_ML1M = { users: 6040, ratings: 1_000_209 };

/** Whether the peers can run, and why not. */
export interface PeerProbe {
  python: string | undefined;
  numpy: string | undefined;
  split: boolean;
  implicit: boolean;
  dir: string;
  messages: string[];
}

/** One model to train on a split. */
interface PlanItem {
  key: string;
  label: string;
  args: string[];
}

/** How a file was split into train.tsv and test.tsv. */
export type SplitResult =
  | { status: 'ok'; tool: string; ratio: number; seed: number; trainRows: number; testRows: number }
  | { status: 'failed'; tool: string; message: string };

/** Wall time, peak RSS and the load at the start of one process. */
interface RunCost {
  wallSeconds: number;
  peakRssMb: number | undefined;
  load1: number;
}

/** The parts of `edgerec train --json` the benchmark reads. */
interface CliTrainSummary {
  seconds: number;
  engine?: string;
  rows?: Record<string, number>;
  test?: { rmse: number };
  ranking?: { test?: { model?: { ndcg: number } } };
  rankingHead?: { method: string; seconds: number; engine: string };
}

type EdgerecTrainRun =
  | (RunCost & { status: 'ok'; summary: CliTrainSummary; seconds: number; sweeps: SweepLine[] })
  | (RunCost & { status: 'failed'; message: string });

/** Ranking figures at K. */
export interface RankingFigures {
  ndcg: number;
  precision: number;
  recall: number;
  map: number;
  hitRate: number;
  coverage: number;
}

interface CliRankingFigures {
  ndcgAtK: number;
  precisionAtK: number;
  recallAtK: number;
  mapAtK: number;
  hitRateAtK: number;
  coverage: number;
}

/** Held-out rows as `edgerec evaluate` counted them. */
export interface HeldOut {
  rows: number;
  unknownIds: number;
}

interface CliEvaluateReport {
  model: CliRankingFigures;
  popularity: CliRankingFigures;
  heldOut: HeldOut;
  notes: unknown;
}

/** `edgerec evaluate --mode interaction` at one K. */
export type Evaluation =
  | { status: 'ok'; k: number; model: RankingFigures; popularity: RankingFigures; heldOut: HeldOut; notes: unknown }
  | { status: 'failed'; k: number; message: string };

/** One edgerec model on the split: how it trained, and its evaluation at each K. */
export type RankedModel =
  | (RunCost & {
      key: string;
      label: string;
      status: 'ok';
      args: string[];
      trainSeconds: number;
      ratingSeconds: number | undefined;
      headSeconds: number | undefined;
      engine: string | undefined;
      sweeps: SweepLine[];
      rows: Record<string, number> | undefined;
      testRmse: number | undefined;
      trainerTestNdcg: number | undefined;
      evaluations: Record<number, Evaluation>;
      foldIn?: FoldInAgreement;
    })
  | (RunCost & { key: string; label: string; status: 'failed'; message: string });

interface CliPeerModel {
  ndcg: number;
  precision: number;
  recall: number;
  map: number;
  users: number;
  s: number;
}

/** One of implicit_peer.py's models. */
export interface PeerModel {
  ndcg: number;
  precision: number;
  recall: number;
  map: number;
  users: number;
  seconds: number;
}

/** implicit_peer.py at one K. */
export type PeerRun =
  | (RunCost & {
      status: 'ok';
      k: number;
      numpy: string | undefined;
      blasThreads: string;
      models: Record<string, PeerModel>;
    })
  | { status: 'unavailable' | 'failed'; k: number; message: string };

/** Everything ranked on one split. */
export interface Protocol {
  split: SplitResult;
  models: RankedModel[];
  peer: PeerRun[];
}

interface ProtocolPlan {
  dir: string;
  ratings: string;
  plan: PlanItem[];
  ks: number[];
  peers: PeerProbe;
  foldIn: string[];
}

/** The default rating model's u1.base → u1.test check. */
export type U1Check =
  | {
      status: 'ok';
      rmse: number;
      target: number;
      seconds: number;
      wallSeconds: number;
      rankingHead: string;
    }
  | (RunCost & { status: 'failed'; message: string });

/** A section that did not run. */
export interface Skipped {
  status: 'skipped';
  message: string;
}

/** The ML-100K section's record. */
export type Ml100kRank = Skipped | ({ status: 'ran'; data: string; u1: U1Check } & Protocol);

/** How a ratings.dat compares with the full ML-1M. */
export interface Ml1mLabel {
  text: string;
  users: number;
  ratings: number;
  full: boolean;
}

/** The ML-1M section's record. */
export type Ml1mRank = Skipped | ({ status: 'ran'; data: string; label: Ml1mLabel } & Protocol);

/** Whether the peers can run: Python, numpy (implicit_peer.py only) and the two scripts. */
export function probePeers(options: RankBenchOptions): PeerProbe {
  const { python: pythonCommand, splitScript, peerScript, peersDir } = options;
  const run = (code: string) => spawnSync(pythonCommand, ['-c', code], { encoding: 'utf8' });
  const py = run('import sys; sys.stdout.write(sys.version.split()[0])');
  const python = py.status === 0 ? py.stdout : undefined;
  const np = python ? run('import numpy, sys; sys.stdout.write(numpy.__version__)') : undefined;
  const numpy = np?.status === 0 ? np.stdout : undefined;
  const messages: string[] = [];
  if (!python)
    messages.push(
      `${pythonCommand} does not run (${py.error?.message ?? lastLine(py.stderr)}): no peers; the split falls back to edgerec split.`,
    );
  else if (!numpy)
    messages.push(
      `${pythonCommand} has no numpy: implicit_peer.py cannot run (on Debian: apt-get install -y python3-numpy).`,
    );
  if (!existsSync(splitScript))
    messages.push(`${show(splitScript)} not found (--peers DIR): the split falls back to edgerec split.`);
  if (!existsSync(peerScript)) messages.push(`${show(peerScript)} not found (--peers DIR): no peer figures.`);
  return {
    python,
    numpy,
    split: Boolean(python) && existsSync(splitScript),
    implicit: Boolean(numpy) && existsSync(peerScript),
    dir: relative(REPO, peersDir) || '.',
    messages,
  };
}

// ─── ML-100K ──────────────────────────────────────────────────────────────────────────────────

/** What is trained on the ML-100K split: edgerec's interaction methods, then the rating model's two rankings. */
function ml100kPlan(quick: boolean): PlanItem[] {
  return [
    { key: 'ials', label: 'edgerec iALS (default interaction recipe)', args: ['--objective', 'interaction'] },
    ...(quick
      ? []
      : [
          {
            key: 'bce',
            label: 'edgerec BCE, sampled negatives (--method bce)',
            args: ['--objective', 'interaction', '--method', 'bce'],
          },
          {
            key: 'bpr',
            label: 'edgerec BPR, sampled negatives (--method bpr)',
            args: ['--objective', 'interaction', '--method', 'bpr'],
          },
        ]),
    { key: 'rating', label: 'edgerec rating model, ranked by its iALS head (default)', args: [] },
    { key: 'ratingOnly', label: 'edgerec rating model, --ranking-head none', args: ['--ranking-head', 'none'] },
  ];
}

export async function ml100kSection(options: RankBenchOptions, dir: string, peers: PeerProbe): Promise<Ml100kRank> {
  const { ml100kDir } = options;
  const file = (name: string) => join(ml100kDir, name);
  const missing = ['u.data', 'u1.base', 'u1.test'].filter((name) => !existsSync(file(name)));
  if (missing.length > 0) {
    const message =
      `MovieLens 100K not found: ${missing.join(', ')} missing in ${show(ml100kDir)}. Point the benchmark at it with --ml100k DIR ` +
      'or EDGEREC_ML100K=DIR (default .data/ml-100k in the repo, which git ignores; pnpm edgerec data fetch ml-100k downloads it).';
    progress(message);
    return { status: 'skipped', message };
  }
  const protocol = await rankProtocol(options, {
    dir,
    ratings: file('u.data'),
    plan: ml100kPlan(options.quick),
    ks: [10],
    peers,
    foldIn: ['ials', 'rating'],
  });
  progress('default rating model on u1.base -> u1.test (RMSE)');
  const u1 = await edgerecTrain([
    '--ratings',
    file('u1.base'),
    '--test',
    file('u1.test'),
    '--out',
    join(dir, 'u1.json'),
  ]);
  // Trained with --test: the summary has test figures.
  progress(`    ${u1.status === 'ok' ? `test RMSE ${f4(u1.summary.test!.rmse)}, ${f1(u1.seconds)} s` : u1.message}`);
  return {
    status: 'ran',
    data: show(ml100kDir),
    ...protocol,
    u1:
      u1.status === 'ok'
        ? {
            status: 'ok',
            rmse: u1.summary.test!.rmse,
            target: U1_RMSE_TARGET,
            seconds: u1.seconds,
            wallSeconds: u1.wallSeconds,
            rankingHead: u1.summary.rankingHead?.method ?? 'none',
          }
        : u1,
  };
}

// ─── ML-1M ────────────────────────────────────────────────────────────────────────────────────

export async function ml1mSection(
  options: RankBenchOptions,
  ml1mFile: string,
  dir: string,
  peers: PeerProbe,
): Promise<Ml1mRank> {
  if (!existsSync(ml1mFile)) {
    const message = `--ml1m ${show(ml1mFile)}: no such file`;
    progress(message);
    return { status: 'skipped', message };
  }
  const label = await ml1mLabel(ml1mFile);
  progress(label.text);
  const plan: PlanItem[] = [
    { key: 'ials', label: 'edgerec iALS (default interaction recipe)', args: ['--objective', 'interaction'] },
  ];
  const protocol = await rankProtocol(options, { dir, ratings: ml1mFile, plan, ks: [10, 20], peers, foldIn: ['ials'] });
  return { status: 'ran', data: show(ml1mFile), label, ...protocol };
}

/** "ML-1M", or how a copy differs from it: users 1–N only, or just its counts. */
async function ml1mLabel(file: string): Promise<Ml1mLabel> {
  const users = new Set<number>();
  let ratings = 0;
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line) continue;
    users.add(Number(line.slice(0, line.indexOf('::'))));
    ratings++;
  }
  const max = Math.max(...users);
  const contiguous = users.size === max && !users.has(0);
  const full = users.size === FULL_ML1M.users && ratings === FULL_ML1M.ratings;
  const text = full
    ? 'ML-1M'
    : contiguous && users.size < FULL_ML1M.users
      ? `ML-1M, users 1–${max} only (truncated copy)`
      : `ML-1M (partial copy: ${fmtInt(users.size)} users)`;
  return { text, users: users.size, ratings, full };
}

// ─── the protocol: split, train, evaluate, peers ──────────────────────────────────────────────

/**
 * One ratings file: split per user, each planned edgerec model trained on train.tsv and ranked on
 * test.tsv by `edgerec evaluate --mode interaction` at each K, the peers on the same files, and
 * the fold-in check of the named models.
 */
async function rankProtocol(
  options: RankBenchOptions,
  { dir, ratings, plan, ks, peers, foldIn }: ProtocolPlan,
): Promise<Protocol> {
  await mkdir(dir, { recursive: true });
  const split = await splitRatings(options, ratings, dir, peers);
  if (split.status !== 'ok') return { split, models: [], peer: [] };
  const train = join(dir, 'train.tsv');
  const test = join(dir, 'test.tsv');
  const models: RankedModel[] = [];
  for (const [index, item] of plan.entries()) {
    progress(`[${index + 1}/${plan.length}] ${item.label}`);
    const artifact = join(dir, `${item.key}.json`);
    const run = await edgerecTrain(['--ratings', train, '--test', test, '--out', artifact, ...item.args]);
    if (run.status !== 'ok') {
      progress(`    ${run.message}`);
      models.push({ key: item.key, label: item.label, ...run });
      continue;
    }
    const evaluations: Record<number, Evaluation> = {};
    for (const k of ks) evaluations[k] = await edgerecEvaluate(artifact, test, train, k);
    const trainerNdcg = run.summary.ranking?.test?.model?.ndcg;
    const entry: RankedModel = {
      key: item.key,
      label: item.label,
      status: 'ok',
      args: item.args,
      trainSeconds: run.seconds,
      ratingSeconds: run.summary.rankingHead ? run.summary.seconds : undefined,
      headSeconds: run.summary.rankingHead?.seconds,
      engine: run.summary.rankingHead?.engine ?? run.summary.engine,
      sweeps: run.sweeps,
      wallSeconds: run.wallSeconds,
      peakRssMb: run.peakRssMb,
      load1: run.load1,
      rows: run.summary.rows,
      testRmse: run.summary.test?.rmse,
      trainerTestNdcg: trainerNdcg,
      evaluations,
    };
    if (foldIn.includes(item.key)) entry.foldIn = await foldInAgreement(artifact, { k: 10, good: FOLD_IN_TARGET });
    models.push(entry);
    const at10 = evaluations[10]!;
    progress(
      `    ${at10.status === 'ok' ? `NDCG@10 ${f4(at10.model.ndcg)} (popularity ${f4(at10.popularity.ndcg)})` : at10.message}, ` +
        `${f1(run.seconds)} s training, ${f1(run.wallSeconds)} s wall` +
        (entry.foldIn
          ? `; fold-in top-10 overlap ${f2(entry.foldIn.meanOverlap)} mean, ${entry.foldIn.minOverlap} min`
          : ''),
    );
  }
  const peer: PeerRun[] = [];
  for (const k of ks) peer.push(await implicitPeer(options, train, test, k, peers));
  return { split, models, peer };
}

/** rank_split.py (or, without Python, edgerec split with another RNG) into dir/train.tsv and dir/test.tsv. */
async function splitRatings(
  options: RankBenchOptions,
  ratings: string,
  dir: string,
  peers: PeerProbe,
): Promise<SplitResult> {
  const train = join(dir, 'train.tsv');
  const test = join(dir, 'test.tsv');
  const how = peers.split
    ? {
        tool: 'rank_split.py',
        command: options.python,
        args: [options.splitScript, ratings, dir, '--ratio', String(SPLIT.ratio), '--seed', String(SPLIT.seed)],
      }
    : {
        tool: 'edgerec split',
        command: process.execPath,
        args: [
          CLI,
          'split',
          ratings,
          '--by-user',
          String(SPLIT.ratio),
          '--seed',
          String(SPLIT.seed),
          '--out-dir',
          dir,
          '--force',
        ],
      };
  progress(`${how.tool} ${show(ratings)} ${SPLIT.ratio * 100}/${100 - SPLIT.ratio * 100} seed ${SPLIT.seed}`);
  const result = await measured(how.command, how.args);
  if (result.code !== 0 || !existsSync(train) || !existsSync(test)) {
    const message = `${how.tool} failed (exit ${result.code}): ${errorLine(result.stderr)}`;
    progress(message);
    return { status: 'failed', tool: how.tool, message };
  }
  const count = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter(Boolean).length - 1;
  return {
    status: 'ok',
    tool: how.tool,
    ratio: SPLIT.ratio,
    seed: SPLIT.seed,
    trainRows: await count(train),
    testRows: await count(test),
  };
}

/** `edgerec train … --json` in its own process: the summary, per-sweep seconds, wall time, peak RSS. */
async function edgerecTrain(args: string[]): Promise<EdgerecTrainRun> {
  const sweeps: SweepLine[] = [];
  const result = await measured(process.execPath, [CLI, 'train', ...args, '--json'], {
    node: true,
    onStderrLine: (line) => {
      const sweep = parseSweepLine(line);
      if (sweep) sweeps.push(sweep);
    },
  });
  const base = { wallSeconds: result.wallSeconds, peakRssMb: result.peakRssMb, load1: result.load1 };
  if (result.code !== 0) return { status: 'failed', message: errorLine(result.stderr), ...base };
  const summary = JSON.parse(result.stdout) as CliTrainSummary;
  const seconds = summary.seconds + (summary.rankingHead?.seconds ?? 0);
  return { status: 'ok', summary, seconds, sweeps, ...base };
}

/** `edgerec evaluate --mode interaction -k K --json`: the model's and popularity's ranking figures. */
async function edgerecEvaluate(model: string, test: string, train: string, k: number): Promise<Evaluation> {
  const args = [
    CLI,
    'evaluate',
    '--model',
    model,
    '--ratings',
    test,
    '--train',
    train,
    '--mode',
    'interaction',
    '-k',
    String(k),
    '--json',
  ];
  const result = await measured(process.execPath, args, { node: true });
  if (result.code !== 0) return { status: 'failed', k, message: errorLine(result.stderr) };
  const report = JSON.parse(result.stdout) as CliEvaluateReport;
  const figures = (m: CliRankingFigures): RankingFigures => ({
    ndcg: m.ndcgAtK,
    precision: m.precisionAtK,
    recall: m.recallAtK,
    map: m.mapAtK,
    hitRate: m.hitRateAtK,
    coverage: m.coverage,
  });
  return {
    status: 'ok',
    k,
    model: figures(report.model),
    popularity: figures(report.popularity),
    heldOut: report.heldOut,
    notes: report.notes,
  };
}

/** implicit_peer.py at K: popularity, EASE and iALS figures and seconds (its JSON last line). */
async function implicitPeer(
  options: RankBenchOptions,
  train: string,
  test: string,
  k: number,
  peers: PeerProbe,
): Promise<PeerRun> {
  if (!peers.implicit) {
    return { status: 'unavailable', k, message: peers.messages.join(' ') || 'implicit_peer.py cannot run' };
  }
  const args = [
    options.peerScript,
    train,
    test,
    '--k',
    String(k),
    '--dim',
    String(PEER.dim),
    '--reg',
    String(PEER.reg),
    '--w0',
    String(PEER.w0),
    '--iters',
    String(PEER.iters),
    '--lam',
    String(PEER.lam),
  ];
  progress(
    `implicit_peer.py --k ${k} --dim ${PEER.dim} --reg ${PEER.reg} --w0 ${PEER.w0} --iters ${PEER.iters} --lam ${PEER.lam}`,
  );
  const result = await measured(options.python, args, { env: { OPENBLAS_NUM_THREADS: PEER_BLAS_THREADS } });
  let json: Record<string, CliPeerModel>;
  try {
    json = JSON.parse(lastLine(result.stdout)) as Record<string, CliPeerModel>;
  } catch {
    const message = `implicit_peer.py exited with ${result.code}: ${lastLine(result.stderr) || lastLine(result.stdout)}`;
    progress(`    ${message}`);
    return { status: 'failed', k, message };
  }
  const models: Record<string, PeerModel> = {};
  for (const [name, m] of Object.entries(json)) {
    models[name] = { ndcg: m.ndcg, precision: m.precision, recall: m.recall, map: m.map, users: m.users, seconds: m.s };
  }
  progress(
    `    ${Object.entries(models)
      .map(([name, m]) => `${name} NDCG@${k} ${f4(m.ndcg)} ${f1(m.seconds)} s`)
      .join(', ')}`,
  );
  return {
    status: 'ok',
    k,
    numpy: peers.numpy,
    blasThreads: PEER_BLAS_THREADS,
    models,
    wallSeconds: result.wallSeconds,
    peakRssMb: result.peakRssMb,
    load1: result.load1,
  };
}
