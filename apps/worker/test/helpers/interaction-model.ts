import {
  SCORE_SCALE,
  gaussian,
  gramian,
  itemPopularity,
  parseArtifact,
  serializeArtifact,
  sha256Hex,
  type Activation,
  type ArtifactMetadata,
  type InteractionFoldIn,
  type LoadedArtifact,
  type RecommenderModel,
} from '@edgerec/core';
import { TEST_MODEL, makeTestArtifact, makeTestModel, testMetadata } from './test-model';

/** Dim of the interaction heads (not the rating model's 8, so a mixed-up table fails loudly). */
export const HEAD_DIM = 6;

/** The iALS objective constants of the test heads (their Gramian is computed from the item table). */
export const TEST_IALS = {
  method: 'ials',
  unobservedWeight: 0.1,
  l2: 0.05,
  regExponent: 0,
  confidence: { mode: 'linear', alpha: 2 },
} as const satisfies Omit<InteractionFoldIn, 'gramian'>;

/** The ranking metrics the test artifacts store. */
export const TEST_RANKING_METRICS = {
  validation: { k: 10, precision: 0.21, recall: 0.34, ndcg: 0.29, map: 0.12, hitRate: 0.71, coverage: 0.55, users: 48 },
  test: { k: 10, precision: 0.2, recall: 0.32, ndcg: 0.27, map: 0.11, hitRate: 0.69, coverage: 0.54, users: 47 },
};

/** Options of the test interaction head. */
export interface InteractionModelOptions {
  /** 'linear' (iALS: zero biases, fold-in parameters, default) or 'sigmoid' (a BCE-trained head: biases, no fold-in). */
  activation?: Extract<Activation, 'linear' | 'sigmoid'>;
  /** Store per-item popularity (default true). */
  popularity?: boolean;
  seed?: number;
}

/**
 * An interaction model on the test model's ids and seen lists (50 users × 80 items), dim
 * {@link HEAD_DIM}: a linear iALS head (threshold 0.3, roughly one pair in six recommended) or a
 * sigmoid head (threshold 0.5). Runs in Node and in workerd alike.
 */
export function makeInteractionModel(options: InteractionModelOptions = {}): RecommenderModel {
  const activation = options.activation ?? 'linear';
  const seed = options.seed ?? TEST_MODEL.seed + 17;
  const base = makeTestModel();
  const normal = gaussian(seed);
  const table = (n: number, sd: number) => Float32Array.from({ length: n }, () => normal() * sd);
  const { users, items } = TEST_MODEL;
  const ials = activation === 'linear';
  const itemFactors = table(items * HEAD_DIM, ials ? 0.35 : 0.6);
  return {
    objective: 'interaction',
    dim: HEAD_DIM,
    activation,
    globalBias: ials ? 0 : -0.5,
    scale: SCORE_SCALE,
    recommendThreshold: ials ? 0.3 : 0.5,
    users: base.users,
    items: base.items,
    userFactors: table(users * HEAD_DIM, ials ? 0.35 : 0.6),
    itemFactors,
    userBias: ials ? new Float32Array(users) : table(users, 0.3),
    itemBias: ials ? new Float32Array(items) : table(items, 0.3),
    seen: base.seen!,
    ...(options.popularity === false ? {} : { popularity: itemPopularity(items, base.seen!) }),
    ...(ials
      ? {
          foldIn: {
            ...TEST_IALS,
            confidence: { ...TEST_IALS.confidence },
            gramian: gramian(itemFactors, items, HEAD_DIM),
          },
        }
      : {}),
  };
}

/** The test rating model with an interaction head beside it (sharing its ids, seen lists and popularity). */
export function makeRankedRatingModel(head: InteractionModelOptions = {}): RecommenderModel {
  const rating = makeTestModel();
  const ranking = { ...makeInteractionModel(head), users: rating.users, items: rating.items, seen: rating.seen! };
  const popularity = itemPopularity(TEST_MODEL.items, rating.seen!);
  return { ...rating, popularity, ranking: { ...ranking, popularity } };
}

const headTraining = (
  activation: Activation,
): { method: string; seconds: number; hyperparameters: Record<string, number> } =>
  activation === 'linear'
    ? { method: 'ials', seconds: 0.4, hyperparameters: { dim: HEAD_DIM, unobservedWeight: TEST_IALS.unobservedWeight } }
    : { method: 'sampled-bce', seconds: 0.6, hyperparameters: { dim: HEAD_DIM, negatives: 4 } };

/** Training metadata of an interaction artifact. */
export function interactionMetadata(model: RecommenderModel): ArtifactMetadata {
  const interactions = model.seen?.items.length ?? 0;
  return {
    createdAt: '2026-05-02T12:00:00.000Z',
    stats: { ratings: interactions, users: model.users.size, items: model.items.size },
    training: {
      data: { file: 'synthetic-clicks.tsv', sha256: '1'.repeat(64), format: 'tsv', ratings: interactions },
      seed: TEST_MODEL.seed,
      epochs: 8,
      bestEpoch: 8,
      stoppedEarly: false,
      backend: headTraining(model.activation).method,
      seconds: 0.4,
      hyperparameters: headTraining(model.activation).hyperparameters,
      metrics: { ranking: TEST_RANKING_METRICS },
      history: [{ epoch: 1, loss: 0.4, seconds: 0.05, valNdcg: 0.2 }],
    },
  };
}

/** Training metadata of a rating artifact with a ranking head. */
export function rankedMetadata(model: RecommenderModel): ArtifactMetadata {
  const rating = testMetadata(model);
  return {
    ...rating,
    training: { ...rating.training, metrics: { ...rating.training.metrics, ranking: TEST_RANKING_METRICS } },
    rankingTraining: headTraining(model.ranking!.activation),
  };
}

/** The interaction model serialized (version 2). */
export function makeInteractionArtifact(options: InteractionModelOptions = {}): Promise<string> {
  const model = makeInteractionModel(options);
  return serializeArtifact(model, interactionMetadata(model));
}

/** The rating model with a ranking head, serialized (version 2). */
export function makeRankedArtifact(head: InteractionModelOptions = {}): Promise<string> {
  const model = makeRankedRatingModel(head);
  return serializeArtifact(model, rankedMetadata(model));
}

/**
 * The test rating model as a version-1 file: the version-2 text with `version: 1`, without
 * `objective`, re-signed as the version-1 writer did (sha256 of the text of every other field).
 */
export async function makeVersion1Artifact(): Promise<string> {
  const {
    sha256: _v2,
    objective: _objective,
    ...body
  } = JSON.parse(await makeTestArtifact()) as Record<string, unknown>;
  const text = JSON.stringify({ ...body, version: 1 });
  return `${text.slice(0, -1)},"sha256":"${await sha256Hex(text)}"}`;
}

/** Parses artifact text as the worker does. */
export function loadArtifact(text: string): Promise<LoadedArtifact> {
  return parseArtifact(text, { source: 'test artifact' });
}
