import { SingleBar } from 'cli-progress';
import type { EpochRecord, HistoryRecord } from '@edgerec/core';

/** Prints training progress to stderr: a line per epoch, and a bar with ETA inside long epochs on a TTY. */
export interface TrainingProgress {
  info(line: string): void;
  readProgress(file: string, bytesRead: number, totalBytes: number): void;
  epochStart(epoch: number, batches: number): void;
  batch(epoch: number, batch: number, batches: number): void;
  epoch(record: EpochRecord): void;
  refitEpoch(epoch: number, epochs: number, loss: number, seconds: number): void;
  /** A sweep (iALS) or epoch (bce/bpr) of an interaction head: loss, and validation NDCG@10 when validated. */
  interactionEpoch(record: HistoryRecord, phase: 'train' | 'refit', label: string): void;
  stop(): void;
}

/** Options for {@link createTrainingProgress}. */
export interface TrainingProgressOptions {
  maxEpochs: number;
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
}

/** Creates the terminal reporter the train command uses. */
export function createTrainingProgress(options: TrainingProgressOptions): TrainingProgress {
  const stream = options.stream ?? process.stderr;
  const interactive = stream.isTTY === true && !options.quiet;
  const width = String(options.maxEpochs).length;
  let bar: SingleBar | undefined;
  let readBar: SingleBar | undefined;
  const write = (line: string) => {
    if (!options.quiet || isWarning(line)) stream.write(`${line}\n`);
  };
  const stopBar = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    info: write,
    readProgress(file, bytesRead, totalBytes) {
      // Only files big enough to wait for get a bar.
      if (!interactive || totalBytes < 50_000_000) return;
      if (!readBar) {
        readBar = new SingleBar({
          stream,
          format: `reading ${file} [{bar}] {percentage}% | ETA {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: true,
        });
        readBar.start(totalBytes, 0);
      }
      readBar.update(bytesRead);
      if (bytesRead >= totalBytes) {
        readBar.stop();
        readBar = undefined;
      }
    },
    epochStart(epoch, batches) {
      // A bar is worth drawing only when an epoch has many batches (ML-1M scale and up).
      if (!interactive || batches < 200) return;
      bar = new SingleBar({
        stream,
        format: `epoch ${String(epoch).padStart(width)}/${options.maxEpochs} [{bar}] {value}/{total} batches | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      });
      bar.start(batches, 0);
    },
    batch(_epoch, batch) {
      if (bar && (batch & 7) === 0) bar.update(batch);
    },
    epoch(record) {
      stopBar();
      write(
        `epoch ${String(record.epoch).padStart(width)}/${options.maxEpochs}  ` +
          `loss ${record.loss.toFixed(5)}  val_loss ${record.valLoss.toFixed(5)}  ` +
          `rmse ${record.rmse.toFixed(4)}  val_rmse ${record.valRmse.toFixed(4)}  ${record.seconds.toFixed(2)}s`,
      );
    },
    refitEpoch(epoch, epochs, loss, seconds) {
      stopBar();
      if (epoch === 1) write(`refitting on training + validation rows for ${epochs} epochs (the best epoch count)`);
      write(`refit ${String(epoch).padStart(width)}/${epochs}  loss ${loss.toFixed(5)}  ${seconds.toFixed(2)}s`);
    },
    interactionEpoch(record, phase, label) {
      stopBar();
      const ndcg = record.valNdcg === undefined ? '' : `  val NDCG@10 ${record.valNdcg.toFixed(4)}`;
      const name = phase === 'refit' ? `refit ${label}` : label;
      write(
        `${name} ${String(record.epoch).padStart(2)}  loss ${record.loss.toFixed(5)}${ndcg}  ${record.seconds.toFixed(2)}s`,
      );
    },
    stop() {
      stopBar();
      readBar?.stop();
    },
  };
}

/** Whether a progress line is a warning, which --quiet does not hide. */
export function isWarning(line: string): boolean {
  return line.startsWith('warning:');
}

/** A stderr logger for progress lines: silent with `quiet`, except for warnings. */
export function stderrLog(quiet: boolean): (line: string) => void {
  return (line) => {
    if (!quiet || isWarning(line)) process.stderr.write(`${line}\n`);
  };
}
