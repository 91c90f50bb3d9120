// The runs of `pnpm bench:train`: one `edgerec train … --json` (or torch_mf.py) process each, and
// what its output says.
import { errorLine, lastLine, measured, progress, type MeasuredRun } from '@edgerec/bench-kit/process';
import { f1, f2, f4, fmtMb } from '@edgerec/bench-kit/report';
import { CLI, parseSweepLine } from './edgerec-cli.js';

/** Wall time, peak RSS and the load at the start of one process. */
export interface RunCost {
  wallSeconds: number;
  peakRssMb: number | undefined;
  load1: number;
}

/** A run that did not finish. */
export interface FailedRun extends RunCost {
  status: 'failed' | 'unavailable';
  message: string;
  exitCode?: number | null;
}

/** Train, validation and test rows of a split. */
export interface SplitRows {
  train: number;
  validation: number;
  test: number;
}

/** A finished `edgerec train` run of a rating model. */
export interface TrainFigures extends RunCost {
  status: 'ok';
  backend: string;
  engine: string;
  trainSeconds: number;
  epochs: number;
  bestEpoch: number;
  refitEpochs: number;
  stoppedEarly: boolean;
  secondsPerEpoch: number;
  rowsProcessed: number;
  ratingsPerSecond: number;
  rows: SplitRows;
  users: number;
  items: number;
  validationRmse?: number;
  testRmse?: number;
  testMae?: number;
  testColdStart?: unknown;
  globalMeanRmse?: number;
  artifactBytes: number;
  epochSeconds?: number[];
  refitEpochSeconds?: number[];
}

/** One `edgerec train` run of a rating model. */
export type TrainRun = TrainFigures | FailedRun;

/** What `edgerec train --json` prints (the fields the benchmark reads). */
interface TrainSummary {
  backend: string;
  engine: string;
  seconds: number;
  epochs: number;
  bestEpoch: number;
  refitEpochs: number;
  stoppedEarly: boolean;
  rows: SplitRows;
  users: number;
  items: number;
  bytes: number;
  validation?: { rmse: number };
  test?: { rmse: number; mae: number; coldStart?: unknown };
  globalMeanRmse?: number;
}

const costOf = (result: MeasuredRun): RunCost => ({
  wallSeconds: result.wallSeconds,
  peakRssMb: result.peakRssMb,
  load1: result.load1,
});

/** One `edgerec train … --json` in its own process; the summary plus wall time, peak RSS and rates. */
export async function trainRun(args: readonly string[], { quiet = true }: { quiet?: boolean } = {}): Promise<TrainRun> {
  const epochLines: number[] = [];
  const refitLines: number[] = [];
  const onLine = quiet
    ? undefined
    : (line: string) => {
        const epoch = line.match(/^epoch\s+\d+\/\d+ .* ([\d.]+)s$/);
        const refit = line.match(/^refit\s+\d+\/\d+ .* ([\d.]+)s$/);
        if (epoch) epochLines.push(Number(epoch[1]));
        if (refit) refitLines.push(Number(refit[1]));
        if (/^(epoch|refit|read|training on|backend|notice|refitting)/.test(line)) progress(`    │ ${line}`);
      };
  const result = await measured(process.execPath, [CLI, 'train', ...args, '--json', ...(quiet ? ['--quiet'] : [])], {
    node: true,
    ...(onLine ? { onStderrLine: onLine } : {}),
  });
  const base = costOf(result);
  if (result.code !== 0) {
    const message = errorLine(result.stderr);
    const unavailable = /backend .* (is not usable here|could not start)/.test(message);
    return { status: unavailable ? 'unavailable' : 'failed', message, exitCode: result.code, ...base };
  }
  const summary = JSON.parse(result.stdout) as TrainSummary;
  const rowsProcessed =
    summary.rows.train * summary.epochs + (summary.rows.train + summary.rows.validation) * summary.refitEpochs;
  const totalEpochs = summary.epochs + summary.refitEpochs;
  return {
    status: 'ok',
    backend: summary.backend,
    engine: summary.engine,
    trainSeconds: summary.seconds,
    epochs: summary.epochs,
    bestEpoch: summary.bestEpoch,
    refitEpochs: summary.refitEpochs,
    stoppedEarly: summary.stoppedEarly,
    secondsPerEpoch: summary.seconds / totalEpochs,
    rowsProcessed,
    ratingsPerSecond: rowsProcessed / summary.seconds,
    rows: summary.rows,
    users: summary.users,
    items: summary.items,
    validationRmse: summary.validation?.rmse,
    testRmse: summary.test?.rmse,
    testMae: summary.test?.mae,
    testColdStart: summary.test?.coldStart,
    globalMeanRmse: summary.globalMeanRmse,
    artifactBytes: summary.bytes,
    ...(epochLines.length > 0 ? { epochSeconds: epochLines } : {}),
    ...(refitLines.length > 0 ? { refitEpochSeconds: refitLines } : {}),
    ...base,
  };
}

/** One iALS sweep as the ials25m section records it: when its progress line arrived, in seconds since the start. */
export interface TimedSweep {
  n: number;
  loss: number;
  seconds: number;
  at: number;
  refit: boolean;
}

/** Where the time of an iALS run went, in seconds. */
export interface IalsPhases {
  read: number | undefined;
  splitAndIndex: number;
  csrAndInit: number | undefined;
  sweeps: number;
  finalTables: number;
  thresholdSerializeWrite: number;
}

/** A finished iALS run. */
export interface IalsFigures extends RunCost {
  status: 'ok';
  engine: string;
  trainSeconds: number;
  rows: SplitRows;
  users: number;
  items: number;
  artifactBytes: number;
  sweeps: TimedSweep[];
  phases: IalsPhases;
}

/** One `edgerec train --objective interaction` run. */
export type IalsRun = IalsFigures | (FailedRun & { sweeps: TimedSweep[] });

/** `edgerec train --objective interaction … --json`, with the time each progress line arrived, split into phases. */
export async function ialsRun(args: readonly string[]): Promise<IalsRun> {
  const marks: { read?: number; training?: number } = {};
  const sweeps: TimedSweep[] = [];
  const result = await measured(process.execPath, [CLI, 'train', ...args, '--json'], {
    node: true,
    onStderrLine: (line, at) => {
      const sweep = parseSweepLine(line);
      if (sweep)
        sweeps.push({ n: sweep.n, loss: sweep.loss, seconds: sweep.seconds, at, refit: sweep.phase === 'refit' });
      else if (/^read /.test(line)) marks.read = at;
      else if (/^training /.test(line)) marks.training = at;
      if (/^(read|training|notice|(refit )?sweep)/.test(line)) progress(`    │ ${line}`);
    },
  });
  const base = costOf(result);
  if (result.code !== 0) {
    return { status: 'failed', message: errorLine(result.stderr), exitCode: result.code, sweeps, ...base };
  }
  const summary = JSON.parse(result.stdout) as TrainSummary;
  const read = marks.read ?? Number.NaN;
  const training = marks.training ?? Number.NaN;
  const sweepSeconds = sweeps.reduce((a, s) => a + s.seconds, 0);
  const first = sweeps[0];
  const lastSweepAt = sweeps.at(-1)?.at ?? training;
  // fitInteractionHead starts right after the "training …" line and its seconds end after the last sweep's wrap-up.
  const phases: IalsPhases = {
    read: marks.read,
    splitAndIndex: training - read,
    csrAndInit: first ? first.at - training - first.seconds : undefined,
    sweeps: sweepSeconds,
    finalTables: summary.seconds - (lastSweepAt - training),
    thresholdSerializeWrite: result.wallSeconds - (training + summary.seconds),
  };
  return {
    status: 'ok',
    engine: summary.engine,
    trainSeconds: summary.seconds,
    rows: summary.rows,
    users: summary.users,
    items: summary.items,
    artifactBytes: summary.bytes,
    sweeps,
    phases,
    ...base,
  };
}

/** A finished torch_mf.py run. */
export interface TorchFigures extends RunCost {
  status: 'ok';
  testRmse: number;
  testRmseClipped: number | undefined;
  trainSeconds: number;
  epochs: number;
  secondsPerEpoch: number;
  threads: number | undefined;
  trainRows: number | undefined;
  ratingsPerSecond: number | undefined;
  scriptPeakRssMb: number | undefined;
}

/** One torch_mf.py run. */
export type TorchRun = TorchFigures | FailedRun;

/** torch_mf.py's result from its output: the last `RMSE … time_s … epochs …` line, its summary and header. */
export function parseTorch(result: MeasuredRun): TorchRun {
  const scriptRss = Number(result.stdout.match(/peak_rss_mb=(\d+)/)?.[1]);
  // Without GNU time, fall back on the peak RSS the script reports itself (getrusage ru_maxrss).
  const peakRssMb = result.peakRssMb ?? (Number.isFinite(scriptRss) ? scriptRss : undefined);
  const base = { wallSeconds: result.wallSeconds, peakRssMb, load1: result.load1 };
  const last = result.stdout.match(/^RMSE (\S+) time_s (\S+) epochs (\d+)\s*$/m);
  if (result.code !== 0 || !last) {
    return {
      status: 'failed',
      message: `torch_mf.py exited with ${result.code}: ${lastLine(result.stderr) || lastLine(result.stdout)}`,
      ...base,
    };
  }
  const summary = result.stdout.match(/^# summary .*$/m)?.[0] ?? '';
  const field = (name: string) => summary.match(new RegExp(`${name}=(\\S+)`))?.[1];
  const header = result.stderr.match(/^# torch (\S+) threads=(\d+) train=(\d+)/m);
  const epochs = Number(last[3]);
  const trainSeconds = Number(last[2]);
  const secondsPerEpoch = field('s_per_epoch') !== undefined ? Number(field('s_per_epoch')) : trainSeconds / epochs;
  return {
    status: 'ok',
    testRmse: Number(last[1]),
    testRmseClipped: field('rmse_clipped') !== undefined ? Number(field('rmse_clipped')) : undefined,
    trainSeconds,
    epochs,
    secondsPerEpoch,
    threads: header ? Number(header[2]) : undefined,
    trainRows: header ? Number(header[3]) : undefined,
    ratingsPerSecond: header ? (Number(header[3]) * epochs) / trainSeconds : undefined,
    ...base,
    scriptPeakRssMb: Number.isFinite(scriptRss) ? scriptRss : undefined,
  };
}

/** A run in one progress line. */
export function describeRun(run: TrainRun): string {
  if (run.status !== 'ok') return `${run.status}: ${run.message}`;
  return (
    `${run.engine}/${run.backend}: ${f2(run.trainSeconds)} s train (${f1(run.wallSeconds)} s wall), ${run.epochs} epochs` +
    `${run.refitEpochs ? ` + ${run.refitEpochs} refit` : ''}, test RMSE ${f4(run.testRmse)}, peak RSS ${fmtMb(run.peakRssMb)} MB`
  );
}
