// Sections 3 and 4 of `pnpm bench:train`: a synthetic file shaped like ML-25M (generated once per
// run into a temp dir), trained as a plain rating model (synth25m) and with the default iALS
// recipe (ials25m).
import { rm, stat } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { lastLine, measured, progress, tempDir, type TempDir } from '@edgerec/bench-kit/process';
import { f1, fmtMb } from '@edgerec/bench-kit/report';
import { CLI } from './edgerec-cli.js';
import type { SynthShape, TrainBenchOptions } from './train-options.js';
import { describeRun, ialsRun, trainRun, type IalsRun, type TrainRun } from './train-runs.js';

const RSS_TARGET_MB = 6144;
/** The 25M-shaped iALS run's targets on 2 cores. */
const IALS_TARGETS = { wallSeconds: 15 * 60, peakRssMb: 4096 };

/** What `edgerec synth` cost and what it says a perfect model would score. */
export interface Generated {
  wallSeconds: number;
  peakRssMb: number | undefined;
  fileBytes: number;
  noiseFloorRmse: number | undefined;
  globalMeanRmse: number | undefined;
  load1: number;
}

type Synthetic = { work: TempDir; failure: string } | { work: TempDir; ratingsFile: string; generate: Generated };

/** Section 3's record. */
export interface SynthResult {
  status: 'ran' | 'failed';
  shape: SynthShape;
  message?: string;
  generate?: Generated;
  train?: TrainRun & { args: string[] };
  rssTargetMb?: number;
}

/** Section 4's record. */
export interface IalsResult {
  status: 'ran' | 'failed';
  shape: SynthShape;
  message?: string;
  generate?: Generated;
  train?: IalsRun & { args: string[] };
  targets?: typeof IALS_TARGETS;
}

/** The synthetic file synth25m and ials25m train on: generated at most once, removed by {@link removeSynthetic}. */
export class SyntheticRatings {
  private file: Promise<Synthetic> | undefined;

  constructor(private readonly options: TrainBenchOptions) {}

  /** The file, generated on the first call. */
  get(): Promise<Synthetic> {
    this.file ??= this.generate();
    return this.file;
  }

  /** Removes the file's temp dir, if it was made. */
  async remove(): Promise<void> {
    if (!this.file) return;
    const { work } = await this.file;
    await work.remove();
    progress(`removed ${work.path}`);
  }

  private async generate(): Promise<Synthetic> {
    const { tmp, synthShape } = this.options;
    const work = await tempDir('edgerec-bench-synth-', tmp ? resolve(tmp) : os.tmpdir());
    const ratingsFile = join(work.path, 'ratings.tsv');
    const synthArgs = [
      'synth',
      '--users',
      String(synthShape.users),
      '--items',
      String(synthShape.items),
      '--ratings',
      String(synthShape.ratings),
      '--out',
      ratingsFile,
    ];
    progress(`edgerec ${synthArgs.join(' ')}`);
    const gen = await measured(process.execPath, [CLI, ...synthArgs], { node: true });
    if (gen.code !== 0) {
      const failure = `edgerec synth failed (exit ${gen.code}): ${lastLine(gen.stderr)}`;
      progress(failure);
      return { work, failure };
    }
    const floor = gen.stdout.match(/noise-floor RMSE (\S+), global-mean RMSE (\S+)/);
    const generate: Generated = {
      wallSeconds: gen.wallSeconds,
      peakRssMb: gen.peakRssMb,
      fileBytes: (await stat(ratingsFile)).size,
      noiseFloorRmse: floor ? Number(floor[1]) : undefined,
      globalMeanRmse: floor ? Number(floor[2]) : undefined,
      load1: gen.load1,
    };
    progress(
      `    ${f1(generate.wallSeconds)} s, ${fmtMb(generate.fileBytes / 2 ** 20)} MB file, peak RSS ${fmtMb(generate.peakRssMb)} MB`,
    );
    return { work, ratingsFile, generate };
  }
}

/** Section 3: the plain rating model (--no-implicit, fused, wasm, no ranking head) on the synthetic file. */
export async function synthSection(options: TrainBenchOptions, synthetic: SyntheticRatings): Promise<SynthResult> {
  const shape = { ...options.synthShape };
  const data = await synthetic.get();
  if ('failure' in data) return { status: 'failed', message: data.failure, shape };
  const trainArgs = [
    '--ratings',
    data.ratingsFile,
    '--out',
    join(data.work.path, 'model.json'),
    '--no-implicit',
    '--epochs',
    String(shape.epochs),
    '--engine',
    'fused',
    '--backend',
    'wasm',
    '--ranking-head',
    'none',
  ];
  progress(`edgerec train ${trainArgs.join(' ')} --json   (progress below)`);
  const run = await trainRun(trainArgs, { quiet: false });
  progress(`    ${describeRun(run)}`);
  await rm(join(data.work.path, 'model.json'), { force: true });
  return {
    status: run.status === 'ok' ? 'ran' : 'failed',
    shape,
    generate: data.generate,
    train: { ...run, args: [...trainArgs.slice(4)] },
    rssTargetMb: RSS_TARGET_MB,
  };
}

/**
 * Section 4: the default interaction recipe (iALS) on the synthetic file, every row an
 * interaction, with no validation or test share: ranking a held-out share would score 60,000
 * items for each of 160,000 users, longer than the training. Times each phase from when its
 * progress line arrives.
 */
export async function ialsSection(options: TrainBenchOptions, synthetic: SyntheticRatings): Promise<IalsResult> {
  const shape = { ...options.synthShape };
  const data = await synthetic.get();
  if ('failure' in data) return { status: 'failed', message: data.failure, shape };
  const artifact = join(data.work.path, 'ials-model.json');
  const trainArgs = [
    '--ratings',
    data.ratingsFile,
    '--out',
    artifact,
    '--objective',
    'interaction',
    '--validation',
    '0',
    '--test-fraction',
    '0',
  ];
  progress(`edgerec train ${trainArgs.join(' ')} --json   (progress below)`);
  const run = await ialsRun(trainArgs);
  progress(
    `    ${run.status === 'ok' ? `${f1(run.wallSeconds)} s wall, ${run.sweeps.length} sweeps, peak RSS ${fmtMb(run.peakRssMb)} MB` : `${run.status}: ${run.message}`}`,
  );
  await rm(artifact, { force: true });
  return {
    status: run.status === 'ok' ? 'ran' : 'failed',
    shape,
    generate: data.generate,
    train: { ...run, args: [...trainArgs.slice(4)] },
    targets: IALS_TARGETS,
  };
}
