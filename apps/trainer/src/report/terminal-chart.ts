import type { EpochRecord } from '@edgerec/core';
import { plot } from 'asciichart';
import { UserError } from '../user-error.js';

/** Options for {@link terminalCurves}. */
export interface TerminalCurvesOptions {
  /** Total columns, axis labels included (default 64). */
  width?: number;
  /** Chart rows, not counting the caption line (default 8). */
  height?: number;
  /** Colour the series with ANSI escapes (default false: plain text for logs and pipes). */
  color?: boolean;
  /** The epoch early stopping kept; the caption names it beside the curve's minimum when they differ. */
  bestEpoch?: number;
}

const VALIDATION_GLYPHS = ['┼', '┤', '╶', '╴', '─', '╰', '╭', '╮', '╯', '│'] as const;
/** The train series draws dotted so the two lines differ without colour. */
const TRAIN_GLYPHS = ['┼', '┤', '╶', '╴', '┈', '╰', '╭', '╮', '╯', '┊'] as const;
/** Most columns one epoch may take when a short run is stretched across the width. */
const MAX_STRETCH = 6;
const CYAN = '\x1b[36m';
const GRAY = '\x1b[90m';
const RESET = '\x1b[0m';

/**
 * A compact text chart of validation RMSE (solid) and train RMSE (dotted) per epoch, with a caption
 * naming the lowest validation RMSE and its epoch. Long histories are averaged down to fit the width.
 */
export function terminalCurves(history: readonly EpochRecord[], options: TerminalCurvesOptions = {}): string {
  if (history.length === 0) throw new UserError('no training history to chart: the model has no epochs recorded');
  const height = Math.max(1, Math.floor(options.height ?? 8));
  const width = Math.max(1, Math.floor(options.width ?? 64));

  const val = history.map((r) => r.valRmse);
  const train = history.map((r) => r.rmse);
  const min = Math.min(...val, ...train);
  const max = Math.max(...val, ...train);
  const decimals = max - min >= 0.05 || max - min === 0 ? 3 : 4;
  const labelWidth = Math.max(min.toFixed(decimals).length, max.toFixed(decimals).length) + 1;
  // Each point takes one column, the first sharing the axis column after the labels.
  const columns = Math.max(2, width - labelWidth);
  const perColumn = Math.ceil(history.length / columns);
  // Short runs are stretched (straight segments between epochs) so the curves' shapes are readable.
  const stretch =
    history.length > 1 ? Math.max(1, Math.min(MAX_STRETCH, Math.floor((columns - 1) / (history.length - 1)))) : 1;
  const resample = (values: readonly number[]) =>
    perColumn > 1 ? downsample(values, perColumn) : interpolate(values, stretch);

  const config = {
    min,
    max,
    // asciichart draws height + 1 rows.
    height: height - 1,
    offset: 2,
    format: (x: number) => `${x.toFixed(decimals).padStart(labelWidth - 1)} `,
  };
  const valRows = plot(resample(val), { ...config, symbols: [...VALIDATION_GLYPHS] }).split('\n');
  const trainRows = plot(resample(train), { ...config, symbols: [...TRAIN_GLYPHS] }).split('\n');

  const paint = (glyph: string, color: string) => (options.color ? `${color}${glyph}${RESET}` : glyph);
  // Overlay: validation wins where both series fall in the same cell.
  const rows = valRows.map((valRow, y) => {
    const trainRow = trainRows[y] ?? '';
    const cells: Array<{ glyph: string; color?: string }> = [];
    for (let x = labelWidth; x < Math.max(valRow.length, trainRow.length); x++) {
      const v = valRow[x] ?? ' ';
      const t = trainRow[x] ?? ' ';
      if (x === labelWidth)
        cells.push({ glyph: v === '┼' || t === '┼' ? '┼' : v }); // the axis, with either series' start
      else if (v !== ' ') cells.push({ glyph: v, color: CYAN });
      else if (t !== ' ') cells.push({ glyph: t, color: GRAY });
      else cells.push({ glyph: ' ' });
    }
    while (cells.at(-1)?.glyph === ' ') cells.pop();
    let line = valRow.slice(0, labelWidth);
    for (let i = 0; i < cells.length; ) {
      // One escape per run of same-coloured cells.
      let j = i + 1;
      while (j < cells.length && cells[j]!.color === cells[i]!.color) j++;
      const run = cells
        .slice(i, j)
        .map((c) => c.glyph)
        .join('');
      line += cells[i]!.color ? paint(run, cells[i]!.color!) : run;
      i = j;
    }
    return line;
  });

  let best = history[0]!;
  for (const record of history) if (record.valRmse < best.valRmse) best = record;
  const first = history[0]!.epoch;
  const last = history[history.length - 1]!.epoch;
  const span = first === last ? `epoch ${first}` : `epochs ${first}–${last}`;
  const scale = perColumn > 1 ? `, ${perColumn} per column` : '';
  const caption =
    `${paint('─', CYAN)} val RMSE (${validationNote(history, best, options.bestEpoch)})  ` +
    `${paint('┈', GRAY)} train RMSE  · ${span}${scale}`;
  return `${rows.join('\n')}\n${caption}`;
}

/** The caption's words on validation RMSE: its minimum, and the kept epoch when that is another one. */
function validationNote(history: readonly EpochRecord[], lowest: EpochRecord, bestEpoch: number | undefined): string {
  const min = `min ${lowest.valRmse.toFixed(4)} at epoch ${lowest.epoch}`;
  const kept = bestEpoch === undefined ? undefined : history.find((r) => r.epoch === bestEpoch);
  if (!kept) return min;
  if (kept.epoch === lowest.epoch) return `${min}, the best epoch`;
  // Early stopping counts only gains above --min-delta (or, with --no-restore-best, keeps the last epoch).
  return `best epoch ${kept.epoch}: ${kept.valRmse.toFixed(4)}, kept by early stopping; curve ${min}`;
}

/** Averages consecutive groups of `size` values (the last group may be shorter). */
function downsample(values: readonly number[], size: number): number[] {
  if (size <= 1) return [...values];
  const out: number[] = [];
  for (let start = 0; start < values.length; start += size) {
    const group = values.slice(start, start + size);
    out.push(group.reduce((sum, x) => sum + x, 0) / group.length);
  }
  return out;
}

/** Inserts `factor - 1` evenly spaced points between each pair of neighbours. */
function interpolate(values: readonly number[], factor: number): number[] {
  if (factor <= 1 || values.length < 2) return [...values];
  const out: number[] = [];
  for (let i = 0; i < values.length - 1; i++) {
    for (let k = 0; k < factor; k++) out.push(values[i]! + ((values[i + 1]! - values[i]!) * k) / factor);
  }
  out.push(values[values.length - 1]!);
  return out;
}
