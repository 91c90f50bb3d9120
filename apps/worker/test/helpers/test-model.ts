import {
  buildSeenItems,
  createIdIndex,
  gaussian,
  minMaxScale,
  mulberry32,
  serializeArtifact,
  type ArtifactMetadata,
  type RecommenderModel,
  type TableEncoding,
} from '@edgerec/core';

/** Shape of the model bundled for the integration tests. */
export const TEST_MODEL = { users: 50, items: 80, dim: 8, seed: 20260426 } as const;

/** A user id with characters that need URL encoding, to exercise path decoding. */
export const ODD_USER_ID = 'user 7/é';
/** A user who rated all but three items in training. */
export const HEAVY_USER_ID = 'user-1';
/** A user who rated nothing in training. */
export const FRESH_USER_ID = 'user-2';

/** Options of the test model: `seed` makes another version of it (same ids, other tables). */
export interface TestModelOptions {
  seen?: boolean;
  seed?: number;
  createdAt?: string;
  /** How the artifact stores its tables (default 'f32-base64'; 'int8-base64' quantizes the factor tables). */
  tableEncoding?: TableEncoding;
}

/**
 * A deterministic random model (seeded factors and biases, about 20% of pairs "seen" in
 * training). Runs in Node (vitest global setup) and in workerd (unit tests) alike.
 */
export function makeTestModel(options: TestModelOptions = {}): RecommenderModel {
  const { users, items, dim } = TEST_MODEL;
  const seed = options.seed ?? TEST_MODEL.seed;
  const normal = gaussian(seed);
  const uniform = mulberry32(seed + 1);
  const table = (n: number, sd: number) => Float32Array.from({ length: n }, () => normal() * sd);
  const userIds = Array.from({ length: users }, (_, u) => (u === 7 ? ODD_USER_ID : `user-${u}`));
  const itemIds = Array.from({ length: items }, (_, i) => `item-${i}`);
  const seenUsers: number[] = [];
  const seenItems: number[] = [];
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < items; i++) {
      const rated = userIds[u] === HEAVY_USER_ID ? i >= 3 : userIds[u] === FRESH_USER_ID ? false : uniform() < 0.2;
      if (rated) {
        seenUsers.push(u);
        seenItems.push(i);
      }
    }
  }
  return {
    dim,
    activation: 'sigmoid',
    globalBias: 0.4,
    scale: minMaxScale(1, 5),
    recommendThreshold: 3.5,
    users: createIdIndex(userIds),
    items: createIdIndex(itemIds),
    userFactors: table(users * dim, 0.5),
    itemFactors: table(items * dim, 0.5),
    userBias: table(users, 0.3),
    itemBias: table(items, 0.3),
    ...(options.seen === false ? {} : { seen: buildSeenItems(users, seenUsers, seenItems) }),
  };
}

/** Training metadata for the test artifact. */
export function testMetadata(model: RecommenderModel, options: TestModelOptions = {}): ArtifactMetadata {
  const ratings = model.seen?.items.length ?? 0;
  return {
    createdAt: options.createdAt ?? '2026-04-26T12:00:00.000Z',
    stats: { ratings, users: model.users.size, items: model.items.size, globalMean: 3.6 },
    training: {
      data: { file: 'synthetic-ratings.tsv', sha256: '0'.repeat(64), format: 'tsv', ratings },
      seed: options.seed ?? TEST_MODEL.seed,
      epochs: 12,
      bestEpoch: 10,
      stoppedEarly: true,
      backend: 'cpu',
      seconds: 1.25,
      hyperparameters: { dim: TEST_MODEL.dim, learningRate: 0.01 },
      metrics: {
        validation: { rmse: 0.91, mae: 0.72, count: 120 },
        test: { rmse: 0.93, mae: 0.74, count: 118 },
      },
      history: [{ epoch: 1, loss: 0.05, valLoss: 0.06, rmse: 0.95, valRmse: 0.97, seconds: 0.1 }],
    },
  };
}

/** The test model serialized as artifact text. */
export function makeTestArtifact(options: TestModelOptions = {}): Promise<string> {
  const model = makeTestModel(options);
  return serializeArtifact(model, testMetadata(model, options), {
    ...(options.seen === false ? { includeSeen: false } : {}),
    ...(options.tableEncoding ? { tableEncoding: options.tableEncoding } : {}),
  });
}
