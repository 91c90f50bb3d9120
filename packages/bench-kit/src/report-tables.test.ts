import { describe, expect, it } from 'vitest';
import {
  f2,
  fmtInt,
  fmtMinutes,
  markdownTable,
  medianOf,
  section,
  textTable,
  wrap,
  type Table,
} from './report-tables.js';

const table: Table = {
  columns: [
    { header: 'model', align: 'left' },
    { header: 'NDCG', align: 'right' },
    { header: 's', align: 'right' },
  ],
  rows: [
    ['iALS', '0.3920', '1.1'],
    ['peer | EASE', { span: 'failed: no numpy' }],
  ],
};

describe('report tables', () => {
  it('aligns text columns (right-aligned numbers) under a rule; a span runs to the end of the row', () => {
    expect(textTable(table)).toBe(
      [
        'model          NDCG    s',
        '───────────  ──────  ───',
        'iALS         0.3920  1.1',
        'peer | EASE  failed: no numpy',
      ].join('\n'),
    );
  });

  it('writes Markdown with escaped pipes, right-aligned rules and a span padded with empty cells', () => {
    expect(markdownTable(table)).toBe(
      [
        '| model | NDCG | s |',
        '|---|---:|---:|',
        '| iALS | 0.3920 | 1.1 |',
        '| peer \\| EASE | failed: no numpy |  |',
      ].join('\n'),
    );
  });

  it('wraps notes as bullets and titles sections in either form', () => {
    expect(wrap('one two three four', 9)).toBe('• one two\n  three\n  four');
    expect(section(false, 'T', ['a note'])).toBe('T\n─\n• a note');
    expect(section(true, 'T', ['a note'])).toBe('#### T\n\na note');
  });

  it('formats missing numbers as n/a', () => {
    expect([f2(1.005), f2(undefined), fmtInt(1234.6), fmtInt(Number.NaN), fmtMinutes(125)]).toEqual([
      '1.00',
      'n/a',
      '1,235',
      'n/a',
      '2 min 5 s',
    ]);
    expect([medianOf([3, 1, 2]), medianOf([4, 1, 2, 3])]).toEqual([2, 2.5]);
  });
});
