// What every section of `pnpm bench:serve` is: a name, a title, how it runs and how it prints.
// A new section is one file under sections/ with one of these, listed in serve-bench.ts.
import type { BenchResults } from '@edgerec/bench-kit/results';
import { f1, fmtLoad, type View } from '@edgerec/bench-kit/report';
import type { ServeOptions } from './serve-options.js';

/** When a section ran and the load around it. */
export interface SectionTiming {
  loadAverage: number[];
  loadAverageEnd: number[];
  seconds: number;
}

/** A section's record in the results: its figures, or why it has none. */
export type SectionRecord<R> =
  | (SectionTiming & { status: 'ok' } & R)
  | (Partial<SectionTiming> & { status: 'skipped' | 'error'; message: string });

/** The results record of `pnpm bench:serve` (sections by name). */
export type ServeResults = BenchResults<Record<string, SectionRecord<object>>>;

/** A section of the serving benchmark. */
export interface ServeSection<R extends object> {
  name: string;
  /** Its heading in the report, e.g. `1. Top-K kernel in Node (…)`. */
  title: string;
  /** Measures; `results` holds the sections that ran before it. */
  run(options: ServeOptions, results: ServeResults): Promise<R>;
  /** Its tables and notes (called only for a section that ran). */
  view(r: SectionTiming & R): View;
  /** What it shows when skipped (default: `skipped: why`). */
  skippedView?: View;
}

/** The view of a section record: its own view when it ran, else why not. */
export function recordView<R extends object>(section: ServeSection<R>, r: SectionRecord<R> | undefined): View {
  if (!r) return ['not run'];
  if (r.status === 'skipped' && section.skippedView) return section.skippedView;
  if (r.status !== 'ok') return [`${r.status}: ${r.message}`];
  return section.view(r);
}

/** The last note of every section: the load average at its start and end, and its seconds. */
export function sectionLoad(r: SectionTiming): string {
  return `load average ${fmtLoad(r.loadAverage)} at the start of this section, ${fmtLoad(r.loadAverageEnd)} at its end; ${f1(r.seconds)} s.`;
}
