// The command line of `pnpm bench:rank`: its usage text, its flags and the paths they name.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkOutputFlags, OUTPUT_OPTIONS } from '@edgerec/bench-kit/flags';
import { REPO } from '@edgerec/bench-kit/process';
import { usageFailure } from '@edgerec/bench-kit/results';
import { DEFAULT_PEERS_DIR } from './edgerec-cli.js';

const DEFAULT_OUT_DIR = '.edgerec/bench-rank';

/** Exits with status 2 and `bench:rank: message`. */
export const fail = usageFailure('bench:rank');

const USAGE = `usage: pnpm bench:rank [options]      (or: pnpm exec tsx apps/trainer/bench/rank-bench.ts [options])

ML-100K u.data -> rank_split.py 75/25 seed 42, then on the same train/test files:
  edgerec's default interaction model (iALS), --method bce and bpr, the default rating model ranked by
  its iALS head and with --ranking-head none, and implicit_peer.py (popularity, EASE, iALS);
  the fold-in check (every training user folded in from their own items vs their trained vector);
  the default rating model's u1.base -> u1.test RMSE.
With --ml1m FILE, the same protocol on ML-1M ratings.dat (edgerec iALS vs the peer, K 10 and 20).

Options:
  --ml100k DIR     MovieLens 100K directory with u.data, u1.base, u1.test
                   (env EDGEREC_ML100K; default .data/ml-100k in the repo)
  --ml1m FILE      MovieLens 1M ratings.dat (optional; a truncated copy is detected and labelled)
  --out-dir DIR    where the results and the temporary splits and models go (default ${DEFAULT_OUT_DIR},
                   git-ignored); the temporary files are deleted at the end unless --keep
  --keep           keep the splits and models in DIR/work-*
  --quick          ML-100K without bce/bpr, no ML-1M (about 1 min)
  --python FILE    Python with numpy for the peers (default python3)
  --peers DIR      folder of rank_split.py and implicit_peer.py (env EDGEREC_PEERS; default ../shared/peers);
                   the peer runs with OPENBLAS_NUM_THREADS=1 unless the environment sets it
  --json           print the results as JSON instead of tables
  --markdown       print Markdown tables (for the README) instead of plain tables
  --from FILE      do not run anything: print results saved earlier (DIR/rank-results.json)
  -h, --help       this text

Progress goes to stderr, the results to stdout; DIR/rank-results.json and DIR/rank-results.md always.`;

/** What the flags ask for. */
export interface RankBenchOptions {
  ml100kDir: string;
  /** ML-1M's ratings.dat (not with --quick). */
  ml1mFile: string | undefined;
  outDir: string;
  keep: boolean;
  quick: boolean;
  python: string;
  peersDir: string;
  splitScript: string;
  peerScript: string;
  json: boolean;
  markdown: boolean;
  from: string | undefined;
}

/** Parses the command line (exits for --help and on usage errors). */
export function parseRankBenchArgs(args: string[] = process.argv.slice(2)): RankBenchOptions {
  const { values: flags } = parseArgs({
    args,
    options: {
      ml100k: { type: 'string' },
      ml1m: { type: 'string' },
      'out-dir': { type: 'string', default: DEFAULT_OUT_DIR },
      keep: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      python: { type: 'string', default: 'python3' },
      peers: { type: 'string' },
      ...OUTPUT_OPTIONS,
    },
  });
  checkOutputFlags(flags, USAGE, fail);
  const peersDir = resolve(flags.peers ?? process.env.EDGEREC_PEERS ?? DEFAULT_PEERS_DIR);
  return {
    ml100kDir: resolve(REPO, flags.ml100k ?? process.env.EDGEREC_ML100K ?? '.data/ml-100k'),
    ml1mFile: flags.ml1m && !flags.quick ? resolve(flags.ml1m) : undefined,
    outDir: resolve(REPO, flags['out-dir']),
    keep: flags.keep,
    quick: flags.quick,
    python: flags.python,
    peersDir,
    splitScript: join(peersDir, 'rank_split.py'),
    peerScript: join(peersDir, 'implicit_peer.py'),
    json: flags.json,
    markdown: flags.markdown,
    from: flags.from,
  };
}
