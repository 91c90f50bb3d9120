import type { EpochRecord } from '@edgerec/core';
import type { TopLevelSpec } from 'vega-lite';
import { UserError } from '../user-error.js';

/** What {@link curvesSpec} and {@link renderCurvesSvg} draw besides the curves. */
export interface CurvesOptions {
  /** Chart title, e.g. the data file and a model summary. */
  title?: string;
  /** A second, smaller title line. */
  subtitle?: string;
  /** The best (restored) epoch, marked with a dashed vertical rule. */
  bestEpoch?: number;
}

/** Series colours: matplotlib's first two, as the seed's `plt.plot(loss); plt.plot(val_loss)` drew them. */
const SERIES = { domain: ['train', 'validation'], range: ['#1f77b4', '#ff7f0e'] };
/** Beyond this many epochs the per-epoch dots would blur into the lines. */
const MAX_EPOCHS_WITH_POINTS = 30;
const PANEL = { width: 380, height: 250 };

type Panel = { fields: [train: keyof EpochRecord, validation: keyof EpochRecord]; title: string; axis: string };

const PANELS: Panel[] = [
  { fields: ['loss', 'valLoss'], title: 'Loss', axis: 'MSE (scaled target)' },
  { fields: ['rmse', 'valRmse'], title: 'RMSE', axis: 'RMSE (rating units)' },
];

/** The vega-lite spec for the training curves: loss and RMSE per epoch, train vs validation, side by side. */
export function curvesSpec(history: readonly EpochRecord[], options: CurvesOptions = {}): TopLevelSpec {
  if (history.length === 0) throw new UserError('no training history to plot: the model has no epochs recorded');
  const epochs = history.map((r) => r.epoch);
  const first = Math.min(...epochs);
  const last = Math.max(...epochs);
  const best = options.bestEpoch;
  if (best !== undefined && !epochs.includes(best)) {
    throw new UserError(`best epoch ${best} is not in the training history (epochs ${first}–${last})`);
  }
  // One row per epoch; each panel folds its two columns into (split, value) pairs.
  const rows = history.map(({ epoch, loss, valLoss, rmse, valRmse }) => ({ epoch, loss, valLoss, rmse, valRmse }));
  const x = {
    field: 'epoch',
    type: 'quantitative',
    title: 'epoch',
    // A lone epoch still gets a readable axis around it.
    scale: first === last ? { domain: [first - 0.5, last + 0.5] } : { domain: [first, last], nice: false },
    // Every epoch labelled on short runs; about six round numbers on long ones.
    axis: { tickMinStep: 1, format: 'd', tickCount: last - first <= 15 ? last - first + 1 : 6 },
  } as const;
  const panel = ({ fields, title, axis }: Panel) => ({
    title,
    ...PANEL,
    layer: [
      {
        data: { name: 'history' },
        transform: [
          { fold: fields, as: ['column', 'value'] as [string, string] },
          { calculate: `datum.column === '${fields[0]}' ? 'train' : 'validation'`, as: 'split' },
        ],
        mark: { type: 'line' as const, strokeWidth: 2, point: history.length <= MAX_EPOCHS_WITH_POINTS },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative' as const, title: axis, scale: { zero: false } },
          color: { field: 'split', type: 'nominal' as const, title: null, scale: SERIES },
        },
      },
      ...(best === undefined
        ? []
        : [
            {
              data: { values: [{ epoch: best, label: `best epoch ${best}` }] },
              mark: { type: 'rule' as const, color: '#555', strokeDash: [5, 4], strokeWidth: 1.5 },
              encoding: { x: { field: 'epoch', type: 'quantitative' as const } },
            },
            {
              data: { values: [{ epoch: best, label: `best epoch ${best}` }] },
              mark: {
                type: 'text' as const,
                color: '#333',
                fontSize: 11,
                baseline: 'top' as const,
                // Keep the label inside the plot: to the right of the rule unless it sits in the right third.
                align: best - first > (last - first) * 0.66 ? ('right' as const) : ('left' as const),
                dx: best - first > (last - first) * 0.66 ? -5 : 5,
                dy: 4,
              },
              encoding: {
                x: { field: 'epoch', type: 'quantitative' as const },
                y: { value: 0 },
                text: { field: 'label' },
              },
            },
          ]),
    ],
  });
  const title = options.title ?? 'Training curves';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    padding: 16,
    title: {
      text: title,
      ...(options.subtitle ? { subtitle: options.subtitle } : {}),
      anchor: 'start',
      fontSize: 15,
      subtitleFontSize: 12,
      subtitleColor: '#444',
      offset: 14,
    },
    datasets: { history: rows },
    hconcat: PANELS.map(panel),
    spacing: 40,
    resolve: { scale: { color: 'shared' } },
    config: {
      font: 'sans-serif',
      view: { stroke: '#ccc' },
      axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#eee' },
      legend: { orient: 'right', labelFontSize: 12, symbolStrokeWidth: 3, symbolType: 'stroke', symbolSize: 300 },
      title: { subtitlePadding: 4 },
    },
  };
}

/** Renders the training curves to a standalone SVG document (no scripts, fonts or network). */
export async function renderCurvesSvg(history: readonly EpochRecord[], options: CurvesOptions = {}): Promise<string> {
  const spec = curvesSpec(history, options);
  // Loaded on demand: vega costs about half a second to import, and only plotting needs it.
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.endsWith('\n') ? svg : `${svg}\n`;
  } finally {
    view.finalize();
  }
}
