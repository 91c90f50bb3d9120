/**
 * Aligns rows of cells under a header: the first column left-aligned, the others right-aligned,
 * a rule under the header and, when asked, another before row `separatorBefore`.
 */
export function formatTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  options: { separatorBefore?: number } = {},
): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    widths
      .map((w, c) => (c === 0 ? (cells[c] ?? '').padEnd(w) : (cells[c] ?? '').padStart(w)))
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((s, w) => s + w, 0) + 2 * (widths.length - 1));
  const lines = [line(header), rule];
  rows.forEach((row, r) => {
    if (r === options.separatorBefore) lines.push(rule);
    lines.push(line(row));
  });
  return lines.join('\n');
}
