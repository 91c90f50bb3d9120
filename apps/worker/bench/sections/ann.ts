// Section 7 of `pnpm bench:serve`: the IVF index against the exact scan, recall and time per
// nprobe, by running `pnpm bench:ann` (ann-bench.ts) in a child process and showing its figures.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { lastLine, progress } from '@edgerec/bench-kit/process';
import { f1, fmtInt, type Column, type View } from '@edgerec/bench-kit/report';
import type { ServeOptions } from '../serve-options.js';
import { sectionLoad, type SectionTiming, type ServeSection } from '../serve-section.js';

const ANN_BENCH = fileURLToPath(new URL('../ann-bench.ts', import.meta.url));

/** One nprobe's figures, as ann-bench.ts --json writes them. */
interface AnnRow {
  nprobe: number;
  recall: number;
  scored: number;
  nodeMs: number;
  nodeSpeedup: number;
  workerdMs?: number;
  workerdSpeedup?: number;
}

/** The ann section's figures: ann-bench.ts's JSON document. */
export interface AnnResult {
  source: string;
  items: number;
  dim: number;
  table: string;
  nodeScorer: string;
  queries: number;
  lists: number;
  build: { kmeans: string; iterations: number; sample: number; seconds: number };
  exact: { nodeMs: number; workerdMs?: number };
  rows: AnnRow[];
}

async function run(options: ServeOptions): Promise<AnnResult> {
  const args = [...process.execArgv, ANN_BENCH, '--json', '--items', String(options.annItems)];
  progress(`ann: ${fmtInt(options.annItems)} items, IVF build and probes (ann-bench.ts)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`ann-bench.ts exited with ${code}: ${lastLine(err)}`));
      else resolve(JSON.parse(out) as AnnResult);
    });
  });
}

function view(r: SectionTiming & AnnResult): View {
  const workerd = r.exact.workerdMs !== undefined;
  const columns: Column[] = [
    { header: 'nprobe', align: 'right' },
    { header: 'recall@10', align: 'right' },
    { header: 'items scored', align: 'right' },
    { header: 'Node ms', align: 'right' },
    { header: '× exact', align: 'right' },
    ...(workerd
      ? ([
          { header: 'workerd ms', align: 'right' },
          { header: '× exact', align: 'right' },
        ] as Column[])
      : []),
  ];
  const rows = r.rows.map((row) => [
    String(row.nprobe),
    row.recall.toFixed(3),
    `${(100 * row.scored).toFixed(2)}%`,
    row.nodeMs.toFixed(3),
    f1(row.nodeSpeedup),
    ...(workerd ? [row.workerdMs!.toFixed(3), f1(row.workerdSpeedup!)] : []),
  ]);
  return [
    `${r.source}, dim ${r.dim}, ${r.table} rows, ${r.queries} queries, top-10; ${r.lists} lists (${r.build.kmeans} k-means, ${r.build.iterations} iterations on ${fmtInt(r.build.sample)} items, built in ${f1(r.build.seconds)} s). Exact scan: ${r.exact.nodeMs.toFixed(3)} ms a query in Node (${r.nodeScorer === 'wasm' ? "core's wasm scorer" : "core's JS path"})${workerd ? `, ${r.exact.workerdMs!.toFixed(3)} ms in workerd (JS path)` : ''}. Targets: recall@10 ≥ 0.95 scoring ≤ 10% of the items, ≤ 2 ms in workerd.`,
    { columns, rows },
    sectionLoad(r),
  ];
}

/** Section `ann`. */
export const annSection: ServeSection<AnnResult> = {
  name: 'ann',
  title: '7. IVF index against the exact scan: recall and time per nprobe',
  run,
  view,
};
