// Sections 1 and 2 of `pnpm bench:train`: MovieLens 100K u1.base -> u1.test on each engine and
// backend, and PyTorch's torch_mf.py side by side on the same files.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastLine, measured, progress, show, tempDir } from '@edgerec/bench-kit/process';
import { f1, f4 } from '@edgerec/bench-kit/report';
import type { TrainBenchOptions } from './train-options.js';
import { describeRun, parseTorch, trainRun, type TorchRun, type TrainFigures, type TrainRun } from './train-runs.js';

const SEED_RECIPE_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'configs', 'seed-recipe.json');

/** A section that did not run, and why. */
export interface NotRun {
  status: 'skipped' | 'unavailable';
  message: string;
}

/** Which configuration a run is. */
interface RunPlan {
  config: string;
  label: string;
  engine: string;
  backend: string;
  args?: string[];
  capped?: number;
  probe?: boolean;
  skipped?: string;
}

/** A configuration as the results record names it. */
export interface RunLabel {
  config: string;
  label: string;
  engine: string;
  backend: string;
  args: string[] | undefined;
  capped?: number;
}

/** One row of the ML-100K table. */
export type Ml100kRun = RunLabel & (TrainRun | { status: 'skipped'; message: string }) & { repeats?: number[] };

/** Section 1's record. */
export interface Ml100kResult {
  status: 'ran';
  data: string;
  split: string;
  repeat: number;
  runs: Ml100kRun[];
}

interface Ml100kFiles {
  base: string;
  test: string;
  user: string;
  item: string;
  missing: string[];
}

function ml100kFiles(dir: string): Ml100kFiles {
  const f = (name: string) => join(dir, name);
  const missing = ['u1.base', 'u1.test'].filter((name) => !existsSync(f(name)));
  return { base: f('u1.base'), test: f('u1.test'), user: f('u.user'), item: f('u.item'), missing };
}

function ml100kAbsent(files: Ml100kFiles, dir: string): string {
  return (
    `MovieLens 100K not found: ${files.missing.join(' and ')} missing in ${dir}. ` +
    'Point the benchmark at it with --ml100k DIR or EDGEREC_ML100K=DIR (default .data/ml-100k in the repo, ' +
    'which git ignores); MovieLens may not be redistributed, so it is not in the repository.'
  );
}

/** One `edgerec train` on u1.base, scored on u1.test, its artifact written into `dir`. */
function trainOnU1(files: Ml100kFiles, dir: string, args: readonly string[]): Promise<TrainRun> {
  return trainRun(['--ratings', files.base, '--test', files.test, '--out', join(dir, 'model.json'), ...args]);
}

/** The ML-100K runs: seed recipe on each engine × backend, then the other configurations on fused × wasm/cpu. */
function ml100kPlan(files: Ml100kFiles, dir: string): RunPlan[] {
  const seed = ['--config', SEED_RECIPE_FILE];
  const plan: RunPlan[] = [];
  const add = (
    config: string,
    label: string,
    engine: string,
    backend: string,
    args: string[],
    extra: Partial<RunPlan> = {},
  ) =>
    plan.push({
      config,
      label,
      engine,
      backend,
      args: [...args, ...(engine ? ['--engine', engine] : []), '--backend', backend],
      ...extra,
    });
  add('seed', 'seed recipe', 'fused', 'wasm', seed);
  add('seed', 'seed recipe', 'fused', 'cpu', seed);
  add('seed', 'seed recipe', 'autodiff', 'wasm', seed);
  add('seed', 'seed recipe, capped: --epochs 3', 'autodiff', 'cpu', [...seed, '--epochs', '3'], { capped: 3 });
  add('seed', 'seed recipe', 'autodiff', 'tensorflow', seed, { probe: true }); // the fused kernel has no tfjs-node version
  for (const backend of ['wasm', 'cpu'])
    add('plain', 'plain MF: defaults --no-implicit', 'fused', backend, ['--no-implicit']);
  for (const backend of ['wasm', 'cpu']) add('defaults', 'defaults (SVD++ implicit + refit)', 'fused', backend, []);
  const side = existsSync(files.user) && existsSync(files.item);
  for (const backend of ['wasm', 'cpu']) {
    if (side)
      add('side', 'defaults + side features (u.user, u.item)', 'fused', backend, [
        '--user-features',
        files.user,
        '--item-features',
        files.item,
      ]);
    else
      plan.push({
        config: 'side',
        label: 'defaults + side features',
        engine: 'fused',
        backend,
        skipped: `u.user or u.item missing in ${dir}`,
      });
  }
  return plan;
}

/** Section 1: every planned configuration, `--repeat` times each (the median kept). */
export async function ml100kSection(options: TrainBenchOptions): Promise<Ml100kResult | NotRun> {
  const { ml100kDir, repeat } = options;
  const files = ml100kFiles(ml100kDir);
  if (files.missing.length > 0) {
    progress(ml100kAbsent(files, ml100kDir));
    return { status: 'skipped', message: ml100kAbsent(files, ml100kDir) };
  }
  const work = await tempDir('edgerec-bench-ml100k-');
  const runs: Ml100kRun[] = [];
  try {
    const plan = ml100kPlan(files, ml100kDir);
    for (const [index, item] of plan.entries()) {
      const name = `${item.label} · ${item.engine ?? 'auto'} · ${item.backend}`;
      if (item.skipped) {
        runs.push({ ...pick(item), status: 'skipped', message: item.skipped });
        continue;
      }
      const attempts: TrainRun[] = [];
      for (let r = 0; r < (item.probe ? 1 : repeat); r++) {
        progress(`[${index + 1}/${plan.length}${repeat > 1 && !item.probe ? ` run ${r + 1}/${repeat}` : ''}] ${name}`);
        const run = await trainOnU1(files, work.path, item.args ?? []);
        attempts.push(run);
        progress(`    ${describeRun(run)}`);
        if (run.status !== 'ok') break;
      }
      runs.push({
        ...pick(item),
        ...median(attempts),
        ...(attempts.length > 1 ? { repeats: attempts.map((a) => (a as TrainFigures).trainSeconds) } : {}),
      });
    }
  } finally {
    await work.remove();
  }
  return {
    status: 'ran',
    data: ml100kDir,
    split: 'u1.base -> u1.test (u1.base split 90/10 into train/validation)',
    repeat,
    runs,
  };
}

function pick(item: RunPlan): RunLabel {
  return {
    config: item.config,
    label: item.label,
    engine: item.engine ?? 'auto',
    backend: item.backend,
    args: item.args?.map((a) => (a.startsWith('/') ? show(a) : a)),
    ...(item.capped ? { capped: item.capped } : {}),
  };
}

/** Of several runs of one configuration, the one with the median training seconds. */
function median(runs: TrainRun[]): TrainRun {
  const ok = runs.filter((r): r is TrainFigures => r.status === 'ok');
  if (ok.length === 0) return runs[runs.length - 1]!;
  return [...ok].sort((a, b) => a.trainSeconds - b.trainSeconds)[Math.floor((ok.length - 1) / 2)]!;
}

/** edgerec ÷ PyTorch for one edgerec run. */
export interface TorchComparison {
  edgerec: string;
  totalRatio: number;
  perEpochRatio: number;
}

/** An edgerec run next to PyTorch's. */
export type EdgerecSeedRun = Partial<RunLabel> & TrainRun;

/** Section 2's record. */
export interface TorchResult {
  status: 'ran' | 'failed';
  torchVersion: string;
  script: string;
  command: string;
  torch: TorchRun;
  edgerec: EdgerecSeedRun[];
  comparisons: TorchComparison[];
}

/** Section 2: torch_mf.py on u1.base/u1.test next to section 1's seed-recipe runs (or one of its own). */
export async function torchSection(
  options: TrainBenchOptions,
  ml100k: Ml100kResult | NotRun | undefined,
): Promise<TorchResult | NotRun | { status: 'unavailable'; message: string; torchVersion: string }> {
  const { python, torchScript } = options;
  const files = ml100kFiles(options.ml100kDir);
  if (files.missing.length > 0) return { status: 'skipped', message: ml100kAbsent(files, options.ml100kDir) };
  const probe = spawnSync(python, ['-c', 'import torch, sys; sys.stdout.write(torch.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) {
    const why = probe.error ? probe.error.message : lastLine(probe.stderr);
    const message = `${python} -c "import torch" failed (${why}); on Debian: apt-get install -y python3-torch.`;
    progress(message);
    return { status: 'unavailable', message };
  }
  if (!existsSync(torchScript)) {
    const message = `PyTorch peer script not found at ${torchScript}; set --torch-script FILE or EDGEREC_TORCH_MF.`;
    progress(message);
    return { status: 'unavailable', message, torchVersion: probe.stdout };
  }

  // edgerec's side: reuse the ML-100K section's seed-recipe runs, or run the fused one here.
  const previous = ml100k?.status === 'ran' ? ml100k.runs : [];
  const edgerec = previous.filter(
    (r): r is RunLabel & TrainFigures => r.config === 'seed' && r.status === 'ok' && !r.capped,
  ) as EdgerecSeedRun[];
  if (edgerec.length === 0) {
    const work = await tempDir('edgerec-bench-torch-');
    try {
      progress('edgerec seed recipe · fused · wasm (for the comparison)');
      const args = ['--config', SEED_RECIPE_FILE, '--engine', 'fused', '--backend', 'wasm'];
      const run = await trainOnU1(files, work.path, args);
      progress(`    ${describeRun(run)}`);
      edgerec.push({ config: 'seed', label: 'seed recipe', engine: 'fused', backend: 'wasm', ...run });
    } finally {
      await work.remove();
    }
  }

  const args = [torchScript, '--train', files.base, '--test', files.test, '--batch', '1024', '--quiet'];
  const command = `${python} ${args.map((a) => (a.startsWith('/') ? show(a) : a)).join(' ')}`;
  progress(command);
  const torch = parseTorch(await measured(python, args));
  progress(
    `    ${torch.status === 'ok' ? `RMSE ${f4(torch.testRmse)}, ${f1(torch.trainSeconds)} s, ${torch.epochs} epochs` : torch.message}`,
  );

  const comparisons: TorchComparison[] = [];
  if (torch.status === 'ok') {
    for (const run of edgerec) {
      if (run.status !== 'ok') continue;
      comparisons.push({
        edgerec: `${run.engine} · ${run.backend}`,
        totalRatio: run.trainSeconds / torch.trainSeconds,
        perEpochRatio: run.secondsPerEpoch / torch.secondsPerEpoch,
      });
    }
  }
  return {
    status: torch.status === 'ok' ? 'ran' : 'failed',
    torchVersion: probe.stdout,
    script: torchScript,
    command,
    torch,
    edgerec: edgerec.map((r) => ({ ...r })),
    comparisons,
  };
}
