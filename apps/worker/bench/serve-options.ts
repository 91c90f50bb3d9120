// The command line of `pnpm bench:serve`: its usage text, its flags and what they select.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkOutputFlags, commaList, integerParser, OUTPUT_OPTIONS } from '@edgerec/bench-kit/flags';
import { REPO } from '@edgerec/bench-kit/process';
import { usageFailure } from '@edgerec/bench-kit/results';

/** The sections, in the order they run. */
export const SECTIONS = ['kernel', 'workerd', 'http', 'coldstart', 'quant', 'foldin', 'ann'] as const;
/** A section's name. */
export type SectionName = (typeof SECTIONS)[number];

/** Exits with status 2 and `bench:serve: message`. */
export const fail = usageFailure('bench:serve');

const USAGE = `usage: pnpm bench:serve [options]      (or: pnpm exec tsx apps/worker/bench/serve-bench.ts [options])

Sections (in this order; all by default, about 12 min on 2 cores):
  kernel     top-10 of one user over 1.7K / 60K / 200K items (dim 32) in Node: core's topKItems on f32,
             f16 (decoded to f32) and int8 tables, a bare JS dot loop without top-K (reference), a naive
             score-all + sort, and tfjs matMul + topk on the cpu and wasm backends; µs per request
             (median), items·dims/s, ratio to the floor
  workerd    end-to-end latency of GET /v1/users/:u/recommendations?k=10 vs GET /health on wrangler dev
             serving a 60K-item artifact, sequential requests: the kernel inside workerd, with HTTP
  http       the Worker under load on wrangler dev --log-level warn (autocannon, same run, same
             connections): recommendations?k=10 vs /health, req/s, p50, p99 and their ratio
  coldstart  parseArtifact time (with and without the sha256 check) and heap / arrayBuffers growth,
             per table encoding, for an ML-100K-sized (943 x 1682 x 32) and a 7M-parameter
             (160K x 60K x 32) random artifact, in a fresh Node process each; then the first vs a warm
             GET /v1/model on wrangler dev for each artifact (--no-wrangler-coldstart skips that)
  quant      artifact size, test RMSE and NDCG@10 of f32 vs f16 vs int8 tables of one trained model
             (edgerec synth + train; and MovieLens 100K u1.base/u1.test when a local copy exists)
  foldin     a new user folded into an ML-1M-shaped iALS interaction artifact (6,040 users x 3,706
             items, dim 64 and 128) from 20 / 200 / 1,000 items, then top-10 over the catalogue: core's
             foldInInteractions + topKItems in Node, and POST /v1/recommendations { items } on wrangler dev
  ann        the IVF index on a 1M-item planted-cluster catalogue (pnpm bench:ann): recall@10, share of
             items scored and ms a query per nprobe (4-64) against the exact scan, in Node and workerd

Options:
  --only LIST                 comma-separated sections, e.g. --only kernel,http
  --skip LIST                 sections not to run
  --sizes LIST                kernel item counts (default 1700,60000,200000; add 1000000 for the 1M floor)
  --kernel-ms N               measuring time per kernel row, ms (default 1500; at least 15 requests)
  --workerd-items N           items in the workerd artifact (default 60000)
  --http-duration S           seconds per autocannon run (default 10)
  --http-connections N        autocannon connections (default 32)
  --http-amount N             a fixed number of requests per run instead of a duration (e.g. 100000)
  --no-wrangler-coldstart     coldstart: Node figures only, no wrangler dev servers
  --ml100k DIR                MovieLens 100K directory for quant (env EDGEREC_ML100K; default
                              .data/ml-100k in the repo)
  --foldin-dims LIST          foldin: head dims (default 64,128)
  --foldin-items LIST         foldin: items a new user interacted with (default 20,200,1000)
  --foldin-ms N               foldin: measuring time per Node row, ms (default 1500)
  --foldin-requests N         foldin: requests per route and item count on wrangler dev (default 300)
  --no-foldin-workerd         foldin: Node figures only, no wrangler dev
  --ann-items N               ann: items of the planted-cluster catalogue (default 1000000; pnpm bench:ann has every flag)
  --json                      print the results as JSON
  --markdown                  print Markdown tables instead of plain tables
  --save FILE                 also write the JSON results to FILE
  --from FILE                 run nothing: print results saved with --save
  -h, --help                  this text`;

/** What the flags ask for. */
export interface ServeOptions {
  selected: SectionName[];
  sizes: number[];
  kernelMs: number;
  workerdItems: number;
  http: { duration: number; connections: number; amount: number | undefined };
  wranglerColdstart: boolean;
  ml100kDir: string;
  foldin: { dims: number[]; counts: number[]; ms: number; requests: number; workerd: boolean };
  annItems: number;
  json: boolean;
  markdown: boolean;
  save: string | undefined;
  from: string | undefined;
}

/** Parses the command line (exits for --help and on usage errors). */
export function parseServeArgs(args: string[] = process.argv.slice(2)): ServeOptions {
  const { values: flags } = parseArgs({
    args,
    options: {
      only: { type: 'string' },
      skip: { type: 'string' },
      sizes: { type: 'string', default: '1700,60000,200000' },
      'kernel-ms': { type: 'string', default: '1500' },
      'workerd-items': { type: 'string', default: '60000' },
      'http-duration': { type: 'string', default: '10' },
      'http-connections': { type: 'string', default: '32' },
      'http-amount': { type: 'string' },
      'no-wrangler-coldstart': { type: 'boolean', default: false },
      ml100k: { type: 'string' },
      'foldin-dims': { type: 'string', default: '64,128' },
      'foldin-items': { type: 'string', default: '20,200,1000' },
      'foldin-ms': { type: 'string', default: '1500' },
      'foldin-requests': { type: 'string', default: '300' },
      'no-foldin-workerd': { type: 'boolean', default: false },
      'ann-items': { type: 'string', default: '1000000' },
      save: { type: 'string' },
      ...OUTPUT_OPTIONS,
    },
  });
  checkOutputFlags(flags, USAGE, fail);
  const integer = integerParser(fail);
  const options: Omit<ServeOptions, 'selected'> = {
    sizes: commaList(flags.sizes).map((s) => integer('sizes', s, 10)),
    kernelMs: integer('kernel-ms', flags['kernel-ms'], 50),
    workerdItems: integer('workerd-items', flags['workerd-items'], 10),
    foldin: {
      dims: commaList(flags['foldin-dims']).map((s) => integer('foldin-dims', s, 1)),
      counts: commaList(flags['foldin-items']).map((s) => integer('foldin-items', s, 1)),
      ms: integer('foldin-ms', flags['foldin-ms'], 50),
      requests: integer('foldin-requests', flags['foldin-requests'], 5),
      workerd: !flags['no-foldin-workerd'],
    },
    http: {
      duration: integer('http-duration', flags['http-duration'], 1),
      connections: integer('http-connections', flags['http-connections'], 1),
      amount: flags['http-amount'] === undefined ? undefined : integer('http-amount', flags['http-amount'], 1),
    },
    annItems: integer('ann-items', flags['ann-items'], 1000),
    wranglerColdstart: !flags['no-wrangler-coldstart'],
    ml100kDir: resolve(REPO, flags.ml100k ?? process.env.EDGEREC_ML100K ?? '.data/ml-100k'),
    json: flags.json,
    markdown: flags.markdown,
    save: flags.save,
    from: flags.from,
  };
  const skip = commaList(flags.skip);
  const only = flags.only ? commaList(flags.only) : [...SECTIONS];
  for (const s of [...only, ...skip])
    if (!(SECTIONS as readonly string[]).includes(s)) fail(`unknown section "${s}"; sections: ${SECTIONS.join(', ')}`);
  return { ...options, selected: only.filter((s) => !skip.includes(s)) as SectionName[] };
}
