// `pnpm bench:train`: training-speed and accuracy figures for `edgerec train` (a benchmark, not a test).
// Every run is a separate `node apps/trainer/dist/cli.js train … --json` process, one after another,
// so each has its own clean peak-RSS figure. See apps/trainer/bench/README.md.
import { cleanUpOnInterrupt, progress } from '@edgerec/bench-kit/process';
import { fmtLoad } from '@edgerec/bench-kit/report';
import { finishResults, loadSavedResults, startResults, writeResults } from '@edgerec/bench-kit/results';
import { requireBuiltCli } from './edgerec-cli.js';
import { ml100kSection, torchSection } from './ml100k-sections.js';
import { ialsSection, synthSection, SyntheticRatings } from './synthetic-sections.js';
import { fail, parseTrainBenchArgs, SECTIONS, SKIPPED, type TrainBenchOptions } from './train-options.js';
import { renderTrainBench, type TrainBenchResults, type TrainSections } from './train-views.js';

const BENCHMARK = 'edgerec train';

/** Runs the selected sections in order, one process at a time. */
async function runBenchmark(options: TrainBenchOptions): Promise<TrainBenchResults> {
  requireBuiltCli('bench:train', fail);
  const results = startResults<TrainSections>(BENCHMARK);
  progress(
    `edgerec training benchmark: sections ${options.selected.join(', ')}; load average ${fmtLoad(results.loadAverageStart)}`,
  );
  const synthetic = new SyntheticRatings(options);
  const s = results.sections;
  try {
    for (const name of SECTIONS) {
      if (!options.selected.includes(name)) {
        s[name] = { status: 'skipped', message: SKIPPED[name] ?? 'not selected' };
        continue;
      }
      progress(`\n== ${name} ==`);
      if (name === 'ml100k') s.ml100k = await ml100kSection(options);
      if (name === 'torch') s.torch = await torchSection(options, s.ml100k);
      if (name === 'synth25m') s.synth25m = await synthSection(options, synthetic);
      if (name === 'ials25m') s.ials25m = await ialsSection(options, synthetic);
    }
  } finally {
    await synthetic.remove();
  }
  return finishResults(results);
}

const options = parseTrainBenchArgs();
cleanUpOnInterrupt();
const results = options.from
  ? await loadSavedResults<TrainBenchResults>(options.from, BENCHMARK, fail)
  : await runBenchmark(options);
await writeResults(results, options, renderTrainBench);
