// What the trainer's benchmarks know about the edgerec command line they run: where it is, where
// the Python peers are, and how to read its sweep and epoch progress lines.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO } from '@edgerec/bench-kit/process';
import type { UsageFailure } from '@edgerec/bench-kit/results';

// Self-reference: this folder belongs to @edgerec/trainer, so its own name resolves to its dist.
/** The built `edgerec` command line. */
export const CLI = fileURLToPath(import.meta.resolve('@edgerec/trainer/cli'));
/** The peer scripts (torch_mf.py, rank_split.py, implicit_peer.py): the shared folder beside the repo. */
export const DEFAULT_PEERS_DIR = resolve(REPO, '../shared/peers');

/** Fails unless the CLI has been built (`pnpm bench:x` builds first). */
export function requireBuiltCli(benchmark: string, fail: UsageFailure): void {
  if (!existsSync(CLI)) fail(`${CLI} does not exist: build first (pnpm ${benchmark} builds; or pnpm build)`);
}

/** One sweep (iALS) or epoch (bce/bpr) line of `edgerec train`'s progress. */
export interface SweepLine {
  phase: 'train' | 'refit';
  n: number;
  loss: number;
  valNdcg: number | undefined;
  seconds: number;
}

const SWEEP_LINE =
  /^(refit )?(?:ranking head )?(sweep|epoch)\s+(\d+)\s+loss (\S+)(?:\s+val NDCG@10 (\S+))?\s+([\d.]+)s$/;

/** A sweep or epoch line of the interaction model or the ranking head, or undefined for any other line. */
export function parseSweepLine(line: string): SweepLine | undefined {
  const m = line.match(SWEEP_LINE);
  if (!m) return undefined;
  return {
    phase: m[1] ? 'refit' : 'train',
    n: Number(m[3]),
    loss: Number(m[4]),
    valNdcg: m[5] ? Number(m[5]) : undefined,
    seconds: Number(m[6]),
  };
}
