// A worker thread of the iALS pool: solves ranges of rows of one side against shared tables.
import { parentPort } from 'node:worker_threads';
import { IalsRowSolver } from '../../ials/row-solve.js';
import type { Csr } from './csr.js';
import { solveRows, type SideRegularization } from './solve-side.js';

/** The shared memory a worker reads and writes. */
export interface IalsWorkerInit {
  type: 'init';
  dim: number;
  users: Csr;
  items: Csr;
  userFactors: Float32Array;
  itemFactors: Float32Array;
}

/** One range of rows to solve. */
export interface IalsWorkerTask {
  type: 'solve';
  id: number;
  side: 'users' | 'items';
  from: number;
  to: number;
  base: Float64Array;
  regularization: SideRegularization;
}

/** A finished range. */
export interface IalsWorkerDone {
  id: number;
  failed: number;
}

let state: IalsWorkerInit | undefined;
let solver: IalsRowSolver | undefined;

parentPort?.on('message', (message: IalsWorkerInit | IalsWorkerTask) => {
  if (message.type === 'init') {
    state = message;
    solver = new IalsRowSolver(message.dim);
    return;
  }
  const s = state!;
  const usersSide = message.side === 'users';
  const failed = solveRows(
    usersSide ? s.users : s.items,
    usersSide ? s.itemFactors : s.userFactors,
    usersSide ? s.items.rows : s.users.rows,
    usersSide ? s.userFactors : s.itemFactors,
    message.base,
    message.regularization,
    s.dim,
    message.from,
    message.to,
    solver,
  );
  parentPort!.postMessage({ id: message.id, failed } satisfies IalsWorkerDone);
});
