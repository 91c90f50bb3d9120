// `pnpm bench:rank`: top-K ranking figures for edgerec's models next to the Python peers
// (popularity, EASE, iALS), on the same per-user split, in one run (a benchmark, not a test).
// Every training and evaluation is its own `node apps/trainer/dist/cli.js … --json` process, one
// after another. See apps/trainer/bench/README.md.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { cleanUpOnInterrupt, progress, show, tempDir } from '@edgerec/bench-kit/process';
import { fmtLoad } from '@edgerec/bench-kit/report';
import { finishResults, loadSavedResults, resultsJson, saveResults, startResults } from '@edgerec/bench-kit/results';
import { requireBuiltCli } from './edgerec-cli.js';
import { fail, parseRankBenchArgs, type RankBenchOptions } from './rank-options.js';
import { ml100kSection, ml1mSection, probePeers } from './rank-protocol.js';
import { renderRankBench, type RankBenchResults, type RankSections } from './rank-views.js';

const BENCHMARK = 'edgerec rank';

/** ML-100K, then ML-1M when given; the work files are removed at the end unless --keep. */
async function runBenchmark(options: RankBenchOptions): Promise<RankBenchResults> {
  requireBuiltCli('bench:rank', fail);
  await mkdir(options.outDir, { recursive: true });
  const work = await tempDir('work-', options.outDir);
  const results = startResults<RankSections, Pick<RankBenchResults, 'quick' | 'peers'>>(BENCHMARK, {
    quick: options.quick,
    peers: probePeers(options),
  });
  progress(
    `edgerec ranking benchmark; load average ${fmtLoad(results.loadAverageStart)}; work files in ${show(work.path)}`,
  );
  for (const message of results.peers.messages) progress(message);
  try {
    progress('\n== ML-100K ==');
    results.sections.ml100k = await ml100kSection(options, join(work.path, 'ml100k'), results.peers);
    if (options.ml1mFile) {
      progress('\n== ML-1M ==');
      results.sections.ml1m = await ml1mSection(options, options.ml1mFile, join(work.path, 'ml1m'), results.peers);
    } else {
      results.sections.ml1m = {
        status: 'skipped',
        message: options.quick ? 'not run with --quick' : 'no --ml1m FILE given',
      };
    }
  } finally {
    if (options.keep) progress(`kept the splits and models in ${show(work.path)}`);
    else await work.remove();
  }
  return finishResults(results);
}

const options = parseRankBenchArgs();
cleanUpOnInterrupt();
const results = options.from
  ? await loadSavedResults<RankBenchResults>(resolve(options.from), BENCHMARK, fail)
  : await runBenchmark(options);
if (!options.from) {
  await saveResults(join(options.outDir, 'rank-results.json'), results);
  await writeFile(join(options.outDir, 'rank-results.md'), renderRankBench(results, true));
  progress(`saved ${show(join(options.outDir, 'rank-results.json'))} and rank-results.md`);
}
process.stdout.write(options.json ? resultsJson(results) : renderRankBench(results, options.markdown));
