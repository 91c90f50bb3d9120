// What the trainer's benchmarks share about their results: the usage-error exit, the results
// record (host, load, timings) and reading back a saved result file.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { hostInfo } from './process-runner.mjs';

/**
 * A `fail(message)` for benchmark `name`: prints `name: message` on stderr and exits with status 2.
 * @param {string} name e.g. `bench:train`
 * @returns {(message: string) => never}
 */
export function usageFailure(name) {
  return (message) => {
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(2);
  };
}

/**
 * A new results record for benchmark `benchmark` (the `benchmark` field saved files are checked by).
 * @param {string} benchmark e.g. `edgerec train`
 * @param {Record<string, unknown>} [extra] fields after the host and load average
 */
export function startResults(benchmark, extra = {}) {
  const startedAt = new Date();
  return {
    benchmark,
    format: 1,
    startedAt: startedAt.toISOString(),
    host: hostInfo(),
    loadAverageStart: os.loadavg(),
    ...extra,
    /** @type {Record<string, any>} */
    sections: {},
  };
}

/**
 * Stamps the end of a run on its record: finish time, total seconds and the load average now.
 * @param {{ startedAt: string } & Record<string, unknown>} results
 */
export function finishResults(results) {
  results.finishedAt = new Date().toISOString();
  results.totalSeconds = (Date.now() - Date.parse(results.startedAt)) / 1000;
  results.loadAverageEnd = os.loadavg();
  return results;
}

/**
 * Reads a result file saved by benchmark `benchmark`; any other JSON is a usage failure.
 * @param {string} file
 * @param {string} benchmark
 * @param {(message: string) => never} fail
 */
export async function loadSavedResults(file, benchmark, fail) {
  const json = JSON.parse(await readFile(file, 'utf8'));
  if (json?.benchmark !== benchmark) fail(`${file}: not a result file of this benchmark`);
  return json;
}
