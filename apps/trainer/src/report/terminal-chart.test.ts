import type { EpochRecord } from '@edgerec/core';
import { describe, expect, it } from 'vitest';
import { UserError } from '../user-error.js';
import { terminalCurves } from './terminal-chart.js';

/** Val RMSE falls to its lowest at `bestAt`, then creeps up; train RMSE keeps falling. */
function history(epochs: number, bestAt = Math.ceil(epochs / 2)): EpochRecord[] {
  return Array.from({ length: epochs }, (_, i) => {
    const epoch = i + 1;
    const valRmse = 0.9 + (0.002 * (epoch - bestAt) ** 2) / Math.max(1, epochs / 10);
    const rmse = 0.6 + 1.5 / (epoch + 1);
    return { epoch, loss: rmse ** 2 / 16, valLoss: valRmse ** 2 / 16, rmse, valRmse, seconds: 0.1 };
  });
}

const lines = (text: string) => text.split('\n');
const visibleWidth = (line: string) => [...line.replace(/\x1b\[\d+m/g, '')].length;

describe('terminalCurves', () => {
  it('names the kept epoch beside the curve minimum when early stopping kept another epoch', () => {
    const chart = terminalCurves(history(20, 13), { height: 8, width: 60, bestEpoch: 10 });
    const kept = history(20, 13)[9]!.valRmse.toFixed(4);
    expect(lines(chart).at(-1)).toBe(
      `─ val RMSE (best epoch 10: ${kept}, kept by early stopping; curve min 0.9000 at epoch 13)  ┈ train RMSE  · epochs 1–20`,
    );
    expect(lines(terminalCurves(history(20, 13), { bestEpoch: 13 })).at(-1)).toContain(
      '(min 0.9000 at epoch 13, the best epoch)',
    );
    // An epoch outside the history (0: none kept) leaves the plain minimum.
    expect(lines(terminalCurves(history(20, 13), { bestEpoch: 0 })).at(-1)).toContain('(min 0.9000 at epoch 13)');
  });

  it('fits in height rows plus a one-line caption naming the lowest validation RMSE', () => {
    const chart = terminalCurves(history(20, 13), { height: 8, width: 60 });
    const rows = lines(chart);
    expect(rows.length).toBeLessThanOrEqual(8 + 1);
    expect(rows.at(-1)).toBe('─ val RMSE (min 0.9000 at epoch 13)  ┈ train RMSE  · epochs 1–20');
    for (const row of rows.slice(0, -1)) expect(visibleWidth(row)).toBeLessThanOrEqual(60);
    // Both series are drawn: solid for validation, dotted for train.
    expect(chart).toMatch(/[─╭╮╰╯]/);
    expect(chart).toMatch(/[┈┊]/);
    // The axis labels span the data: the top label is the highest RMSE (epoch 1's train RMSE).
    expect(rows[0]).toMatch(/^1\.350 [┤┼]/);
    expect(chart).not.toContain('\x1b['); // plain text unless colour is asked for
  });

  it('reports the first epoch of a tie and honours a small height', () => {
    const tied = history(6).map((r) => ({ ...r, valRmse: r.epoch === 2 || r.epoch === 5 ? 0.8 : 1 }));
    const chart = terminalCurves(tied, { height: 4 });
    expect(lines(chart).length).toBeLessThanOrEqual(5);
    expect(lines(chart).at(-1)).toContain('min 0.8000 at epoch 2');
  });

  it('handles a single epoch', () => {
    const chart = terminalCurves(history(1), { height: 8 });
    expect(lines(chart).length).toBeLessThanOrEqual(9);
    expect(lines(chart).at(-1)).toBe(
      `─ val RMSE (min ${history(1)[0]!.valRmse.toFixed(4)} at epoch 1)  ┈ train RMSE  · epoch 1`,
    );
  });

  it('averages 500 epochs down to the width, and says so', () => {
    const chart = terminalCurves(history(500, 321), { height: 10, width: 64 });
    const rows = lines(chart);
    expect(rows.length).toBeLessThanOrEqual(11);
    for (const row of rows.slice(0, -1)) expect(visibleWidth(row)).toBeLessThanOrEqual(64);
    expect(rows.at(-1)).toMatch(/min 0\.9000 at epoch 321\) .* epochs 1–500, \d+ per column$/);
  });

  it('colours the series when asked, without changing the layout', () => {
    const plain = terminalCurves(history(12), { color: true, height: 6 });
    expect(plain).toContain('\x1b[36m');
    expect(plain).toContain('\x1b[90m');
    expect(plain.replace(/\x1b\[\d+m/g, '')).toBe(terminalCurves(history(12), { height: 6 }));
  });

  it('refuses an empty history with a UserError', () => {
    expect(() => terminalCurves([])).toThrow(UserError);
  });
});
