#!/usr/bin/env node
// `pnpm bench:train`: training-speed and accuracy figures for `edgerec train` (a benchmark, not a test).
// Every run is a separate `node apps/trainer/dist/cli.js train … --json` process, one after another,
// so each has its own clean peak-RSS figure. See apps/trainer/bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  cleanUpOnInterrupt,
  CLI,
  DEFAULT_PEERS_DIR,
  lastLine,
  measured,
  progress,
  REPO,
  show,
  tempDir,
} from './process-runner.mjs';
import { finishResults, loadSavedResults, startResults, usageFailure } from './bench-results.mjs';
import {
  f1,
  f2,
  f3,
  f4,
  fmtInt,
  fmtLoad,
  fmtMb,
  fmtMinutes,
  hostLines,
  medianOf,
  ratio,
  section,
} from './report-tables.mjs';

const fail = usageFailure('bench:train');

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const SEED_RECIPE_FILE = join(BENCH_DIR, '..', 'configs', 'seed-recipe.json');
const DEFAULT_TORCH_SCRIPT = join(DEFAULT_PEERS_DIR, 'torch_mf.py');
const RSS_TARGET_MB = 6144;
/** The 25M-shaped iALS run's targets on 2 cores. */
const IALS_TARGETS = { wallSeconds: 15 * 60, peakRssMb: 4096 };

const SECTIONS = ['ml100k', 'torch', 'synth25m', 'ials25m'];
const DEFAULT_SECTIONS = ['ml100k', 'torch'];
const SKIPPED = {
  synth25m: 'not selected (add --all, or --only …,synth25m; takes about 30 min)',
  ials25m: 'not selected (add --all, or --only …,ials25m; takes about 15–20 min)',
};

const USAGE = `usage: pnpm bench:train [options]      (or: node apps/trainer/bench/train-bench.mjs [options])

Sections (run in this order, one process at a time):
  ml100k     MovieLens 100K u1.base -> u1.test: seed recipe on fused/autodiff x wasm/cpu, plain MF,
             the defaults (SVD++ + refit), the defaults + side features; tfjs-node if it loads
  torch      ../shared/peers/torch_mf.py (PyTorch) on the same split, next to edgerec's seed recipe
  synth25m   a synthetic set shaped like ML-25M (160,000 x 60,000, 25M ratings) generated into a temp
             dir, trained with --no-implicit --epochs 8 (about 30 min; not run by default)
  ials25m    the same file trained with the default interaction recipe (iALS, every row an interaction,
             --validation 0 --test-fraction 0): wall time, peak RSS and where the time goes against
             targets of 15 min and 4 GB (about 15-20 min; not run by default)

Options:
  --only LIST           comma-separated sections (default: ${DEFAULT_SECTIONS.join(',')}); e.g. --only ml100k,synth25m
  --all                 every section, including synth25m and ials25m (about 50 min)
  --ml100k DIR          MovieLens 100K directory (env EDGEREC_ML100K; default .data/ml-100k in the repo)
  --repeat N            ML-100K: run each configuration N times and keep the median (default 1)
  --python FILE         Python with torch (default /usr/bin/python3)
  --torch-script FILE   the PyTorch peer (env EDGEREC_TORCH_MF; default ${DEFAULT_TORCH_SCRIPT})
  --synth-users N       synth25m and ials25m shape (default 160000)
  --synth-items N       (default 60000)
  --synth-ratings N     (default 25000000)
  --synth-epochs N      epoch cap for synth25m (default 8)
  --tmp DIR             where synth25m and ials25m write their temporary files (default: the OS temp dir)
  --json                print the results as JSON instead of tables
  --markdown            print Markdown tables (for the README) instead of plain tables
  --save FILE           also write the JSON results to FILE
  --from FILE           do not run anything: print the results saved with --save (as tables, --json or --markdown)
  -h, --help            this text

Progress goes to stderr; the results go to stdout.`;

// ─── options ──────────────────────────────────────────────────────────────────────────────────

const { values: flags } = parseArgs({
  options: {
    only: { type: 'string' },
    all: { type: 'boolean', default: false },
    ml100k: { type: 'string' },
    repeat: { type: 'string', default: '1' },
    python: { type: 'string', default: '/usr/bin/python3' },
    'torch-script': { type: 'string' },
    'synth-users': { type: 'string', default: '160000' },
    'synth-items': { type: 'string', default: '60000' },
    'synth-ratings': { type: 'string', default: '25000000' },
    'synth-epochs': { type: 'string', default: '8' },
    tmp: { type: 'string' },
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
const repeat = integer('repeat', flags.repeat, 1);
const synthShape = {
  users: integer('synth-users', flags['synth-users'], 1),
  items: integer('synth-items', flags['synth-items'], 1),
  ratings: integer('synth-ratings', flags['synth-ratings'], 1),
  epochs: integer('synth-epochs', flags['synth-epochs'], 1),
};
const selected = flags.all
  ? SECTIONS
  : (flags.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? DEFAULT_SECTIONS);
for (const section of selected) {
  if (!SECTIONS.includes(section)) fail(`unknown section "${section}" in --only; sections: ${SECTIONS.join(', ')}`);
}
const ml100kDir = resolve(REPO, flags.ml100k ?? process.env.EDGEREC_ML100K ?? '.data/ml-100k');
const torchScript = resolve(flags['torch-script'] ?? process.env.EDGEREC_TORCH_MF ?? DEFAULT_TORCH_SCRIPT);

// ─── main ─────────────────────────────────────────────────────────────────────────────────────

cleanUpOnInterrupt();

async function runBenchmark() {
  if (!existsSync(CLI)) fail(`${CLI} does not exist: build first (pnpm bench:train builds; or pnpm build)`);
  const results = startResults('edgerec train');
  progress(
    `edgerec training benchmark: sections ${selected.join(', ')}; load average ${fmtLoad(results.loadAverageStart)}`,
  );
  try {
    for (const section of SECTIONS) {
      if (!selected.includes(section)) {
        results.sections[section] = { status: 'skipped', message: SKIPPED[section] ?? 'not selected' };
        continue;
      }
      progress(`\n== ${section} ==`);
      if (section === 'ml100k') results.sections.ml100k = await ml100kSection();
      if (section === 'torch') results.sections.torch = await torchSection(results.sections.ml100k);
      if (section === 'synth25m') results.sections.synth25m = await synthSection();
      if (section === 'ials25m') results.sections.ials25m = await ialsSection();
    }
  } finally {
    await removeSynthetic();
  }
  return finishResults(results);
}

// ─── section 1: MovieLens 100K ────────────────────────────────────────────────────────────────

function ml100kFiles() {
  const f = (name) => join(ml100kDir, name);
  const missing = ['u1.base', 'u1.test'].filter((name) => !existsSync(f(name)));
  return { base: f('u1.base'), test: f('u1.test'), user: f('u.user'), item: f('u.item'), missing };
}

function ml100kAbsent(files) {
  return (
    `MovieLens 100K not found: ${files.missing.join(' and ')} missing in ${ml100kDir}. ` +
    'Point the benchmark at it with --ml100k DIR or EDGEREC_ML100K=DIR (default .data/ml-100k in the repo, ' +
    'which git ignores); MovieLens may not be redistributed, so it is not in the repository.'
  );
}

/** The ML-100K runs: seed recipe on each engine × backend, then the other configurations on fused × wasm/cpu. */
function ml100kPlan(files) {
  const seed = ['--config', SEED_RECIPE_FILE];
  const plan = [];
  const add = (config, label, engine, backend, args, extra = {}) =>
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
        skipped: `u.user or u.item missing in ${ml100kDir}`,
      });
  }
  return plan;
}

async function ml100kSection() {
  const files = ml100kFiles();
  if (files.missing.length > 0) {
    progress(ml100kAbsent(files));
    return { status: 'skipped', message: ml100kAbsent(files) };
  }
  const work = await tempDir('edgerec-bench-ml100k-');
  const runs = [];
  try {
    const plan = ml100kPlan(files);
    for (const [index, item] of plan.entries()) {
      const name = `${item.label} · ${item.engine ?? 'auto'} · ${item.backend}`;
      if (item.skipped) {
        runs.push({ ...pick(item), status: 'skipped', message: item.skipped });
        continue;
      }
      const attempts = [];
      for (let r = 0; r < (item.probe ? 1 : repeat); r++) {
        progress(`[${index + 1}/${plan.length}${repeat > 1 && !item.probe ? ` run ${r + 1}/${repeat}` : ''}] ${name}`);
        const run = await trainRun([
          '--ratings',
          files.base,
          '--test',
          files.test,
          '--out',
          join(work.path, 'model.json'),
          ...item.args,
        ]);
        attempts.push(run);
        progress(`    ${describeRun(run)}`);
        if (run.status !== 'ok') break;
      }
      runs.push({
        ...pick(item),
        ...median(attempts),
        ...(attempts.length > 1 ? { repeats: attempts.map((a) => a.trainSeconds) } : {}),
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

function pick(item) {
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
function median(runs) {
  const ok = runs.filter((r) => r.status === 'ok');
  if (ok.length === 0) return runs[runs.length - 1];
  return [...ok].sort((a, b) => a.trainSeconds - b.trainSeconds)[Math.floor((ok.length - 1) / 2)];
}

// ─── section 2: PyTorch side by side ─────────────────────────────────────────────────────────

async function torchSection(ml100k) {
  const files = ml100kFiles();
  if (files.missing.length > 0) return { status: 'skipped', message: ml100kAbsent(files) };
  const probe = spawnSync(flags.python, ['-c', 'import torch, sys; sys.stdout.write(torch.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) {
    const why = probe.error ? probe.error.message : lastLine(probe.stderr);
    const message = `${flags.python} -c "import torch" failed (${why}); on Debian: apt-get install -y python3-torch.`;
    progress(message);
    return { status: 'unavailable', message };
  }
  if (!existsSync(torchScript)) {
    const message = `PyTorch peer script not found at ${torchScript}; set --torch-script FILE or EDGEREC_TORCH_MF.`;
    progress(message);
    return { status: 'unavailable', message, torchVersion: probe.stdout };
  }

  // edgerec's side: reuse the ML-100K section's seed-recipe runs, or run the fused one here.
  const seedRuns = (ml100k?.runs ?? []).filter((r) => r.config === 'seed' && r.status === 'ok' && !r.capped);
  const edgerec = seedRuns.length > 0 ? seedRuns : [];
  if (edgerec.length === 0) {
    const work = await tempDir('edgerec-bench-torch-');
    try {
      progress('edgerec seed recipe · fused · wasm (for the comparison)');
      const args = ['--config', SEED_RECIPE_FILE, '--engine', 'fused', '--backend', 'wasm'];
      const run = await trainRun([
        '--ratings',
        files.base,
        '--test',
        files.test,
        '--out',
        join(work.path, 'model.json'),
        ...args,
      ]);
      progress(`    ${describeRun(run)}`);
      edgerec.push({ config: 'seed', label: 'seed recipe', engine: 'fused', backend: 'wasm', ...run });
    } finally {
      await work.remove();
    }
  }

  const args = [torchScript, '--train', files.base, '--test', files.test, '--batch', '1024', '--quiet'];
  progress(`${flags.python} ${args.map((a) => (a.startsWith('/') ? show(a) : a)).join(' ')}`);
  const result = await measured(flags.python, args);
  const torch = parseTorch(result);
  progress(
    `    ${torch.status === 'ok' ? `RMSE ${f4(torch.testRmse)}, ${f1(torch.trainSeconds)} s, ${torch.epochs} epochs` : torch.message}`,
  );

  const comparisons = [];
  if (torch.status === 'ok') {
    for (const run of edgerec) {
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
    command: `${flags.python} ${args.map((a) => (a.startsWith('/') ? show(a) : a)).join(' ')}`,
    torch,
    edgerec: edgerec.map((r) => ({ ...r })),
    comparisons,
  };
}

function parseTorch(result) {
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
  const field = (name) => summary.match(new RegExp(`${name}=(\\S+)`))?.[1];
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

// ─── sections 3 and 4: synthetic, shaped like ML-25M ─────────────────────────────────────────

/** The synthetic file synth25m and ials25m train on: generated once per run, deleted at its end. */
let synthetic;
function syntheticRatings() {
  synthetic ??= generateSynthetic();
  return synthetic;
}

async function generateSynthetic() {
  const base = flags.tmp ? resolve(flags.tmp) : os.tmpdir();
  const work = await tempDir('edgerec-bench-synth-', base);
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
  const generate = {
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

async function removeSynthetic() {
  if (!synthetic) return;
  const { work } = await synthetic;
  await work.remove();
  progress(`removed ${work.path}`);
}

async function synthSection() {
  const shape = { ...synthShape };
  const data = await syntheticRatings();
  if (data.failure) return { status: 'failed', message: data.failure, shape };
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
 * The default interaction recipe (iALS) on the synthetic file, every row an interaction, with
 * no validation or test share: ranking a held-out share would score 60,000 items for each of
 * 160,000 users, longer than the training. Times each phase from when its progress line arrives.
 */
async function ialsSection() {
  const shape = { ...synthShape };
  const data = await syntheticRatings();
  if (data.failure) return { status: 'failed', message: data.failure, shape };
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

const SWEEP_LINE = /^(refit )?sweep\s+(\d+)\s+loss (\S+)(?:\s+val NDCG@10 (\S+))?\s+([\d.]+)s$/;

/** `edgerec train --objective interaction … --json`, with the time each progress line arrived, split into phases. */
async function ialsRun(args) {
  const marks = {};
  const sweeps = [];
  const result = await measured(process.execPath, [CLI, 'train', ...args, '--json'], {
    node: true,
    onStderrLine: (line, at) => {
      const sweep = line.match(SWEEP_LINE);
      if (sweep)
        sweeps.push({
          n: Number(sweep[2]),
          loss: Number(sweep[3]),
          seconds: Number(sweep[5]),
          at,
          refit: Boolean(sweep[1]),
        });
      else if (/^read /.test(line)) marks.read = at;
      else if (/^training /.test(line)) marks.training = at;
      if (/^(read|training|notice|(refit )?sweep)/.test(line)) progress(`    │ ${line}`);
    },
  });
  const base = { wallSeconds: result.wallSeconds, peakRssMb: result.peakRssMb, load1: result.load1 };
  if (result.code !== 0) {
    const message = (
      result.stderr.match(/^edgerec: (?:unexpected )?error: (?:Error: )?(.*)$/m)?.[1] ?? lastLine(result.stderr)
    ).trim();
    return { status: 'failed', message, exitCode: result.code, sweeps, ...base };
  }
  const summary = JSON.parse(result.stdout);
  const sweepSeconds = sweeps.reduce((a, s) => a + s.seconds, 0);
  const lastSweepAt = sweeps.length > 0 ? sweeps[sweeps.length - 1].at : marks.training;
  // fitInteractionHead starts right after the "training …" line and its seconds end after the last sweep's wrap-up.
  const phases = {
    read: marks.read,
    splitAndIndex: marks.training - marks.read,
    csrAndInit: sweeps.length > 0 ? sweeps[0].at - marks.training - sweeps[0].seconds : undefined,
    sweeps: sweepSeconds,
    finalTables: summary.seconds - (lastSweepAt - marks.training),
    thresholdSerializeWrite: result.wallSeconds - (marks.training + summary.seconds),
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

// ─── running and measuring ────────────────────────────────────────────────────────────────────

/** One `edgerec train … --json` in its own process; the summary plus wall time, peak RSS and rates. */
async function trainRun(args, { quiet = true } = {}) {
  const epochLines = [];
  const refitLines = [];
  const onLine = quiet
    ? undefined
    : (line) => {
        const epoch = line.match(/^epoch\s+\d+\/\d+ .* ([\d.]+)s$/);
        const refit = line.match(/^refit\s+\d+\/\d+ .* ([\d.]+)s$/);
        if (epoch) epochLines.push(Number(epoch[1]));
        if (refit) refitLines.push(Number(refit[1]));
        if (/^(epoch|refit|read|training on|backend|notice|refitting)/.test(line)) progress(`    │ ${line}`);
      };
  const result = await measured(process.execPath, [CLI, 'train', ...args, '--json', ...(quiet ? ['--quiet'] : [])], {
    node: true,
    onStderrLine: onLine,
  });
  const base = { wallSeconds: result.wallSeconds, peakRssMb: result.peakRssMb, load1: result.load1 };
  if (result.code !== 0) {
    const message = (
      result.stderr.match(/^edgerec: (?:unexpected )?error: (?:Error: )?(.*)$/m)?.[1] ?? lastLine(result.stderr)
    ).trim();
    const unavailable = /backend .* (is not usable here|could not start)/.test(message);
    return { status: unavailable ? 'unavailable' : 'failed', message, exitCode: result.code, ...base };
  }
  const summary = JSON.parse(result.stdout);
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

// ─── rendering ────────────────────────────────────────────────────────────────────────────────

/** The results as text tables or Markdown. */
function render(results, mode) {
  const md = mode === 'markdown';
  const out = [];
  const title = `edgerec training benchmark — ${results.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`;
  out.push(md ? `### ${title}` : `${title}\n${'═'.repeat(title.length)}`);
  const headerLines = hostLines(results);
  out.push(md ? headerLines.map((l) => `${l}  `).join('\n') : headerLines.join('\n'));

  const s = results.sections;
  out.push(section(md, '1. MovieLens 100K: u1.base → u1.test', ml100kView(s.ml100k)));
  out.push(section(md, '2. PyTorch side by side (seed model, ML-100K u1, batch 1024)', torchView(s.torch)));
  out.push(section(md, '3. synth25m: synthetic data shaped like ML-25M', synthView(s.synth25m)));
  out.push(section(md, '4. ials25m: the default interaction recipe (iALS) on the same shape', ialsView(s.ials25m)));
  return `${out.join('\n\n')}\n`;
}

function statusView(sectionResult) {
  if (!sectionResult) return ['not run'];
  if (sectionResult.status === 'skipped' || sectionResult.status === 'unavailable')
    return [`${sectionResult.status}: ${sectionResult.message}`];
  return undefined;
}

const RUN_COLUMNS = [
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

function runRow(run, lead) {
  if (run.status === 'ok') return [...lead, ...RUN_COLUMNS.map((c) => c.value(run))];
  return [...lead, { span: `${run.status}${run.message ? `: ${run.message}` : ''}` }];
}

function ml100kView(r) {
  const status = statusView(r);
  if (status) return status;
  const lead = [
    { header: 'configuration', align: 'left' },
    { header: 'engine', align: 'left' },
    { header: 'backend', align: 'left' },
  ];
  const rows = r.runs.map((run) => runRow(run, [run.label, run.engine, run.backend]));
  const ok = (config, engine, backend) =>
    r.runs.find(
      (x) => x.config === config && x.engine === engine && x.backend === backend && x.status === 'ok' && !x.capped,
    );
  const notes = [];
  const fusedWasm = ok('seed', 'fused', 'wasm');
  const autodiffWasm = ok('seed', 'autodiff', 'wasm');
  const fusedCpu = ok('seed', 'fused', 'cpu');
  const cappedCpu = r.runs.find(
    (x) => x.config === 'seed' && x.engine === 'autodiff' && x.backend === 'cpu' && x.status === 'ok',
  );
  if (fusedWasm && autodiffWasm) {
    const d = autodiffWasm.testRmse - fusedWasm.testRmse;
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
  const first = r.runs.find((x) => x.status === 'ok');
  const intro = `${show(r.data)}: ${r.split}${first ? `; ${fmtInt(first.rows.train)} train, ${fmtInt(first.rows.validation)} validation, ${fmtInt(first.rows.test)} test ratings; global-mean test RMSE ${f4(first.globalMeanRmse)}` : ''}.`;
  return [intro, { columns: [...lead, ...RUN_COLUMNS], rows }, ...notes];
}

function torchView(r) {
  const status = statusView(r);
  if (status) return status;
  const columns = [
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

function synthView(r) {
  const status = statusView(r);
  if (status) return status;
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
    const spread = (xs) =>
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
      `${f4(t.testRmse)} vs noise floor ${f4(floor)} (+${f4(t.testRmse - floor)}); global-mean RMSE ${f4(t.globalMeanRmse)}`,
    ]);
    rows.push([
      'peak RSS (train)',
      `${fmtMb(t.peakRssMb)} MB — target < ${fmtInt(r.rssTargetMb)} MB: ${t.peakRssMb < r.rssTargetMb ? 'met' : 'MISSED'}`,
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
  return [
    {
      columns: [
        { header: 'figure', align: 'left' },
        { header: 'value', align: 'left' },
      ],
      rows,
    },
    ...notes,
  ];
}

function ialsView(r) {
  const status = statusView(r);
  if (status) return status;
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
    return [
      {
        columns: [
          { header: 'figure', align: 'left' },
          { header: 'value', align: 'left' },
        ],
        rows,
      },
    ];
  }
  const target = r.targets;
  const verdict = (ok) => (ok ? 'met' : 'MISSED');
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
    `${fmtInt(t.peakRssMb)} MB — target ≤ ${fmtInt(target.peakRssMb)} MB: ${verdict(t.peakRssMb <= target.peakRssMb)}`,
  ]);
  const p = t.phases;
  const share = (x) => `${f1(x)} s (${((100 * x) / t.wallSeconds).toFixed(0)}%)`;
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
  return [
    {
      columns: [
        { header: 'figure', align: 'left' },
        { header: 'value', align: 'left' },
      ],
      rows,
    },
    ...notes,
  ];
}

// ─── small helpers ────────────────────────────────────────────────────────────────────────────

function describeRun(run) {
  if (run.status !== 'ok') return `${run.status}: ${run.message}`;
  return (
    `${run.engine}/${run.backend}: ${f2(run.trainSeconds)} s train (${f1(run.wallSeconds)} s wall), ${run.epochs} epochs` +
    `${run.refitEpochs ? ` + ${run.refitEpochs} refit` : ''}, test RMSE ${f4(run.testRmse)}, peak RSS ${fmtMb(run.peakRssMb)} MB`
  );
}

// ─── run (last, so every constant above is initialised) ─────────────────────────────────────

const results = flags.from ? await loadSavedResults(flags.from, 'edgerec train', fail) : await runBenchmark();
if (flags.save && !flags.from) {
  await writeFile(flags.save, `${JSON.stringify(results, null, 2)}\n`);
  progress(`saved results to ${flags.save}`);
}
process.stdout.write(
  flags.json ? `${JSON.stringify(results, null, 2)}\n` : render(results, flags.markdown ? 'markdown' : 'text'),
);
