// What the benchmarks share for running things: one child process at a time, timed, with its own
// peak RSS; temp dirs (and servers) removed at the end and on Ctrl-C; the host described.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_RSS_PRELOAD, RSS_FILE_VARIABLE } from './max-rss.js';

/** The repository root (this file is packages/bench-kit/src/process-runner.ts). */
export const REPO = resolve(fileURLToPath(import.meta.url), '../../../..');
const GNU_TIME = '/usr/bin/time';
/** Whether peak RSS comes from GNU time (else from a preload, Node children only). */
export const hasGnuTime = existsSync(GNU_TIME);

type Cleanup = () => Promise<void>;
const cleanups = new Set<Cleanup>();
let currentChild: ChildProcess | undefined;

/** Registers `cleanup` to run on Ctrl-C; the returned function unregisters it. */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** On Ctrl-C: stop the running child, run every cleanup still registered (temp dirs, servers), exit 130. */
export function cleanUpOnInterrupt(): void {
  process.on('SIGINT', () => {
    currentChild?.kill('SIGINT');
    void Promise.allSettled([...cleanups].map((f) => f())).then(() => process.exit(130));
  });
}

/** How {@link measured} runs a command. */
export interface MeasureOptions {
  /** A Node child: without GNU time, its peak RSS comes from a preload. */
  node?: boolean;
  onStderrLine?: (line: string, seconds: number) => void;
  cwd?: string;
  env?: Record<string, string>;
}

/** A finished command: exit code, output, wall seconds, peak RSS (MB, when known) and the 1-min load at its start. */
export interface MeasuredRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallSeconds: number;
  peakRssMb: number | undefined;
  load1: number;
}

/** The machine a benchmark ran on. */
export interface MachineInfo {
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
}

/** The machine, the checkout and how peak RSS is measured. */
export interface HostInfo extends MachineInfo {
  commit: string;
  modifiedFiles: number;
  rssMethod: string;
}

/**
 * Runs a command to completion, timing it and measuring its peak RSS: with GNU time
 * (`/usr/bin/time -f '%e %M'`) when installed, else for Node children with a preload that
 * reports process.resourceUsage().maxRSS. `onStderrLine(line, secondsSinceStart)` sees stderr
 * line by line as it arrives; `env` adds variables to the child's environment.
 */
export async function measured(
  command: string,
  args: readonly string[],
  { node = false, onStderrLine, cwd, env: extraEnv }: MeasureOptions = {},
): Promise<MeasuredRun> {
  const dir = await tempDir('edgerec-bench-rss-');
  const rssFile = join(dir.path, 'rss');
  let argv: string[];
  let env: NodeJS.ProcessEnv = extraEnv ? { ...process.env, ...extraEnv } : process.env;
  if (hasGnuTime) {
    argv = [GNU_TIME, '-f', '%e %M', '-o', rssFile, command, ...args];
  } else if (node) {
    argv = [command, '--import', MAX_RSS_PRELOAD, ...args];
    env = { ...env, [RSS_FILE_VARIABLE]: rssFile };
  } else {
    argv = [command, ...args];
  }
  const load1 = os.loadavg()[0]!;
  const started = performance.now();
  const since = () => (performance.now() - started) / 1000;
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolveRun, reject) => {
        const child = spawn(argv[0]!, argv.slice(1), { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
        currentChild = child;
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let partial = '';
        child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
        child.stderr.on('data', (chunk: Buffer) => {
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
      },
    );
    const parentWall = since();
    let wallSeconds = parentWall;
    let peakRssMb: number | undefined;
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

/** A directory a benchmark writes into, and how to remove it. */
export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

/** A fresh directory under `base`, removed by `remove()` or on Ctrl-C. */
export async function tempDir(prefix: string, base = os.tmpdir()): Promise<TempDir> {
  const path = await mkdtemp(join(base, prefix));
  const remove = async () => {
    cleanups.delete(remove);
    await rm(path, { recursive: true, force: true });
  };
  cleanups.add(remove);
  return { path, remove };
}

/** Node, the platform, CPU, cores and memory. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
  };
}

/** {@link machineInfo}, the git commit and working-tree state, and how peak RSS is measured. */
export function hostInfo(): HostInfo {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: REPO, encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).length;
  return {
    ...machineInfo(),
    commit: git('rev-parse', '--short', 'HEAD'),
    modifiedFiles: dirty,
    rssMethod: hasGnuTime ? `${GNU_TIME} -f '%e %M'` : 'process.resourceUsage().maxRSS (node --import preload)',
  };
}

/** A path as shown: relative to the repo when inside it, else absolute. */
export function show(path: string): string {
  const rel = relative(REPO, path);
  return rel && !rel.startsWith('..') && !rel.startsWith('/') ? rel : path;
}

/** The last non-empty line of a text. */
export function lastLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n').pop()?.trim() ?? '';
}

/** The error line of a failed command's stderr: edgerec's, commander's (`error: …`), or the last line. */
export function errorLine(stderr: string): string {
  const m = stderr.match(/^(?:edgerec: )?(?:unexpected )?error: (?:Error: )?(.*)$/m);
  return (m?.[1] ?? lastLine(stderr)).trim();
}

/** Writes a progress line to stderr (results go to stdout). */
export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
