// How the benchmarks (the trainer's and apps/worker/bench/serve-bench.mjs) print: aligned text tables or Markdown, wrapped notes, number formats.
// A view is a list of blocks: a string (a note) or { columns: [{ header, align }], rows: [[cell…]] },
// where a cell is a string or { span: text } (the rest of the row, e.g. "skipped: …").

/** A titled section: a heading, then its tables and notes. */
export function section(md, heading, view) {
  const parts = [md ? `#### ${heading}` : `${heading}\n${'─'.repeat(heading.length)}`];
  for (const block of view) {
    if (typeof block === 'string') parts.push(md ? block : wrap(block));
    else parts.push(md ? markdownTable(block) : textTable(block));
  }
  return parts.join(md ? '\n\n' : '\n');
}

export function textTable({ columns, rows }) {
  const widths = columns.map((c) => c.header.length);
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (typeof cell === 'string') widths[i] = Math.max(widths[i], cell.length);
    });
  }
  const pad = (text, i) => (columns[i].align === 'right' ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (row) =>
    row
      .map((cell, i) => (typeof cell === 'string' ? pad(cell, i) : cell.span))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join(
    '\n',
  );
}

export function markdownTable({ columns, rows }) {
  const esc = (text) => text.replace(/\|/g, '\\|');
  const head = `| ${columns.map((c) => c.header).join(' | ')} |`;
  const rule = `|${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join('|')}|`;
  const body = rows.map((row) => {
    const cells = [];
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
export function wrap(text, width = 110) {
  const words = text.split(' ');
  const lines = [];
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

export function medianOf(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function ratio(a, b) {
  return `${(a / b).toFixed(1)}×`;
}

const num = (digits) => (x) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
export const f1 = num(1);
export const f2 = num(2);
export const f3 = num(3);
export const f4 = num(4);

export function fmtInt(x) {
  return typeof x === 'number' && Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a';
}

export const fmtMb = fmtInt;

export function fmtLoad(load) {
  return (load ?? []).map((x) => x.toFixed(2)).join(' / ');
}

export function fmtMinutes(seconds) {
  if (typeof seconds !== 'number') return 'n/a';
  const total = Math.round(seconds);
  return `${Math.floor(total / 60)} min ${total % 60} s`;
}

/** The header lines every benchmark prints: host, git state, load at start and end. */
export function hostLines(results) {
  const h = results.host;
  return [
    `node ${h.node}, ${h.cpu}, ${h.cores} cores, ${h.memoryGiB.toFixed(1)} GiB RAM, ${h.platform}`,
    `git ${h.commit}${h.modifiedFiles > 0 ? ` + ${h.modifiedFiles} modified files in the working tree` : ''}; runs are sequential, one process each; peak RSS by ${h.rssMethod}`,
    `load average (1/5/15 min): ${fmtLoad(results.loadAverageStart)} at start` +
      (results.loadAverageEnd
        ? `, ${fmtLoad(results.loadAverageEnd)} at end; total ${fmtMinutes(results.totalSeconds)}`
        : ''),
  ];
}
