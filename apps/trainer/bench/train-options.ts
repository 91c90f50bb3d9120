// The command line of `pnpm bench:train`: its usage text, its flags and what they select.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkOutputFlags, commaList, integerParser, OUTPUT_OPTIONS } from '@edgerec/bench-kit/flags';
import { REPO } from '@edgerec/bench-kit/process';
import { usageFailure } from '@edgerec/bench-kit/results';
import { join } from 'node:path';
import { DEFAULT_PEERS_DIR } from './edgerec-cli.js';

/** The sections, in the order they run. */
export const SECTIONS = ['ml100k', 'torch', 'synth25m', 'ials25m'] as const;
/** A section's name. */
export type SectionName = (typeof SECTIONS)[number];
const DEFAULT_SECTIONS: SectionName[] = ['ml100k', 'torch'];
/** Why a section that is not run by default was skipped. */
export const SKIPPED: Partial<Record<SectionName, string>> = {
  synth25m: 'not selected (add --all, or --only …,synth25m; takes about 30 min)',
  ials25m: 'not selected (add --all, or --only …,ials25m; takes about 15–20 min)',
};
const DEFAULT_TORCH_SCRIPT = join(DEFAULT_PEERS_DIR, 'torch_mf.py');

/** Exits with status 2 and `bench:train: message`. */
export const fail = usageFailure('bench:train');

const USAGE = `usage: pnpm bench:train [options]      (or: pnpm exec tsx apps/trainer/bench/train-bench.ts [options])

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

/** What the flags ask for. */
export interface TrainBenchOptions {
  selected: readonly SectionName[];
  ml100kDir: string;
  repeat: number;
  python: string;
  torchScript: string;
  synthShape: SynthShape;
  /** Where the synthetic sections write (default: the OS temp dir). */
  tmp: string | undefined;
  json: boolean;
  markdown: boolean;
  save: string | undefined;
  from: string | undefined;
}

/** The synthetic sections' shape and epoch cap. */
export interface SynthShape {
  users: number;
  items: number;
  ratings: number;
  epochs: number;
}

/** Parses the command line (exits for --help and on usage errors). */
export function parseTrainBenchArgs(args: string[] = process.argv.slice(2)): TrainBenchOptions {
  const { values: flags } = parseArgs({
    args,
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
      save: { type: 'string' },
      ...OUTPUT_OPTIONS,
    },
  });
  checkOutputFlags(flags, USAGE, fail);
  const integer = integerParser(fail);
  const only = flags.only === undefined ? DEFAULT_SECTIONS : commaList(flags.only);
  const selected = flags.all ? SECTIONS : only;
  for (const name of selected) {
    if (!(SECTIONS as readonly string[]).includes(name))
      fail(`unknown section "${name}" in --only; sections: ${SECTIONS.join(', ')}`);
  }
  return {
    selected: selected as SectionName[],
    ml100kDir: resolve(REPO, flags.ml100k ?? process.env.EDGEREC_ML100K ?? '.data/ml-100k'),
    repeat: integer('repeat', flags.repeat, 1),
    python: flags.python,
    torchScript: resolve(flags['torch-script'] ?? process.env.EDGEREC_TORCH_MF ?? DEFAULT_TORCH_SCRIPT),
    synthShape: {
      users: integer('synth-users', flags['synth-users'], 1),
      items: integer('synth-items', flags['synth-items'], 1),
      ratings: integer('synth-ratings', flags['synth-ratings'], 1),
      epochs: integer('synth-epochs', flags['synth-epochs'], 1),
    },
    tmp: flags.tmp,
    json: flags.json,
    markdown: flags.markdown,
    save: flags.save,
    from: flags.from,
  };
}
