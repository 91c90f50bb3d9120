// How `pnpm bench:train` prints its results: one section of tables and notes per benchmark section.
import { show } from '@edgerec/bench-kit/process';
import type { BenchResults } from '@edgerec/bench-kit/results';
import {
  f1,
  f2,
  f3,
  f4,
  fmtInt,
  fmtMb,
  fmtMinutes,
  hostLines,
  medianOf,
  ratio,
  section,
  titleBlock,
  type Cell,
  type Column,
  type Table,
  type View,
} from '@edgerec/bench-kit/report';
import type { Ml100kResult, Ml100kRun, NotRun, TorchResult } from './ml100k-sections.js';
import type { IalsResult, SynthResult } from './synthetic-sections.js';
import type { TrainFigures, TrainRun } from './train-runs.js';

/** The record of each section: its result, or why it did not run. */
export interface TrainSections {
  ml100k: Ml100kResult | NotRun;
  torch: TorchResult | NotRun;
  synth25m: SynthResult | NotRun;
  ials25m: IalsResult | NotRun;
}

/** The results record of `pnpm bench:train`. */
export type TrainBenchResults = BenchResults<TrainSections>;

/** The results as text tables or Markdown. */
export function renderTrainBench(results: TrainBenchResults, md: boolean): string {
  const out = titleBlock(md, 'edgerec training benchmark', results.startedAt, hostLines(results));

  const s = results.sections;
  out.push(section(md, '1. MovieLens 100K: u1.base → u1.test', ml100kView(s.ml100k)));
  out.push(section(md, '2. PyTorch side by side (seed model, ML-100K u1, batch 1024)', torchView(s.torch)));
  out.push(section(md, '3. synth25m: synthetic data shaped like ML-25M', synthView(s.synth25m)));
  out.push(section(md, '4. ials25m: the default interaction recipe (iALS) on the same shape', ialsView(s.ials25m)));
  return `${out.join('\n\n')}\n`;
}

/** Whether a section did not run (or is missing from a saved file). */
function isNotRun<R extends { status: string }>(r: R | NotRun | undefined): r is NotRun | undefined {
  return !r || r.status === 'skipped' || r.status === 'unavailable';
}

function notRunView(r: NotRun | undefined): View {
  return r ? [`${r.status}: ${r.message}`] : ['not run'];
}

const RUN_COLUMNS: Array<Column & { value: (r: TrainFigures) => string }> = [
  { header: 'wall s', align: 'right', value: (r) => f1(r.wallSeconds) },
  { header: 'train s', align: 'right', value: (r) => f2(r.trainSeconds) },
  { header: 'epochs', align: 'right', value: (r) => String(r.epochs) },
  { header: 'best', align: 'right', value: (r) => String(r.bestEpoch) },
  { header: 'refit', align: 'right', value: (r) => String(r.refitEpochs) },
  { header: 's/epoch', align: 'right', value: (r) => f3(r.secondsPerEpoch) },
  { header: 'ratings/s', align: 'right', value: (r) => fmtInt(r.ratingsPerSecond) },
  { header: 'test RMSE', align: 'right', value: (r) => f4(r.testRmse) },
  { header: 'peak RSS MB', align: 'right', value: (r) => fmtMb(r.peakRssMb) },
  { header: 'load', align: 'right', value: (r) => f2(r.load1) },
];

function runRow(run: TrainRun | { status: 'skipped'; message: string }, lead: string[]): Cell[] {
  if (run.status === 'ok') return [...lead, ...RUN_COLUMNS.map((c) => c.value(run))];
  return [...lead, { span: `${run.status}${run.message ? `: ${run.message}` : ''}` }];
}

function ml100kView(r: undefined | TrainSections['ml100k']): View {
  if (isNotRun(r)) return notRunView(r);
  const lead: Column[] = [
    { header: 'configuration', align: 'left' },
    { header: 'engine', align: 'left' },
    { header: 'backend', align: 'left' },
  ];
  const rows = r.runs.map((run) => runRow(run, [run.label, run.engine, run.backend]));
  const succeeded = r.runs.filter((x): x is Ml100kRun & TrainFigures => x.status === 'ok');
  const ok = (config: string, engine: string, backend: string) =>
    succeeded.find((x) => x.config === config && x.engine === engine && x.backend === backend && !x.capped);
  const notes: string[] = [];
  const fusedWasm = ok('seed', 'fused', 'wasm');
  const autodiffWasm = ok('seed', 'autodiff', 'wasm');
  const fusedCpu = ok('seed', 'fused', 'cpu');
  const cappedCpu = succeeded.find((x) => x.config === 'seed' && x.engine === 'autodiff' && x.backend === 'cpu');
  if (fusedWasm && autodiffWasm) {
    const d = (autodiffWasm.testRmse ?? Number.NaN) - (fusedWasm.testRmse ?? Number.NaN);
    notes.push(
      `Seed recipe, fused (lazy Adam: only the rows a batch touches get a moment update) vs autodiff (dense Adam, as Keras/PyTorch) on wasm: ` +
        `test RMSE ${f4(fusedWasm.testRmse)} vs ${f4(autodiffWasm.testRmse)} (autodiff ${d >= 0 ? '+' : ''}${f4(d)}), ` +
        `${fusedWasm.epochs} vs ${autodiffWasm.epochs} epochs, ${f3(fusedWasm.secondsPerEpoch)} vs ${f3(autodiffWasm.secondsPerEpoch)} s/epoch ` +
        `(fused ${ratio(autodiffWasm.secondsPerEpoch, fusedWasm.secondsPerEpoch)} faster per epoch).`,
    );
  }
  if (cappedCpu) {
    const ref = fusedCpu ?? fusedWasm;
    notes.push(
      `autodiff on cpu is capped at ${cappedCpu.capped ?? 3} epochs (--epochs ${cappedCpu.capped ?? 3}), so its RMSE is not comparable: ` +
        `read its s/epoch, ${f2(cappedCpu.secondsPerEpoch)} s` +
        (ref
          ? ` (${ratio(cappedCpu.secondsPerEpoch, ref.secondsPerEpoch)} the fused engine's on ${ref.backend}).`
          : '.'),
    );
  }
  notes.push(
    'train s = the CLI\'s --json "seconds" (the training loop with per-epoch validation, and the refit; not reading, evaluation or writing); ' +
      'wall s = the whole process incl. Node start-up; s/epoch = train s ÷ (epochs + refit epochs); ' +
      'ratings/s = (train rows × epochs + (train + validation rows) × refit epochs) ÷ train s; ' +
      `load = 1-min load average when the run started (this benchmark's own previous run counts about 1 of it).${r.repeat > 1 ? ` Each row is the median of ${r.repeat} runs by train s.` : ''}`,
  );
  const first = succeeded[0];
  const intro = `${show(r.data)}: ${r.split}${first ? `; ${fmtInt(first.rows.train)} train, ${fmtInt(first.rows.validation)} validation, ${fmtInt(first.rows.test)} test ratings; global-mean test RMSE ${f4(first.globalMeanRmse)}` : ''}.`;
  return [intro, { columns: [...lead, ...RUN_COLUMNS], rows }, ...notes];
}

function torchView(r: undefined | TrainSections['torch']): View {
  if (isNotRun(r)) return notRunView(r);
  const columns: Column[] = [
    { header: 'implementation', align: 'left' },
    { header: 'epochs', align: 'right' },
    { header: 'train s', align: 'right' },
    { header: 's/epoch', align: 'right' },
    { header: 'ratings/s', align: 'right' },
    { header: 'test RMSE', align: 'right' },
    { header: 'peak RSS MB', align: 'right' },
    { header: 'wall s', align: 'right' },
  ];
  const rows = [];
  const t = r.torch;
  if (t.status === 'ok') {
    rows.push([
      `PyTorch ${r.torchVersion} (torch_mf.py, dense Adam, ${t.threads ?? '?'} thread${t.threads === 1 ? '' : 's'})`,
      String(t.epochs),
      f2(t.trainSeconds),
      f3(t.secondsPerEpoch),
      fmtInt(t.ratingsPerSecond),
      f4(t.testRmse),
      fmtMb(t.peakRssMb),
      f1(t.wallSeconds),
    ]);
  } else {
    rows.push([`PyTorch ${r.torchVersion}`, { span: `${t.status}: ${t.message}` }]);
  }
  for (const e of r.edgerec) {
    if (e.status !== 'ok') {
      rows.push([`edgerec seed recipe, ${e.engine} · ${e.backend}`, { span: `${e.status}: ${e.message}` }]);
      continue;
    }
    rows.push([
      `edgerec seed recipe, ${e.engine} · ${e.backend}`,
      String(e.epochs),
      f2(e.trainSeconds),
      f3(e.secondsPerEpoch),
      fmtInt(e.ratingsPerSecond),
      f4(e.testRmse),
      fmtMb(e.peakRssMb),
      f1(e.wallSeconds),
    ]);
  }
  const notes = [];
  for (const c of r.comparisons) {
    notes.push(
      `edgerec ${c.edgerec} ÷ PyTorch: ${c.totalRatio.toFixed(2)}× the training seconds, ${c.perEpochRatio.toFixed(2)}× the seconds per epoch` +
        ` (${c.totalRatio < 0.95 ? `edgerec ${(1 / c.totalRatio).toFixed(2)}× as fast in total` : c.totalRatio > 1.05 ? `PyTorch ${c.totalRatio.toFixed(2)}× as fast in total` : 'within 5% in total'}).`,
    );
  }
  notes.push(
    `Command: ${r.command}. torch_mf.py's defaults match the seed recipe (dim 32, tanh, dropout 0.0328, Adam lr 1e-3 eps 1e-7, ` +
      'patience 5, min_delta 1e-4) but: its validation split is its own (last 10% after a mulberry32 shuffle), it caps at 60 epochs ' +
      "and keeps the last epoch's weights (Keras default; edgerec restores the best epoch), and its time_s is printed to 0.1 s. " +
      "Its train s covers the epoch loop only; edgerec's includes per-epoch validation too. PyTorch ratings/s = its train rows × epochs ÷ train s.",
  );
  return [{ columns, rows }, ...notes];
}

function synthView(r: undefined | TrainSections['synth25m']): View {
  if (isNotRun(r)) return notRunView(r);
  const sh = r.shape;
  const rows = [
    [
      'shape',
      `${fmtInt(sh.users)} users × ${fmtInt(sh.items)} items, ${fmtInt(sh.ratings)} ratings (edgerec synth defaults: planted rank 8, noise 0.5, Zipf popularity 1)`,
    ],
  ];
  if (r.generate) {
    const g = r.generate;
    rows.push([
      'generate (edgerec synth)',
      `${f1(g.wallSeconds)} s wall, ${fmtMb(g.fileBytes / 2 ** 20)} MB TSV, peak RSS ${fmtMb(g.peakRssMb)} MB`,
    ]);
  }
  const t = r.train;
  if (t?.status !== 'ok') {
    rows.push(['train', `${t?.status ?? 'not run'}${t?.message ? `: ${t.message}` : ''}`]);
    if (r.message) rows.push(['error', r.message]);
  } else {
    rows.push(['train command', `edgerec train --ratings ratings.tsv ${t.args.join(' ')}`]);
    rows.push([
      'split',
      `${fmtInt(t.rows.train)} train, ${fmtInt(t.rows.validation)} validation, ${fmtInt(t.rows.test)} test (seeded 80/10/10)`,
    ]);
    rows.push([
      'train wall (whole process)',
      `${f1(t.wallSeconds)} s (${fmtMinutes(t.wallSeconds)}); of which training ${f1(t.trainSeconds)} s, reading + evaluation + writing ${f1(t.wallSeconds - t.trainSeconds)} s`,
    ]);
    rows.push([
      'epochs',
      `${t.epochs} (cap ${sh.epochs}${t.stoppedEarly ? ', stopped early' : ''}), best ${t.bestEpoch}, then refit ${t.refitEpochs} on train + validation`,
    ]);
    const spread = (xs: number[] | undefined) =>
      xs && xs.length > 0 ? `${f1(medianOf(xs))} s median (${f1(Math.min(...xs))}–${f1(Math.max(...xs))})` : 'n/a';
    rows.push([
      's/epoch',
      `${f1(t.secondsPerEpoch)} s overall; epochs ${spread(t.epochSeconds)} incl. validation; refit epochs ${spread(t.refitEpochSeconds)}`,
    ]);
    rows.push([
      'throughput',
      `${fmtInt(t.ratingsPerSecond)} ratings/s (${fmtInt(t.rowsProcessed)} rating-updates ÷ ${f1(t.trainSeconds)} s)`,
    ]);
    const floor = r.generate?.noiseFloorRmse;
    rows.push([
      'test RMSE',
      `${f4(t.testRmse)} vs noise floor ${f4(floor)} (+${f4((t.testRmse ?? Number.NaN) - (floor ?? Number.NaN))}); global-mean RMSE ${f4(t.globalMeanRmse)}`,
    ]);
    rows.push([
      'peak RSS (train)',
      `${fmtMb(t.peakRssMb)} MB — target < ${fmtInt(r.rssTargetMb)} MB: ${(t.peakRssMb ?? Number.NaN) < (r.rssTargetMb ?? Number.NaN) ? 'met' : 'MISSED'}`,
    ]);
    rows.push(['artifact', `${fmtMb(t.artifactBytes / 2 ** 20)} MB (incl. every user's seen items)`]);
    rows.push(['load at start', f2(t.load1)]);
  }
  const notes = [
    '--no-implicit: SVD++ implicit feedback costs grow with ratings per user (each step touches every item its users rated; ' +
      `here ~${Math.round(sh.ratings / sh.users)} per user on average, far more for heavy users), so the plain model is what scales to this size. ` +
      '--ranking-head none: the default also fits an iALS ranking head, whose cost at this size section 4 (ials25m) measures. ' +
      'The temporary files were deleted afterwards.',
  ];
  return [figureTable(rows), ...notes];
}

function ialsView(r: undefined | TrainSections['ials25m']): View {
  if (isNotRun(r)) return notRunView(r);
  const sh = r.shape;
  const rows = [
    [
      'shape',
      `${fmtInt(sh.users)} users × ${fmtInt(sh.items)} items, ${fmtInt(sh.ratings)} rows of edgerec synth, each an interaction (weight ignored: binary confidence)`,
    ],
  ];
  if (r.generate)
    rows.push([
      'generate (edgerec synth)',
      `${f1(r.generate.wallSeconds)} s wall, ${fmtMb(r.generate.fileBytes / 2 ** 20)} MB TSV, peak RSS ${fmtMb(r.generate.peakRssMb)} MB`,
    ]);
  const t = r.train;
  if (t?.status !== 'ok') {
    rows.push(['train', `${t?.status ?? 'not run'}${t?.message ? `: ${t.message}` : ''}`]);
    if (r.message) rows.push(['error', r.message]);
    return [figureTable(rows)];
  }
  // Set whenever the training ran.
  const target = r.targets!;
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  rows.push(['train command', `edgerec train --ratings ratings.tsv ${t.args.join(' ')}`]);
  rows.push([
    'engine',
    `${t.engine}; ${fmtInt(t.rows.train)} interactions, ${fmtInt(t.users)} users, ${fmtInt(t.items)} items`,
  ]);
  rows.push([
    'wall (whole process)',
    `${f1(t.wallSeconds)} s (${fmtMinutes(t.wallSeconds)}) — target ≤ ${fmtMinutes(target.wallSeconds)}: ${verdict(t.wallSeconds <= target.wallSeconds)}`,
  ]);
  rows.push([
    'peak RSS',
    `${fmtInt(t.peakRssMb)} MB — target ≤ ${fmtInt(target.peakRssMb)} MB: ${verdict((t.peakRssMb ?? Number.NaN) <= target.peakRssMb)}`,
  ]);
  const p = t.phases;
  const share = (x: number | undefined) => `${f1(x)} s (${((100 * (x ?? Number.NaN)) / t.wallSeconds).toFixed(0)}%)`;
  rows.push(['read the file', `${share(p.read)} incl. Node start-up`]);
  rows.push(['split, ids, seen lists', share(p.splitAndIndex)]);
  rows.push(['CSR + transpose + init', share(p.csrAndInit)]);
  const xs = t.sweeps.map((x) => x.seconds);
  rows.push([
    'sweeps',
    `${share(p.sweeps)}: ${xs.length} sweeps, ${f1(medianOf(xs))} s median (${f1(Math.min(...xs))}–${f1(Math.max(...xs))}); each = 2 Gramians + user and item row solves + the loss`,
  ]);
  rows.push(['per sweep', xs.map((x) => f1(x)).join(', ')]);
  rows.push(['final tables + Gramian', share(p.finalTables)]);
  rows.push(['threshold, popularity, serialize, write', share(p.thresholdSerializeWrite)]);
  rows.push(['loss per sweep', t.sweeps.map((x) => x.loss.toFixed(4)).join(', ')]);
  rows.push(['artifact', `${fmtMb(t.artifactBytes / 2 ** 20)} MB (incl. every user's seen items)`]);
  rows.push(['load at start', f2(t.load1)]);
  const notes = [
    "Phases are timed by when each progress line of the CLI arrives (read, training, each sweep) and the summary's training seconds; " +
      `no ranking figures: a held-out share would be ranked over all ${fmtInt(sh.items)} items for each of ${fmtInt(sh.users)} users, longer than the training. ` +
      'The temporary files are deleted at the end of the run.',
  ];
  return [figureTable(rows), ...notes];
}

/** A two-column table of figures and their values. */
function figureTable(rows: Cell[][]): Table {
  return {
    columns: [
      { header: 'figure', align: 'left' },
      { header: 'value', align: 'left' },
    ],
    rows,
  };
}
