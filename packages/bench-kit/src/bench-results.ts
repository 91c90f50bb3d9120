// What the benchmarks share about their results: the usage-error exit, the results record (host,
// load, timings), and writing, printing and reading back a result file.
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { hostInfo, type HostInfo, type MachineInfo } from './process-runner.js';

/** A `fail(message)`: prints `name: message` on stderr and exits with status 2. */
export type UsageFailure = (message: string) => never;

/** The results record every benchmark writes; `Sections` maps a section's name to its record. */
export interface BenchResults<Sections> {
  benchmark: string;
  format: 1;
  startedAt: string;
  host: MachineInfo & Partial<HostInfo>;
  loadAverageStart: number[];
  sections: Partial<Sections>;
  finishedAt?: string;
  totalSeconds?: number;
  loadAverageEnd?: number[];
}

/**
 * A `fail(message)` for benchmark `name` (e.g. `bench:train`).
 * @example const fail = usageFailure('bench:train'); fail('choose one of --json and --markdown');
 */
export function usageFailure(name: string): UsageFailure {
  return (message) => {
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(2);
  };
}

/**
 * A new results record for benchmark `benchmark` (the `benchmark` field saved files are checked
 * by), with `extra` fields after the host and load average; `host` defaults to {@link hostInfo}.
 */
export function startResults<Sections, Extra extends object = object>(
  benchmark: string,
  extra: Extra = {} as Extra,
  host: MachineInfo & Partial<HostInfo> = hostInfo(),
): BenchResults<Sections> & Extra {
  const startedAt = new Date();
  return {
    benchmark,
    format: 1,
    startedAt: startedAt.toISOString(),
    host,
    loadAverageStart: os.loadavg(),
    ...extra,
    sections: {},
  };
}

/** Stamps the end of a run on its record: finish time, total seconds and the load average now. */
export function finishResults<R extends BenchResults<unknown>>(results: R): R {
  results.finishedAt = new Date().toISOString();
  results.totalSeconds = (Date.now() - Date.parse(results.startedAt)) / 1000;
  results.loadAverageEnd = os.loadavg();
  return results;
}

/** Reads a result file saved by benchmark `benchmark`; any other JSON is a usage failure. */
export async function loadSavedResults<R extends BenchResults<unknown>>(
  file: string,
  benchmark: string,
  fail: UsageFailure,
): Promise<R> {
  const json: unknown = JSON.parse(await readFile(file, 'utf8'));
  if ((json as { benchmark?: unknown } | null)?.benchmark !== benchmark)
    fail(`${file}: not a result file of this benchmark`);
  return json as R;
}

/** The results as the JSON that `--json` prints and `--save` writes. */
export function resultsJson(results: BenchResults<unknown>): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

/** Writes the results as JSON to `file`. */
export async function saveResults(file: string, results: BenchResults<unknown>): Promise<void> {
  await writeFile(file, resultsJson(results));
}

/**
 * The end of a run: with `save` (and not `from`), the results go to that file too; then they are
 * printed as JSON or by `render` (Markdown with `markdown`).
 */
export async function writeResults<R extends BenchResults<unknown>>(
  results: R,
  options: { json: boolean; markdown: boolean; save?: string | undefined; from?: string | undefined },
  render: (results: R, md: boolean) => string,
): Promise<void> {
  if (options.save && !options.from) {
    await saveResults(options.save, results);
    process.stderr.write(`saved results to ${options.save}\n`);
  }
  process.stdout.write(options.json ? resultsJson(results) : render(results, options.markdown));
}
