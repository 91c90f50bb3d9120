// How the benchmarks print: aligned text tables or Markdown, wrapped notes, number formats.

/** A column of a table: its header and which side it aligns to. */
export interface Column {
  header: string;
  align: 'left' | 'right';
}

/** A cell: text, or `{ span }` for the rest of the row (e.g. "skipped: …"). */
export type Cell = string | { span: string };

/** A table of rows under columns. */
export interface Table {
  columns: readonly Column[];
  rows: readonly (readonly Cell[])[];
}

/** What a section shows: notes (strings) and tables, in order. */
export type View = ReadonlyArray<string | Table>;

/** A titled section: a heading, then its tables and notes. */
export function section(md: boolean, heading: string, view: View): string {
  const parts = [md ? `#### ${heading}` : `${heading}\n${'─'.repeat(heading.length)}`];
  for (const block of view) {
    if (typeof block === 'string') parts.push(md ? block : wrap(block));
    else parts.push(md ? markdownTable(block) : textTable(block));
  }
  return parts.join(md ? '\n\n' : '\n');
}

/** A table as aligned plain text under a rule. */
export function textTable({ columns, rows }: Table): string {
  const widths = columns.map((c) => c.header.length);
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (typeof cell === 'string') widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  const pad = (text: string, i: number) =>
    columns[i]?.align === 'right' ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
  const line = (row: readonly Cell[]) =>
    row
      .map((cell, i) => (typeof cell === 'string' ? pad(cell, i) : cell.span))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join(
    '\n',
  );
}

/** A table as Markdown; a spanning cell fills the row's remaining columns with empty cells. */
export function markdownTable({ columns, rows }: Table): string {
  const esc = (text: string) => text.replace(/\|/g, '\\|');
  const head = `| ${columns.map((c) => c.header).join(' | ')} |`;
  const rule = `|${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join('|')}|`;
  const body = rows.map((row) => {
    const cells: string[] = [];
    for (const cell of row) {
      if (typeof cell === 'string') cells.push(esc(cell));
      else {
        cells.push(esc(cell.span));
        while (cells.length < columns.length) cells.push('');
      }
    }
    return `| ${cells.join(' | ')} |`;
  });
  return [head, rule, ...body].join('\n');
}

/** A note as a bullet wrapped at `width` characters. */
export function wrap(text: string, width = 110): string {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `  ${word}`;
    } else line = line ? `${line} ${word}` : `• ${word}`;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/** The benchmark's title (`=`-underlined, or a Markdown heading) and its header lines. */
export function titleBlock(md: boolean, name: string, startedAt: string, headerLines: readonly string[]): string[] {
  const title = `${name} — ${startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`;
  return [
    md ? `### ${title}` : `${title}\n${'═'.repeat(title.length)}`,
    md ? headerLines.map((l) => `${l}  `).join('\n') : headerLines.join('\n'),
  ];
}

/** The median of a list of numbers (NaN for none). */
export function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** `a ÷ b` as `2.5×`. */
export function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(1)}×`;
}

const num =
  (digits: number) =>
  (x: number | undefined): string =>
    typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
/** A number to 1, 2, 3 or 4 decimals; `n/a` when missing or not finite. */
export const f1 = num(1);
export const f2 = num(2);
export const f3 = num(3);
export const f4 = num(4);

/** A whole number with thousands separators; `n/a` when missing or not finite. */
export function fmtInt(x: number | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a';
}

/** Megabytes as a whole number. */
export const fmtMb = fmtInt;

/** A load average as `1.00 / 0.50 / 0.25`. */
export function fmtLoad(load: readonly number[] | undefined): string {
  return (load ?? []).map((x) => x.toFixed(2)).join(' / ');
}

/** Seconds as `12 min 5 s`. */
export function fmtMinutes(seconds: number | undefined): string {
  if (typeof seconds !== 'number') return 'n/a';
  const total = Math.round(seconds);
  return `${Math.floor(total / 60)} min ${total % 60} s`;
}

/** What {@link hostLines} reads from a results record. */
export interface HostSummary {
  host: {
    node: string;
    cpu: string;
    cores: number;
    memoryGiB: number;
    platform: string;
    commit?: string;
    modifiedFiles?: number;
    rssMethod?: string;
  };
  loadAverageStart: readonly number[];
  loadAverageEnd?: readonly number[];
  totalSeconds?: number;
}

/** The machine line of a benchmark's header. */
export function machineLine({ host: h }: HostSummary): string {
  return `node ${h.node}, ${h.cpu}, ${h.cores} cores, ${h.memoryGiB.toFixed(1)} GiB RAM, ${h.platform}`;
}

/** The load line of a benchmark's header: at start, and at end with the total time once finished. */
export function loadLine(results: HostSummary): string {
  return (
    `load average (1/5/15 min): ${fmtLoad(results.loadAverageStart)} at start` +
    (results.loadAverageEnd
      ? `, ${fmtLoad(results.loadAverageEnd)} at end; total ${fmtMinutes(results.totalSeconds)}`
      : '')
  );
}

/** The header lines of the trainer's benchmarks: host, git state, load at start and end. */
export function hostLines(results: HostSummary): string[] {
  const h = results.host;
  return [
    machineLine(results),
    `git ${h.commit}${(h.modifiedFiles ?? 0) > 0 ? ` + ${h.modifiedFiles} modified files in the working tree` : ''}; runs are sequential, one process each; peak RSS by ${h.rssMethod}`,
    loadLine(results),
  ];
}
