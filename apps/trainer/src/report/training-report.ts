import { artifactSchema, type EpochRecord, type HistoryRecord, type TrainingInfo } from '@edgerec/core';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { writeFailureReason } from '../io/errno.js';
import { UserError } from '../user-error.js';
import { renderCurvesSvg, type CurvesOptions } from './curves-svg.js';
import { terminalCurves } from './terminal-chart.js';

/** Options for {@link writeTrainingReport}: the train command's flags and what it wrote. */
export interface TrainingReportOptions {
  /** The artifact JSON text, as written to `out`. */
  artifact: string;
  /** Where the artifact was written. */
  out: string;
  /** `--plot [file]`: true for the default path next to the artifact. */
  plot?: string | boolean;
  /** No terminal chart, and no notes on stderr. */
  quiet?: boolean;
  /** stdout carries JSON only: the `wrote` line goes to stderr. */
  json?: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

/** After training: writes the curves SVG when `--plot` was given and prints the terminal chart unless quiet. */
export async function writeTrainingReport(options: TrainingReportOptions): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const plotPath = options.plot
    ? typeof options.plot === 'string'
      ? options.plot
      : defaultPlotPath(options.out)
    : undefined;
  if (!plotPath && options.quiet) return;
  const training = trainingInfo(options.artifact);

  if (plotPath) {
    if (resolve(plotPath) === resolve(options.out)) {
      throw new UserError(`--plot ${plotPath} would overwrite the model just written; choose another file`);
    }
    await writePlot(plotPath, training, `(the model was written to ${options.out})`);
    if (!options.json) stdout.write(`wrote ${plotPath}\n`);
    else if (!options.quiet) stderr.write(`wrote ${plotPath}\n`);
  }
  if (!options.quiet) {
    const columns = stderr.isTTY && stderr.columns ? stderr.columns : 80;
    const color = stderr.isTTY === true && !process.env.NO_COLOR;
    const epochs = ratingEpochs(training.history);
    const chart = { width: Math.min(64, columns - 1), height: 8, color, bestEpoch: training.bestEpoch };
    if (epochs) stderr.write(`${terminalCurves(epochs, chart)}\n`);
  }
}

/** Renders the curves of `training` to an SVG at `path`, atomically; `context` is appended to write errors. */
export async function writePlot(path: string, training: TrainingInfo, context = ''): Promise<void> {
  const epochs = ratingEpochs(training.history);
  if (!epochs) {
    throw new UserError(
      'curves are drawn for rating models (loss and RMSE per epoch); an interaction model prints its loss and validation NDCG per sweep while it trains',
    );
  }
  const svg = await renderCurvesSvg(epochs, curvesLabels(training));
  try {
    await writeFileAtomic(path, svg);
  } catch (error) {
    throw new UserError(`cannot write plot ${path}: ${writeFailureReason(error)}${context ? ` ${context}` : ''}`);
  }
}

/** `model.json` → `model.curves.svg`, beside the artifact. */
export function defaultPlotPath(artifactPath: string): string {
  return `${artifactPath.replace(/\.json$/i, '')}.curves.svg`;
}

/** Title, subtitle and best epoch for the curves, from the artifact's training metadata. */
export function curvesLabels(training: TrainingInfo): CurvesOptions {
  const hp = training.hyperparameters;
  const model = [
    typeof hp.dim === 'number' ? `dim ${hp.dim}` : undefined,
    typeof hp.activation === 'string' ? hp.activation : undefined,
    typeof hp.dropout === 'number' && hp.dropout > 0 ? `dropout ${hp.dropout}` : undefined,
    typeof hp.l2 === 'number' && hp.l2 > 0 ? `L2 ${hp.l2}` : undefined,
    typeof hp.learningRate === 'number' ? `lr ${hp.learningRate}` : undefined,
    typeof hp.batchSize === 'number' ? `batch ${hp.batchSize}` : undefined,
  ].filter((part) => part !== undefined);
  const { validation, test } = training.metrics;
  const run = [
    `${training.epochs} epoch${training.epochs === 1 ? '' : 's'}${training.stoppedEarly ? ' (stopped early)' : ''}, best ${training.bestEpoch}`,
    validation ? `validation RMSE ${validation.rmse.toFixed(4)}` : undefined,
    test ? `test RMSE ${test.rmse.toFixed(4)}` : undefined,
    `${training.data.ratings.toLocaleString('en-US')} ratings, seed ${training.seed}, ${training.backend}`,
  ].filter((part) => part !== undefined);
  const hasBest = training.history.some((r) => r.epoch === training.bestEpoch);
  return {
    title: `${training.data.file}${model.length > 0 ? ` — ${model.join(', ')}` : ''}`,
    subtitle: run.join(' · '),
    ...(hasBest ? { bestEpoch: training.bestEpoch } : {}),
  };
}

/** The history as rating epochs (loss, RMSE, train and validation), or undefined when it is not one (an interaction head's). */
export function ratingEpochs(history: readonly HistoryRecord[]): EpochRecord[] | undefined {
  const epochs: EpochRecord[] = [];
  for (const { epoch, loss, valLoss, rmse, valRmse, seconds } of history) {
    if (valLoss === undefined || rmse === undefined || valRmse === undefined) return undefined;
    epochs.push({ epoch, loss, valLoss, rmse, valRmse, seconds });
  }
  return epochs;
}

/** The training section of artifact text just produced (its tables are not decoded). */
function trainingInfo(artifact: string): TrainingInfo {
  const parsed = JSON.parse(artifact) as { training?: unknown };
  return artifactSchema.shape.training.parse(parsed.training);
}
