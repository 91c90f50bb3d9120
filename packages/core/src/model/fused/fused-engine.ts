import type { EngineConfig, TrainingBatch, TrainingEngine, TrainingRows } from '../engine.js';
import type { Tf } from '../tf.js';
import type { Memberships } from './memberships.js';
import { MF_TRAIN_STEP, registerMfTrainStepKernel, STRUCTURE_INPUTS, type MfTrainStepAttrs } from './mf-step-kernel.js';
import type { MfLoss } from './mf-losses.js';
import { mfMeanSquaredError } from './mf-step.js';
import {
  createMfTables,
  foldTables,
  TABLE_NAMES,
  type MfStructure,
  type MfTables,
  type TableName,
} from './mf-tables.js';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Variable = import('@tensorflow/tfjs').Variable;

/** The fused engine's model description: an engine's, plus the loss the kernel optimises. */
export interface FusedEngineConfig extends EngineConfig {
  /** Default 'mse'; 'bce' needs the sigmoid activation, 'bpr' batches hold pairs (see MfLoss). */
  loss?: MfLoss;
}

/** A batch for the fused engine: optional per-row loss weights (absent = 1). */
export interface FusedBatch extends TrainingBatch {
  weights?: Float32Array;
}

/** The fused engine: a TrainingEngine whose steps take weighted batches and return the summed loss. */
export interface FusedEngine extends TrainingEngine {
  step(batch: FusedBatch): number;
}

/**
 * The fast engine: parameters and Adam moments are tfjs variables on the cpu or wasm backend,
 * and each step is one call of the registered {@link MF_TRAIN_STEP} kernel, which updates only
 * the rows the batch touched. Supports implicit feedback, side features, non-negativity, and the
 * MSE, BCE and BPR losses.
 */
export function createFusedEngine(tf: Tf, config: FusedEngineConfig, structure: MfStructure): FusedEngine {
  registerMfTrainStepKernel(tf);
  const initial = createMfTables(config, structure, config.initScale, config.seed, config.nonneg);
  const params: Partial<Record<TableName, Variable>> = {};
  const moments: Record<string, Variable> = {};
  for (const name of TABLE_NAMES) {
    const table = initial[name];
    if (!table) continue;
    params[name] = tf.variable(tf.tensor1d(table), false);
    moments[`m.${name}`] = tf.variable(tf.zeros([table.length]), false);
    moments[`v.${name}`] = tf.variable(tf.zeros([table.length]), false);
  }
  const structureTensors: Record<string, Tensor> = {};
  for (const key of STRUCTURE_INPUTS) {
    const memberships: Memberships | undefined = structure[key];
    if (!memberships) continue;
    structureTensors[`${key}.offsets`] = tf.tensor1d(memberships.offsets, 'int32');
    structureTensors[`${key}.members`] = tf.tensor1d(
      memberships.members.length > 0 ? memberships.members : Int32Array.of(0),
      'int32',
    );
    structureTensors[`${key}.weights`] = tf.tensor1d(memberships.weights);
  }
  let step = 0;
  let learningRate = config.learningRate;
  const attrs = (): MfTrainStepAttrs => ({
    dim: config.dim,
    activation: config.activation,
    globalBias: config.globalBias,
    dropout: config.dropout,
    l2: config.l2,
    learningRate,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    nonneg: config.nonneg,
    loss: config.loss ?? 'mse',
    step,
    seed: config.seed + 99,
  });
  const readTables = (): MfTables => {
    const out = { dim: config.dim } as { -readonly [K in keyof MfTables]: MfTables[K] };
    for (const name of TABLE_NAMES) {
      const variable = params[name];
      if (variable) out[name] = Float32Array.from(variable.dataSync() as Float32Array);
    }
    return out;
  };

  return {
    name: 'fused',
    setLearningRate(rate) {
      learningRate = rate;
    },
    step(batch: FusedBatch) {
      step++;
      const size = batch.size;
      const batchTensors: Record<string, Tensor> = {
        users: tf.tensor1d(batch.users.subarray(0, size), 'int32'),
        items: tf.tensor1d(batch.items.subarray(0, size), 'int32'),
        targets: tf.tensor1d(batch.targets.subarray(0, size)),
        ...(batch.weights ? { weights: tf.tensor1d(batch.weights.subarray(0, size)) } : {}),
      };
      const out = tf
        .engine()
        .runKernel(
          MF_TRAIN_STEP,
          { ...batchTensors, ...params, ...moments, ...structureTensors } as Record<string, Tensor>,
          attrs() as unknown as Record<string, number | string>,
        ) as Tensor;
      const loss = out.dataSync()[0]!;
      out.dispose();
      for (const t of Object.values(batchTensors)) t.dispose();
      return loss;
    },
    meanSquaredError: (rows: TrainingRows) => mfMeanSquaredError(readTables(), structure, rows, config),
    snapshot: () => readTables(),
    restore(snapshot) {
      const tables = snapshot as MfTables;
      tf.tidy(() => {
        for (const name of TABLE_NAMES) {
          const table = tables[name];
          if (table) params[name]!.assign(tf.tensor1d(table));
        }
      });
    },
    exportTables: () => foldTables(readTables(), structure),
    dispose() {
      for (const t of [...Object.values(params), ...Object.values(moments), ...Object.values(structureTensors)])
        t?.dispose();
    },
  };
}
