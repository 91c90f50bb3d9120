import type { EngineConfig, TrainingBatch, TrainingEngine, TrainingRows } from './engine.js';
import {
  createRecommenderNet,
  disposeNet,
  exportTables,
  forwardPass,
  importTables,
  netVariables,
  type FactorTables,
} from './recommender-net.js';
import type { Tf } from './tf.js';

type Scalar = import('@tensorflow/tfjs').Scalar;

/**
 * The reference engine: the seed's RecommenderNet as tfjs variables, trained by autodiff
 * (`optimizer.minimize`) with dense Adam, exactly as Keras would. Runs on any backend.
 */
export function createAutodiffEngine(tf: Tf, config: EngineConfig): TrainingEngine {
  const net = createRecommenderNet(tf, config);
  const optimizer = tf.train.adam(config.learningRate, 0.9, 0.999, 1e-7);
  let step = 0;
  return {
    name: 'autodiff',
    setLearningRate(rate) {
      // tfjs' Adam reads this field on every update.
      (optimizer as unknown as { learningRate: number }).learningRate = rate;
    },
    step(batch: TrainingBatch) {
      return tf.tidy(() => {
        const size = batch.size;
        const u = tf.tensor1d(batch.users.subarray(0, size), 'int32');
        const i = tf.tensor1d(batch.items.subarray(0, size), 'int32');
        const y = tf.tensor1d(batch.targets.subarray(0, size));
        let sse = Number.NaN;
        optimizer.minimize(
          () => {
            const pass = forwardPass(tf, net, u, i, true, config.seed * 1_000_003 + step++);
            const fit = tf.mean(tf.squaredDifference(pass.output, y)) as Scalar;
            sse = fit.dataSync()[0]! * size;
            if (config.l2 <= 0) return fit;
            const penalty = tf.mean(
              tf.addN([
                tf.sum(tf.square(pass.userVectors), 1),
                tf.sum(tf.square(pass.itemVectors), 1),
                tf.square(pass.userBiases),
                tf.square(pass.itemBiases),
              ]),
            );
            return tf.add(fit, tf.mul(penalty, config.l2)) as Scalar;
          },
          false,
          netVariables(net),
        );
        return sse;
      });
    },
    meanSquaredError(rows: TrainingRows) {
      const n = rows.targets.length;
      const chunk = 65536;
      let total = 0;
      for (let from = 0; from < n; from += chunk) {
        const to = Math.min(n, from + chunk);
        total += tf.tidy(() => {
          const pass = forwardPass(
            tf,
            net,
            tf.tensor1d(rows.users.subarray(from, to), 'int32'),
            tf.tensor1d(rows.items.subarray(from, to), 'int32'),
            false,
          );
          return tf.sum(tf.squaredDifference(pass.output, tf.tensor1d(rows.targets.subarray(from, to)))).dataSync()[0]!;
        });
      }
      return total / n;
    },
    snapshot: () => exportTables(net),
    restore: (snapshot) => importTables(tf, net, snapshot as FactorTables),
    exportTables: () => exportTables(net),
    dispose() {
      optimizer.dispose();
      disposeNet(net);
    },
  };
}
