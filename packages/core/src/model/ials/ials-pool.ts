import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { IalsRowSolver } from '../../ials/row-solve.js';
import type { Csr } from './csr.js';
import type { IalsWorkerDone, IalsWorkerInit, IalsWorkerTask } from './ials-worker.js';
import { balancedRanges, solveRows, type SideRegularization } from './solve-side.js';

/** The tables and pairs a pool solves over; with threads > 1 every array must be on shared memory. */
export interface IalsProblem {
  dim: number;
  users: Csr;
  items: Csr;
  userFactors: Float32Array;
  itemFactors: Float32Array;
}

/** Solves half-sweeps of iALS, on worker threads or inline. */
export interface IalsSolver {
  /** Threads actually used (1 = inline on the calling thread). */
  readonly threads: number;
  /** Re-solves every row of `side` against the other side's current table; resolves to the rows that failed. */
  solveSide(side: 'users' | 'items', base: Float64Array, regularization: SideRegularization): Promise<number>;
  close(): Promise<void>;
}

const WORKER_FILE = new URL('./ials-worker.js', import.meta.url);
/** Ranges per thread and half-sweep: enough for the idle thread to take over a slow range. */
const RANGES_PER_THREAD = 8;

/** Whether the compiled worker script is present (it is not when running from TypeScript sources). */
export function ialsWorkersAvailable(): boolean {
  return WORKER_FILE.protocol === 'file:' && existsSync(fileURLToPath(WORKER_FILE));
}

/** A solver with `threads` workers (inline when threads is 1 or the worker script is absent). */
export function createIalsSolver(problem: IalsProblem, threads: number): IalsSolver {
  if (threads <= 1 || !ialsWorkersAvailable()) return inlineSolver(problem);
  return workerSolver(problem, threads);
}

function inlineSolver(problem: IalsProblem): IalsSolver {
  const solver = new IalsRowSolver(problem.dim);
  return {
    threads: 1,
    async solveSide(side, base, regularization) {
      const [csr, other, otherRows, target] = sideArrays(problem, side);
      return solveRows(csr, other, otherRows, target, base, regularization, problem.dim, 0, csr.rows, solver);
    },
    async close() {},
  };
}

function workerSolver(problem: IalsProblem, threads: number): IalsSolver {
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_FILE));
  const init: IalsWorkerInit = { type: 'init', ...problem };
  for (const worker of workers) {
    worker.unref();
    worker.postMessage(init);
  }
  let nextId = 0;
  return {
    threads,
    solveSide(side, base, regularization) {
      const [csr] = sideArrays(problem, side);
      const bounds = balancedRanges(csr.offsets, csr.rows, problem.dim, threads * RANGES_PER_THREAD);
      const queue: IalsWorkerTask[] = [];
      for (let k = 0; k + 1 < bounds.length; k++) {
        queue.push({ type: 'solve', id: nextId++, side, from: bounds[k]!, to: bounds[k + 1]!, base, regularization });
      }
      return new Promise<number>((resolve, reject) => {
        let pending = queue.length;
        let failed = 0;
        if (pending === 0) return resolve(0);
        const cleanups: (() => void)[] = [];
        const finish = (error?: unknown) => {
          for (const cleanup of cleanups) cleanup();
          if (error) reject(error);
          else resolve(failed);
        };
        for (const worker of workers) {
          const feed = () => {
            const task = queue.shift();
            if (task) worker.postMessage(task);
          };
          const onMessage = (done: IalsWorkerDone) => {
            failed += done.failed;
            if (--pending === 0) finish();
            else feed();
          };
          const onError = (error: unknown) => finish(error);
          worker.on('message', onMessage);
          worker.on('error', onError);
          cleanups.push(() => {
            worker.off('message', onMessage);
            worker.off('error', onError);
          });
          feed();
        }
      });
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

function sideArrays(problem: IalsProblem, side: 'users' | 'items'): [Csr, Float32Array, number, Float32Array] {
  return side === 'users'
    ? [problem.users, problem.itemFactors, problem.items.rows, problem.userFactors]
    : [problem.items, problem.userFactors, problem.users.rows, problem.itemFactors];
}
