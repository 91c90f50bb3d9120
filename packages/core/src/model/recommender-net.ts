import type { Activation } from '../activation.js';
import type { Tf } from './tf.js';

type Tensor1D = import('@tensorflow/tfjs').Tensor1D;
type Variable = import('@tensorflow/tfjs').Variable;

/** Shape and behaviour of a RecommenderNet. */
export interface RecommenderNetConfig {
  users: number;
  items: number;
  /** Embedding size (the seed used 16 or 32). */
  dim: number;
  activation: Activation;
  /** Dropout rate applied to the logit before the activation (the seed: 0.0328). */
  dropout: number;
  /** Constant added to every logit (0 in the seed; a global-mean offset otherwise). */
  globalBias: number;
  /** Embeddings start uniform in [-initScale, initScale] (Keras' default: 0.05). */
  initScale: number;
  seed: number;
}

/** The seed's RecommenderNet as tfjs variables: user/item Embedding(dim) and bias Embedding(1). */
export interface RecommenderNet {
  readonly config: RecommenderNetConfig;
  readonly userEmbedding: Variable;
  readonly itemEmbedding: Variable;
  readonly userBias: Variable;
  readonly itemBias: Variable;
}

/** Float32 copies of a net's weights, row-major. */
export interface FactorTables {
  userFactors: Float32Array;
  itemFactors: Float32Array;
  userBias: Float32Array;
  itemBias: Float32Array;
}

/** Creates the net's variables with Keras' Embedding initialisation (uniform ±initScale), seeded. */
export function createRecommenderNet(tf: Tf, config: RecommenderNetConfig): RecommenderNet {
  const init = (rows: number, width: number, seedOffset: number) =>
    tf.tidy(() =>
      tf.variable(
        tf.randomUniform([rows, width], -config.initScale, config.initScale, 'float32', config.seed * 4 + seedOffset),
      ),
    );
  return {
    config,
    userEmbedding: init(config.users, config.dim, 0),
    itemEmbedding: init(config.items, config.dim, 1),
    userBias: init(config.users, 1, 2),
    itemBias: init(config.items, 1, 3),
  };
}

/** The net's trainable variables. */
export function netVariables(net: RecommenderNet): Variable[] {
  return [net.userEmbedding, net.itemEmbedding, net.userBias, net.itemBias];
}

/** Intermediate tensors of a forward pass, for losses that regularise the looked-up rows. */
export interface ForwardPass {
  /** Output after the activation, shape [batch]. */
  output: Tensor1D;
  userVectors: import('@tensorflow/tfjs').Tensor2D;
  itemVectors: import('@tensorflow/tfjs').Tensor2D;
  userBiases: Tensor1D;
  itemBiases: Tensor1D;
}

/**
 * Forward pass: Embedding lookups, Dot, Add biases, Dropout when training (seeded by
 * `dropoutSeed`), + global offset, activation. Call inside tf.tidy or an optimizer closure.
 */
export function forwardPass(
  tf: Tf,
  net: RecommenderNet,
  users: Tensor1D,
  items: Tensor1D,
  training: boolean,
  dropoutSeed = 0,
): ForwardPass {
  const { activation, dropout, globalBias } = net.config;
  const userVectors = tf.gather(net.userEmbedding, users) as import('@tensorflow/tfjs').Tensor2D;
  const itemVectors = tf.gather(net.itemEmbedding, items) as import('@tensorflow/tfjs').Tensor2D;
  const userBiases = tf.reshape(tf.gather(net.userBias, users), [-1]) as Tensor1D;
  const itemBiases = tf.reshape(tf.gather(net.itemBias, items), [-1]) as Tensor1D;
  let logit = tf.add(tf.add(tf.sum(tf.mul(userVectors, itemVectors), 1), userBiases), itemBiases) as Tensor1D;
  if (training && dropout > 0) logit = tf.dropout(logit, dropout, undefined, dropoutSeed) as Tensor1D;
  // The global offset is a constant, not a learned input: dropout never removes it.
  if (globalBias !== 0) logit = tf.add(logit, globalBias) as Tensor1D;
  const output = activation === 'tanh' ? tf.tanh(logit) : activation === 'sigmoid' ? tf.sigmoid(logit) : logit;
  return { output: output as Tensor1D, userVectors, itemVectors, userBiases, itemBiases };
}

/** Copies the net's weights out of the backend. */
export function exportTables(net: RecommenderNet): FactorTables {
  return {
    userFactors: Float32Array.from(net.userEmbedding.dataSync()),
    itemFactors: Float32Array.from(net.itemEmbedding.dataSync()),
    userBias: Float32Array.from(net.userBias.dataSync()),
    itemBias: Float32Array.from(net.itemBias.dataSync()),
  };
}

/** Overwrites the net's weights with saved tables (used to restore the best epoch). */
export function importTables(tf: Tf, net: RecommenderNet, tables: FactorTables): void {
  tf.tidy(() => {
    net.userEmbedding.assign(tf.tensor(tables.userFactors, net.userEmbedding.shape));
    net.itemEmbedding.assign(tf.tensor(tables.itemFactors, net.itemEmbedding.shape));
    net.userBias.assign(tf.tensor(tables.userBias, net.userBias.shape));
    net.itemBias.assign(tf.tensor(tables.itemBias, net.itemBias.shape));
  });
}

/** Frees the net's variables. */
export function disposeNet(net: RecommenderNet): void {
  for (const variable of netVariables(net)) variable.dispose();
}
