// What the trainer's benchmarks share for running things: one child process at a time, timed,
// with its own peak RSS; temp dirs removed at the end and on Ctrl-C; the host described.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const REPO = resolve(BENCH_DIR, '../../..');
// Self-reference: this folder belongs to @edgerec/trainer, so its own name resolves to its dist.
/** The built `edgerec` command line. */
export const CLI = fileURLToPath(import.meta.resolve('@edgerec/trainer/cli'));
/** The peer scripts (torch_mf.py, rank_split.py, implicit_peer.py): the shared folder beside the repo. */
export const DEFAULT_PEERS_DIR = resolve(REPO, '../shared/peers');
const MAX_RSS_PRELOAD = pathToFileURL(join(BENCH_DIR, 'max-rss.mjs')).href;
const GNU_TIME = '/usr/bin/time';
/** Whether peak RSS comes from GNU time (else from a preload, Node children only). */
export const hasGnuTime = existsSync(GNU_TIME);

const cleanups = new Set();
let currentChild;

/** On Ctrl-C: stop the running child, remove every temp dir still registered, exit 130. */
export function cleanUpOnInterrupt() {
  process.on('SIGINT', () => {
    currentChild?.kill('SIGINT');
    void Promise.allSettled([...cleanups].map((f) => f())).then(() => process.exit(130));
  });
}

/**
 * Runs a command to completion, timing it and measuring its peak RSS: with GNU time
 * (`/usr/bin/time -f '%e %M'`) when installed, else for Node children with a preload that
 * reports process.resourceUsage().maxRSS. `onStderrLine(line, secondsSinceStart)` sees stderr
 * line by line as it arrives; `env` adds variables to the child's environment.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ node?: boolean; onStderrLine?: (line: string, seconds: number) => void; cwd?: string; env?: Record<string, string> }} [options]
 */
export async function measured(command, args, { node = false, onStderrLine, cwd, env: extraEnv } = {}) {
  const dir = await tempDir('edgerec-bench-rss-');
  const rssFile = join(dir.path, 'rss');
  let argv;
  let env = extraEnv ? { ...process.env, ...extraEnv } : process.env;
  if (hasGnuTime) {
    argv = [GNU_TIME, '-f', '%e %M', '-o', rssFile, command, ...args];
  } else if (node) {
    argv = [command, '--import', MAX_RSS_PRELOAD, ...args];
    env = { ...env, EDGEREC_BENCH_RSS_FILE: rssFile };
  } else {
    argv = [command, ...args];
  }
  const load1 = os.loadavg()[0];
  const started = performance.now();
  const since = () => (performance.now() - started) / 1000;
  try {
    const { code, stdout, stderr } = await new Promise((resolveRun, reject) => {
      const child = spawn(argv[0], argv.slice(1), { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
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
        for (const line of lines) onStderrLine(line.replace(/\r$/, ''), since());
      });
      child.on('error', reject);
      child.on('close', (exit) => {
        currentChild = undefined;
        if (onStderrLine && partial) onStderrLine(partial, since());
        resolveRun({
          code: exit,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        });
      });
    });
    const parentWall = since();
    let wallSeconds = parentWall;
    let peakRssMb;
    const text = existsSync(rssFile) ? (await readFile(rssFile, 'utf8')).trim() : '';
    if (hasGnuTime) {
      // GNU time puts "Command exited with non-zero status N" before the format line on failure.
      const m = text
        .split('\n')
        .pop()
        ?.match(/^([\d.]+) (\d+)$/);
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

/** A fresh directory under `base`, removed by `remove()` or on Ctrl-C. */
export async function tempDir(prefix, base = os.tmpdir()) {
  const path = await mkdtemp(join(base, prefix));
  const remove = async () => {
    cleanups.delete(remove);
    await rm(path, { recursive: true, force: true });
  };
  cleanups.add(remove);
  return { path, remove };
}

/** Node, CPU, cores, memory, git commit and working-tree state, and how peak RSS is measured. */
export function hostInfo() {
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

/** A path as shown: relative to the repo when inside it, else absolute. */
export function show(path) {
  const rel = relative(REPO, path);
  return rel && !rel.startsWith('..') && !rel.startsWith('/') ? rel : path;
}

/** The last non-empty line of a text. */
export function lastLine(text) {
  return (text ?? '').trim().split('\n').pop()?.trim() ?? '';
}

/** Writes a progress line to stderr (results go to stdout). */
export function progress(line) {
  process.stderr.write(`${line}\n`);
}
