#!/usr/bin/env node
// `pnpm bench:train`: training-speed and accuracy figures for `edgerec train` (a benchmark, not a test).
// Every run is a separate `node apps/trainer/dist/cli.js train … --json` process, one after another,
// so each has its own clean peak-RSS figure. See apps/trainer/bench/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(BENCH_DIR, '../../..');
// Self-reference: this folder belongs to @edgerec/trainer, so its own name resolves to its dist.
const CLI = join(dirname(fileURLToPath(import.meta.resolve('@edgerec/trainer'))), 'cli.js');
const SEED_RECIPE_FILE = join(BENCH_DIR, '..', 'configs', 'seed-recipe.json');
const MAX_RSS_PRELOAD = pathToFileURL(join(BENCH_DIR, 'max-rss.mjs')).href;
const GNU_TIME = '/usr/bin/time';
const DEFAULT_TORCH_SCRIPT = '/work/shared/peers/torch_mf.py';
const RSS_TARGET_MB = 6144;

const SECTIONS = ['ml100k', 'torch', 'synth25m'];
const DEFAULT_SECTIONS = ['ml100k', 'torch'];

const USAGE = `usage: pnpm bench:train [options]      (or: node apps/trainer/bench/train-bench.mjs [options])

Sections (run in this order, one process at a time):
  ml100k     MovieLens 100K u1.base -> u1.test: seed recipe on fused/autodiff x wasm/cpu, plain MF,
             the defaults (SVD++ + refit), the defaults + side features; tfjs-node if it loads
  torch      /work/shared/peers/torch_mf.py (PyTorch) on the same split, next to edgerec's seed recipe
  synth25m   a synthetic set shaped like ML-25M (160,000 x 60,000, 25M ratings) generated into a temp
             dir, trained with --no-implicit --epochs 8 (about 15 min; not run by default)

Options:
  --only LIST           comma-separated sections (default: ${DEFAULT_SECTIONS.join(',')}); e.g. --only ml100k,synth25m
  --all                 every section, including synth25m
  --ml100k DIR          MovieLens 100K directory (env EDGEREC_ML100K; default .data/ml-100k in the repo)
  --repeat N            ML-100K: run each configuration N times and keep the median (default 1)
  --python FILE         Python with torch (default /usr/bin/python3)
  --torch-script FILE   the PyTorch peer (env EDGEREC_TORCH_MF; default ${DEFAULT_TORCH_SCRIPT})
  --synth-users N       synth25m shape (default 160000)
  --synth-items N       (default 60000)
  --synth-ratings N     (default 25000000)
  --synth-epochs N      epoch cap for synth25m (default 8)
  --tmp DIR             where synth25m writes its temporary files (default: the OS temp dir)
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
const selected = flags.all ? SECTIONS : (flags.only?.split(',').map((s) => s.trim()).filter(Boolean) ?? DEFAULT_SECTIONS);
for (const section of selected) {
  if (!SECTIONS.includes(section)) fail(`unknown section "${section}" in --only; sections: ${SECTIONS.join(', ')}`);
}
const ml100kDir = resolve(REPO, flags.ml100k ?? process.env.EDGEREC_ML100K ?? '.data/ml-100k');
const torchScript = resolve(flags['torch-script'] ?? process.env.EDGEREC_TORCH_MF ?? DEFAULT_TORCH_SCRIPT);
const hasGnuTime = existsSync(GNU_TIME);

// ─── main ─────────────────────────────────────────────────────────────────────────────────────

const cleanups = new Set();
let currentChild;
process.on('SIGINT', () => {
  currentChild?.kill('SIGINT');
  void Promise.allSettled([...cleanups].map((f) => f())).then(() => process.exit(130));
});

async function runBenchmark() {
  if (!existsSync(CLI)) fail(`${CLI} does not exist: build first (pnpm bench:train builds; or pnpm build)`);
  const startedAt = new Date();
  const results = {
    benchmark: 'edgerec train',
    format: 1,
    startedAt: startedAt.toISOString(),
    host: hostInfo(),
    loadAverageStart: os.loadavg(),
    sections: {},
  };
  progress(`edgerec training benchmark: sections ${selected.join(', ')}; load average ${fmtLoad(results.loadAverageStart)}`);
  for (const section of SECTIONS) {
    if (!selected.includes(section)) {
      results.sections[section] = {
        status: 'skipped',
        message: section === 'synth25m' ? 'not selected (add --all, or --only …,synth25m; takes about 15 min)' : 'not selected',
      };
      continue;
    }
    progress(`\n== ${section} ==`);
    if (section === 'ml100k') results.sections.ml100k = await ml100kSection();
    if (section === 'torch') results.sections.torch = await torchSection(results.sections.ml100k);
    if (section === 'synth25m') results.sections.synth25m = await synthSection();
  }
  results.finishedAt = new Date().toISOString();
  results.totalSeconds = (Date.now() - startedAt.getTime()) / 1000;
  results.loadAverageEnd = os.loadavg();
  return results;
}

async function loadSaved(file) {
  const json = JSON.parse(await readFile(file, 'utf8'));
  if (json?.benchmark !== 'edgerec train') fail(`${file}: not a result file of this benchmark`);
  return json;
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
    plan.push({ config, label, engine, backend, args: [...args, ...(engine ? ['--engine', engine] : []), '--backend', backend], ...extra });
  add('seed', 'seed recipe', 'fused', 'wasm', seed);
  add('seed', 'seed recipe', 'fused', 'cpu', seed);
  add('seed', 'seed recipe', 'autodiff', 'wasm', seed);
  add('seed', 'seed recipe, capped: --epochs 3', 'autodiff', 'cpu', [...seed, '--epochs', '3'], { capped: 3 });
  add('seed', 'seed recipe', 'autodiff', 'tensorflow', seed, { probe: true }); // the fused kernel has no tfjs-node version
  for (const backend of ['wasm', 'cpu']) add('plain', 'plain MF: defaults --no-implicit', 'fused', backend, ['--no-implicit']);
  for (const backend of ['wasm', 'cpu']) add('defaults', 'defaults (SVD++ implicit + refit)', 'fused', backend, []);
  const side = existsSync(files.user) && existsSync(files.item);
  for (const backend of ['wasm', 'cpu']) {
    if (side) add('side', 'defaults + side features (u.user, u.item)', 'fused', backend, ['--user-features', files.user, '--item-features', files.item]);
    else plan.push({ config: 'side', label: 'defaults + side features', engine: 'fused', backend, skipped: `u.user or u.item missing in ${ml100kDir}` });
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
          '--ratings', files.base, '--test', files.test, '--out', join(work.path, 'model.json'), ...item.args,
        ]);
        attempts.push(run);
        progress(`    ${describeRun(run)}`);
        if (run.status !== 'ok') break;
      }
      runs.push({ ...pick(item), ...median(attempts), ...(attempts.length > 1 ? { repeats: attempts.map((a) => a.trainSeconds) } : {}) });
    }
  } finally {
    await work.remove();
  }
  return { status: 'ran', data: ml100kDir, split: 'u1.base -> u1.test (u1.base split 90/10 into train/validation)', repeat, runs };
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
  const probe = spawnSync(flags.python, ['-c', 'import torch, sys; sys.stdout.write(torch.__version__)'], { encoding: 'utf8' });
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
      const run = await trainRun(['--ratings', files.base, '--test', files.test, '--out', join(work.path, 'model.json'), ...args]);
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
  progress(`    ${torch.status === 'ok' ? `RMSE ${f4(torch.testRmse)}, ${f1(torch.trainSeconds)} s, ${torch.epochs} epochs` : torch.message}`);

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
    return { status: 'failed', message: `torch_mf.py exited with ${result.code}: ${lastLine(result.stderr) || lastLine(result.stdout)}`, ...base };
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

// ─── section 3: synthetic, shaped like ML-25M ────────────────────────────────────────────────

async function synthSection() {
  const base = flags.tmp ? resolve(flags.tmp) : os.tmpdir();
  const work = await tempDir('edgerec-bench-synth-', base);
  const ratingsFile = join(work.path, 'ratings.tsv');
  const shape = { ...synthShape };
  try {
    const synthArgs = [
      'synth', '--users', String(shape.users), '--items', String(shape.items), '--ratings', String(shape.ratings), '--out', ratingsFile,
    ];
    progress(`edgerec ${synthArgs.join(' ')}`);
    const gen = await measured(process.execPath, [CLI, ...synthArgs], { node: true });
    if (gen.code !== 0) {
      const message = `edgerec synth failed (exit ${gen.code}): ${lastLine(gen.stderr)}`;
      progress(message);
      return { status: 'failed', message, shape };
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
    progress(`    ${f1(generate.wallSeconds)} s, ${fmtMb(generate.fileBytes / 2 ** 20)} MB file, peak RSS ${fmtMb(generate.peakRssMb)} MB`);

    const trainArgs = [
      '--ratings', ratingsFile, '--out', join(work.path, 'model.json'),
      '--no-implicit', '--epochs', String(shape.epochs), '--engine', 'fused', '--backend', 'wasm',
    ];
    progress(`edgerec train ${trainArgs.join(' ')} --json   (progress below)`);
    const run = await trainRun(trainArgs, { quiet: false });
    progress(`    ${describeRun(run)}`);
    return {
      status: run.status === 'ok' ? 'ran' : 'failed',
      shape,
      generate,
      train: { ...run, args: [...trainArgs.slice(4)] },
      rssTargetMb: RSS_TARGET_MB,
    };
  } finally {
    await work.remove();
    progress(`removed ${work.path}`);
  }
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
    const message = (result.stderr.match(/^edgerec: (?:unexpected )?error: (?:Error: )?(.*)$/m)?.[1] ?? lastLine(result.stderr)).trim();
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

/**
 * Runs a command to completion, timing it and measuring its peak RSS: with GNU time
 * (`/usr/bin/time -f '%e %M'`) when installed, else for Node children with a preload that
 * reports process.resourceUsage().maxRSS.
 */
async function measured(command, args, { node = false, onStderrLine } = {}) {
  const dir = await tempDir('edgerec-bench-rss-');
  const rssFile = join(dir.path, 'rss');
  let argv;
  let env = process.env;
  if (hasGnuTime) {
    argv = [GNU_TIME, '-f', '%e %M', '-o', rssFile, command, ...args];
  } else if (node) {
    argv = [command, '--import', MAX_RSS_PRELOAD, ...args];
    env = { ...process.env, EDGEREC_BENCH_RSS_FILE: rssFile };
  } else {
    argv = [command, ...args];
  }
  const load1 = os.loadavg()[0];
  const started = performance.now();
  try {
    const { code, stdout, stderr } = await new Promise((resolveRun, reject) => {
      const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
      currentChild = child;
      const out = [];
      const err = [];
      let partial = '';
      child.stdout.on('data', (chunk) => out.push(chunk));
      child.stderr.on('data', (chunk) => {
        err.push(chunk);
        if (!onStderrLine) return;
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) onStderrLine(line.replace(/\r$/, ''));
      });
      child.on('error', reject);
      child.on('close', (exit) => {
        currentChild = undefined;
        if (onStderrLine && partial) onStderrLine(partial);
        resolveRun({ code: exit, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
    });
    const parentWall = (performance.now() - started) / 1000;
    let wallSeconds = parentWall;
    let peakRssMb;
    const text = existsSync(rssFile) ? (await readFile(rssFile, 'utf8')).trim() : '';
    if (hasGnuTime) {
      // GNU time puts "Command exited with non-zero status N" before the format line on failure.
      const m = text.split('\n').pop()?.match(/^([\d.]+) (\d+)$/);
      if (m) {
        wallSeconds = Number(m[1]);
        peakRssMb = Number(m[2]) / 1024;
      }
    } else if (text) {
      peakRssMb = Number(text) / 1024;
    }
    return { code, stdout, stderr, wallSeconds, peakRssMb, load1 };
  } finally {
    await dir.remove();
  }
}

async function tempDir(prefix, base = os.tmpdir()) {
  const path = await mkdtemp(join(base, prefix));
  const remove = async () => {
    cleanups.delete(remove);
    await rm(path, { recursive: true, force: true });
  };
  cleanups.add(remove);
  return { path, remove };
}

function hostInfo() {
  const cpus = os.cpus();
  const git = (...args) => spawnSync('git', args, { cwd: REPO, encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).length;
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    commit: git('rev-parse', '--short', 'HEAD'),
    modifiedFiles: dirty,
    rssMethod: hasGnuTime ? `${GNU_TIME} -f '%e %M'` : 'process.resourceUsage().maxRSS (node --import preload)',
  };
}

// ─── rendering ────────────────────────────────────────────────────────────────────────────────

/** The results as text tables or Markdown. */
function render(results, mode) {
  const md = mode === 'markdown';
  const out = [];
  const h = results.host;
  const title = `edgerec training benchmark — ${results.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`;
  out.push(md ? `### ${title}` : `${title}\n${'═'.repeat(title.length)}`);
  const headerLines = [
    `node ${h.node}, ${h.cpu}, ${h.cores} cores, ${h.memoryGiB.toFixed(1)} GiB RAM, ${h.platform}`,
    `git ${h.commit}${h.modifiedFiles > 0 ? ` + ${h.modifiedFiles} modified files in the working tree` : ''}; runs are sequential, one process each; peak RSS by ${h.rssMethod}`,
    `load average (1/5/15 min): ${fmtLoad(results.loadAverageStart)} at start` +
      (results.loadAverageEnd ? `, ${fmtLoad(results.loadAverageEnd)} at end; total ${fmtMinutes(results.totalSeconds)}` : ''),
  ];
  out.push(md ? headerLines.map((l) => `${l}  `).join('\n') : headerLines.join('\n'));

  const s = results.sections;
  out.push(section(md, '1. MovieLens 100K: u1.base → u1.test', ml100kView(s.ml100k)));
  out.push(section(md, '2. PyTorch side by side (seed model, ML-100K u1, batch 1024)', torchView(s.torch)));
  out.push(section(md, '3. synth25m: synthetic data shaped like ML-25M', synthView(s.synth25m)));
  return `${out.join('\n\n')}\n`;
}

function section(md, heading, view) {
  const parts = [md ? `#### ${heading}` : `${heading}\n${'─'.repeat(heading.length)}`];
  for (const block of view) {
    if (typeof block === 'string') parts.push(md ? block : wrap(block));
    else parts.push(md ? markdownTable(block) : textTable(block));
  }
  return parts.join(md ? '\n\n' : '\n');
}

function statusView(sectionResult) {
  if (!sectionResult) return ['not run'];
  if (sectionResult.status === 'skipped' || sectionResult.status === 'unavailable') return [`${sectionResult.status}: ${sectionResult.message}`];
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
    r.runs.find((x) => x.config === config && x.engine === engine && x.backend === backend && x.status === 'ok' && !x.capped);
  const notes = [];
  const fusedWasm = ok('seed', 'fused', 'wasm');
  const autodiffWasm = ok('seed', 'autodiff', 'wasm');
  const fusedCpu = ok('seed', 'fused', 'cpu');
  const cappedCpu = r.runs.find((x) => x.config === 'seed' && x.engine === 'autodiff' && x.backend === 'cpu' && x.status === 'ok');
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
        (ref ? ` (${ratio(cappedCpu.secondsPerEpoch, ref.secondsPerEpoch)} the fused engine's on ${ref.backend}).` : '.'),
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
      String(t.epochs), f2(t.trainSeconds), f3(t.secondsPerEpoch), fmtInt(t.ratingsPerSecond), f4(t.testRmse), fmtMb(t.peakRssMb), f1(t.wallSeconds),
    ]);
  } else {
    rows.push([`PyTorch ${r.torchVersion}`, { span: `${t.status}: ${t.message}` }]);
  }
  for (const e of r.edgerec) {
    rows.push([
      `edgerec seed recipe, ${e.engine} · ${e.backend}`,
      String(e.epochs), f2(e.trainSeconds), f3(e.secondsPerEpoch), fmtInt(e.ratingsPerSecond), f4(e.testRmse), fmtMb(e.peakRssMb), f1(e.wallSeconds),
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
      'and keeps the last epoch\'s weights (Keras default; edgerec restores the best epoch), and its time_s is printed to 0.1 s. ' +
      'Its train s covers the epoch loop only; edgerec\'s includes per-epoch validation too. PyTorch ratings/s = its train rows × epochs ÷ train s.',
  );
  return [{ columns, rows }, ...notes];
}

function synthView(r) {
  const status = statusView(r);
  if (status) return status;
  const sh = r.shape;
  const rows = [['shape', `${fmtInt(sh.users)} users × ${fmtInt(sh.items)} items, ${fmtInt(sh.ratings)} ratings (edgerec synth defaults: planted rank 8, noise 0.5, Zipf popularity 1)`]];
  if (r.generate) {
    const g = r.generate;
    rows.push(['generate (edgerec synth)', `${f1(g.wallSeconds)} s wall, ${fmtMb(g.fileBytes / 2 ** 20)} MB TSV, peak RSS ${fmtMb(g.peakRssMb)} MB`]);
  }
  const t = r.train;
  if (!t || t.status !== 'ok') {
    rows.push(['train', `${t?.status ?? 'not run'}${t?.message ? `: ${t.message}` : ''}`]);
    if (r.message) rows.push(['error', r.message]);
  } else {
    rows.push(['train command', `edgerec train --ratings ratings.tsv ${t.args.join(' ')}`]);
    rows.push(['split', `${fmtInt(t.rows.train)} train, ${fmtInt(t.rows.validation)} validation, ${fmtInt(t.rows.test)} test (seeded 80/10/10)`]);
    rows.push(['train wall (whole process)', `${f1(t.wallSeconds)} s (${fmtMinutes(t.wallSeconds)}); of which training ${f1(t.trainSeconds)} s, reading + evaluation + writing ${f1(t.wallSeconds - t.trainSeconds)} s`]);
    rows.push(['epochs', `${t.epochs} (cap ${sh.epochs}${t.stoppedEarly ? ', stopped early' : ''}), best ${t.bestEpoch}, then refit ${t.refitEpochs} on train + validation`]);
    const spread = (xs) => (xs && xs.length > 0 ? `${f1(medianOf(xs))} s median (${f1(Math.min(...xs))}–${f1(Math.max(...xs))})` : 'n/a');
    rows.push(['s/epoch', `${f1(t.secondsPerEpoch)} s overall; epochs ${spread(t.epochSeconds)} incl. validation; refit epochs ${spread(t.refitEpochSeconds)}`]);
    rows.push(['throughput', `${fmtInt(t.ratingsPerSecond)} ratings/s (${fmtInt(t.rowsProcessed)} rating-updates ÷ ${f1(t.trainSeconds)} s)`]);
    const floor = r.generate?.noiseFloorRmse;
    rows.push([
      'test RMSE',
      `${f4(t.testRmse)} vs noise floor ${f4(floor)} (+${f4(t.testRmse - floor)}); global-mean RMSE ${f4(t.globalMeanRmse)}`,
    ]);
    rows.push(['peak RSS (train)', `${fmtMb(t.peakRssMb)} MB — target < ${fmtInt(r.rssTargetMb)} MB: ${t.peakRssMb < r.rssTargetMb ? 'met' : 'MISSED'}`]);
    rows.push(['artifact', `${fmtMb(t.artifactBytes / 2 ** 20)} MB (incl. every user's seen items)`]);
    rows.push(['load at start', f2(t.load1)]);
  }
  const notes = [
    '--no-implicit: SVD++ implicit feedback costs grow with ratings per user (each step touches every item its users rated; ' +
      `here ~${Math.round(sh.ratings / sh.users)} per user on average, far more for heavy users), so the plain model is what scales to this size. ` +
      'The temporary files were deleted afterwards.',
  ];
  return [{ columns: [{ header: 'figure', align: 'left' }, { header: 'value', align: 'left' }], rows }, ...notes];
}

function textTable({ columns, rows }) {
  const widths = columns.map((c) => c.header.length);
  const cells = rows;
  for (const row of cells) {
    row.forEach((cell, i) => {
      if (typeof cell === 'string') widths[i] = Math.max(widths[i], cell.length);
    });
  }
  const pad = (text, i) => (columns[i].align === 'right' ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (row) =>
    row
      .map((cell, i) => (typeof cell === 'string' ? pad(cell, i) : cell.span))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function markdownTable({ columns, rows }) {
  const esc = (text) => text.replace(/\|/g, '\\|');
  const head = `| ${columns.map((c) => c.header).join(' | ')} |`;
  const rule = `|${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join('|')}|`;
  const body = rows.map((row) => {
    const cells = [];
    for (const cell of row) {
      if (typeof cell === 'string') cells.push(esc(cell));
      else {
        cells.push(esc(cell.span));
        while (cells.length < columns.length) cells.push('');
      }
    }
    return `| ${cells.join(' | ')} |`;
  });
  return [head, rule, ...body].join('\n');
}

function wrap(text, width = 110) {
  const words = text.split(' ');
  const lines = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `  ${word}`;
    } else line = line ? `${line} ${word}` : `• ${word}`;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

// ─── small helpers ────────────────────────────────────────────────────────────────────────────

function describeRun(run) {
  if (run.status !== 'ok') return `${run.status}: ${run.message}`;
  return (
    `${run.engine}/${run.backend}: ${f2(run.trainSeconds)} s train (${f1(run.wallSeconds)} s wall), ${run.epochs} epochs` +
    `${run.refitEpochs ? ` + ${run.refitEpochs} refit` : ''}, test RMSE ${f4(run.testRmse)}, peak RSS ${fmtMb(run.peakRssMb)} MB`
  );
}

function medianOf(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function ratio(a, b) {
  return `${(a / b).toFixed(1)}×`;
}

/** A path as shown: relative to the repo when inside it, else absolute. */
function show(path) {
  const rel = relative(REPO, path);
  return rel && !rel.startsWith('..') && !rel.startsWith('/') ? rel : path;
}

function lastLine(text) {
  return (text ?? '').trim().split('\n').pop()?.trim() ?? '';
}

const num = (digits) => (x) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const f1 = num(1);
const f2 = num(2);
const f3 = num(3);
const f4 = num(4);
function fmtInt(x) {
  return typeof x === 'number' && Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a';
}
function fmtMb(x) {
  return typeof x === 'number' && Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a';
}
function fmtLoad(load) {
  return load.map((x) => x.toFixed(2)).join(' / ');
}
function fmtMinutes(seconds) {
  if (typeof seconds !== 'number') return 'n/a';
  const total = Math.round(seconds);
  return `${Math.floor(total / 60)} min ${total % 60} s`;
}

function progress(line) {
  process.stderr.write(`${line}\n`);
}

function fail(message) {
  process.stderr.write(`bench:train: ${message}\n`);
  process.exit(2);
}

// ─── run (last, so every constant above is initialised) ─────────────────────────────────────

const results = flags.from ? await loadSaved(flags.from) : await runBenchmark();
if (flags.save && !flags.from) {
  await writeFile(flags.save, `${JSON.stringify(results, null, 2)}\n`);
  progress(`saved results to ${flags.save}`);
}
process.stdout.write(flags.json ? `${JSON.stringify(results, null, 2)}\n` : render(results, flags.markdown ? 'markdown' : 'text'));
