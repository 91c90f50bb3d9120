// `pnpm bench:serve`: serving figures for the edge half of edgerec (a benchmark, not a test): the
// top-K kernel against tfjs and a naive sort, the Worker under HTTP load on wrangler dev, cold start
// (artifact parse time and memory per table encoding), the accuracy cost of f16/int8 tables, and
// the iALS fold-in of a new user at ML-1M size (Node and workerd). One file per section under
// sections/; see apps/worker/bench/README.md. Progress goes to stderr, results to stdout.
import os from 'node:os';
import { cleanUpOnInterrupt, machineInfo, progress } from '@edgerec/bench-kit/process';
import { fmtLoad, loadLine, machineLine, section, titleBlock } from '@edgerec/bench-kit/report';
import { finishResults, loadSavedResults, startResults, writeResults } from '@edgerec/bench-kit/results';
import { messageOf } from './messages.js';
import { annSection } from './sections/ann.js';
import { coldstartSection } from './sections/coldstart.js';
import { foldinSection } from './sections/foldin.js';
import { httpSection } from './sections/http.js';
import { kernelSection } from './sections/kernel.js';
import { quantSection } from './sections/quant.js';
import { workerdSection } from './sections/workerd.js';
import { fail, parseServeArgs, type SECTIONS, type ServeOptions } from './serve-options.js';
import { recordView, type SectionRecord, type ServeResults, type ServeSection } from './serve-section.js';

const BENCHMARK = 'edgerec serve';

/** Every section, in SECTIONS order. */
const SECTION_RUNNERS = [
  kernelSection,
  workerdSection,
  httpSection,
  coldstartSection,
  quantSection,
  foldinSection,
  annSection,
] as ServeSection<object>[];

/** Runs the selected sections in order; a section that throws is recorded as `error` and the rest still run. */
async function runBenchmark(options: ServeOptions): Promise<ServeResults> {
  const results: ServeResults = startResults(BENCHMARK, {}, machineInfo());
  progress(
    `edgerec serving benchmark: sections ${options.selected.join(', ')}; load average ${fmtLoad(results.loadAverageStart)}`,
  );
  for (const runner of SECTION_RUNNERS) {
    const { name } = runner;
    if (!options.selected.includes(name as (typeof SECTIONS)[number])) {
      results.sections[name] = { status: 'skipped', message: 'not selected' };
      continue;
    }
    progress(`\n== ${name} ==`);
    const t0 = Date.now();
    const loadAverage = os.loadavg();
    let record: SectionRecord<object>;
    try {
      const figures = await runner.run(options, results);
      record = { status: 'ok', ...figures, loadAverage, seconds: (Date.now() - t0) / 1000, loadAverageEnd: [] };
    } catch (error) {
      progress(`${name} failed: ${(error as { stack?: string } | null)?.stack ?? error}`);
      record = { status: 'error', message: messageOf(error), loadAverage, seconds: (Date.now() - t0) / 1000 };
    }
    record.loadAverageEnd = os.loadavg();
    results.sections[name] = record;
  }
  return finishResults(results);
}

/** The results as text tables or Markdown. */
function render(results: ServeResults, md: boolean): string {
  const header = [
    machineLine(results),
    `${loadLine(results)} — on 2 cores, a 1-min load above ~1 means something else shared the machine`,
  ];
  const out = titleBlock(md, 'edgerec serving benchmark', results.startedAt, header);
  for (const runner of SECTION_RUNNERS)
    out.push(section(md, runner.title, recordView(runner, results.sections[runner.name])));
  return `${out.join('\n\n')}\n`;
}

const options = parseServeArgs();
cleanUpOnInterrupt();
const results = options.from
  ? await loadSavedResults<ServeResults>(options.from, BENCHMARK, fail)
  : await runBenchmark(options);
await writeResults(results, options, render);
