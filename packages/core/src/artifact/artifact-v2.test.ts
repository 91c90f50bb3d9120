import { describe, expect, it } from 'vitest';
import { foldInInteractions } from '../ials/fold-in.js';
import { gramian } from '../ials/gramian.js';
import { itemPopularity } from '../popularity.js';
import type { RecommenderModel } from '../recommender-model.js';
import { SCORE_SCALE } from '../scale.js';
import { randomRatingModel } from '../testing/rating-model.js';
import { toFloat32 } from '../factor-table.js';
import { ArtifactError } from './errors.js';
import { sha256Hex } from './hash.js';
import { parseArtifact } from './read.js';
import { serializeArtifact, type ArtifactMetadata } from './write.js';

const training: ArtifactMetadata['training'] = {
  data: { file: 'clicks.tsv', sha256: 'cd'.repeat(32), format: 'tsv', ratings: 40 },
  seed: 7,
  epochs: 4,
  bestEpoch: 4,
  stoppedEarly: false,
  backend: 'ials',
  seconds: 0.2,
  hyperparameters: { dim: 4, unobservedWeight: 0.2 },
  metrics: {
    ranking: {
      validation: { k: 10, precision: 0.2, recall: 0.3, ndcg: 0.25, map: 0.1, hitRate: 0.6, coverage: 0.5, users: 7 },
    },
  },
  history: [{ epoch: 1, loss: 0.5, seconds: 0.05, valNdcg: 0.2 }],
};
const foldIn = {
  method: 'ials' as const,
  unobservedWeight: 0.2,
  l2: 0.5,
  regExponent: 0,
  confidence: { mode: 'binary' as const, alpha: 0 },
};

/** An interaction model: random tables, zero biases, popularity from its seen lists, iALS fold-in. */
function interactionModel(dim = 4): RecommenderModel {
  const base = randomRatingModel({ users: 7, items: 11, dim, activation: 'linear' });
  return {
    ...base,
    objective: 'interaction',
    globalBias: 0,
    scale: SCORE_SCALE,
    recommendThreshold: 0.3,
    userBias: new Float32Array(7),
    itemBias: new Float32Array(11),
    popularity: itemPopularity(11, base.seen!),
    foldIn: { ...foldIn, gramian: gramian(base.itemFactors, 11, dim) },
  };
}

async function resign(json: Record<string, unknown>): Promise<string> {
  const { sha256: _old, ...body } = json;
  return JSON.stringify({ ...body, sha256: await sha256Hex(JSON.stringify(body)) });
}

async function rejection(text: string): Promise<ArtifactError> {
  const error = await parseArtifact(text, { source: 'm.json' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ArtifactError);
  return error as ArtifactError;
}

describe('version-2 artifacts', () => {
  it('round-trips an interaction model: objective, no scale, popularity and fold-in', async () => {
    const model = interactionModel();
    const text = await serializeArtifact(model, { stats: { ratings: 40, users: 7, items: 11 }, training });
    const json = JSON.parse(text);
    expect(json.version).toBe(2);
    expect(json.objective).toBe('interaction');
    expect(json.scale).toBeUndefined();
    const { model: back, meta } = await parseArtifact(text);
    expect(back.objective).toBe('interaction');
    expect(back.scale).toEqual(SCORE_SCALE);
    expect(Array.from(back.popularity!)).toEqual(Array.from(model.popularity!));
    expect(back.foldIn?.unobservedWeight).toBe(0.2);
    const want = gramian(model.itemFactors as Float32Array, 11, 4);
    for (let k = 0; k < want.length; k++) expect(back.foldIn!.gramian[k]).toBeCloseTo(want[k]!, 5);
    expect(meta.fileVersion).toBe(2);
    expect(meta.training.metrics.ranking?.validation?.ndcg).toBe(0.25);
  });

  it('stores the Gramian of the int8 item table it writes, so the edge folds in against what it scores', async () => {
    const model = interactionModel(8);
    const text = await serializeArtifact(
      model,
      { stats: { ratings: 40, users: 7, items: 11 }, training },
      { tableEncoding: 'int8-base64' },
    );
    const { model: back } = await parseArtifact(text);
    const quantized = toFloat32(back.itemFactors, 8);
    const want = gramian(quantized, 11, 8);
    const exact = gramian(model.itemFactors as Float32Array, 11, 8);
    let fromQuantized = 0;
    let fromExact = 0;
    for (let k = 0; k < want.length; k++) {
      fromQuantized = Math.max(fromQuantized, Math.abs(back.foldIn!.gramian[k]! - want[k]!));
      fromExact = Math.max(fromExact, Math.abs(back.foldIn!.gramian[k]! - exact[k]!));
    }
    expect(fromQuantized).toBeLessThan(1e-5);
    expect(fromExact).toBeGreaterThan(fromQuantized);
    // And the loaded model folds in.
    expect(foldInInteractions(back, [{ item: 1 }, { item: 2, weight: 3 }]).factors).toHaveLength(8);
  });

  it('round-trips a rating model with an interaction head beside it', async () => {
    const rating = randomRatingModel({ users: 7, items: 11, dim: 5 });
    const head = { ...interactionModel(4), users: rating.users, items: rating.items, seen: rating.seen };
    const model: RecommenderModel = {
      ...rating,
      popularity: head.popularity,
      ranking: { ...head, popularity: head.popularity },
    };
    const text = await serializeArtifact(model, {
      stats: { ratings: 40, users: 7, items: 11, globalMean: 3.4 },
      training: { ...training, history: [{ epoch: 1, loss: 0.1, valLoss: 0.2, rmse: 1, valRmse: 1.1, seconds: 0.1 }] },
      rankingTraining: { method: 'ials', seconds: 0.1, hyperparameters: { dim: 4 } },
    });
    const { model: back, meta } = await parseArtifact(text);
    expect(back.objective).toBe('rating');
    expect(back.ranking?.objective).toBe('interaction');
    expect(back.ranking?.dim).toBe(4);
    expect(back.ranking?.users).toBe(back.users);
    expect(back.ranking?.seen).toBe(back.seen);
    expect(back.ranking?.foldIn).toBeDefined();
    expect(back.foldIn).toBeUndefined();
    expect(Array.from(back.ranking!.itemFactors as Float32Array)).toEqual(Array.from(head.itemFactors as Float32Array));
    expect(meta.ranking?.training.method).toBe('ials');
    expect((meta.ranking as Record<string, unknown>).users).toBeUndefined();
  });

  it('reads a version-1 file as a rating model', async () => {
    const model = randomRatingModel();
    const json = JSON.parse(
      await serializeArtifact(model, {
        stats: { ratings: 20, users: 7, items: 11, globalMean: 3.5 },
        training: {
          ...training,
          metrics: {},
          history: [{ epoch: 1, loss: 0.1, valLoss: 0.2, rmse: 1, valRmse: 1.1, seconds: 0.1 }],
        },
      }),
    );
    json.version = 1;
    delete json.objective;
    const { model: back, meta } = await parseArtifact(await resign(json));
    expect(back.objective).toBe('rating');
    expect(meta.fileVersion).toBe(1);
    expect(meta.objective).toBe('rating');
    expect(back.scale).toEqual(model.scale);
  });

  it('rejects a version-1 file with version-2 history records (they need every rating field)', async () => {
    const json = JSON.parse(
      await serializeArtifact(randomRatingModel(), {
        stats: { ratings: 20, users: 7, items: 11, globalMean: 3.5 },
        training,
      }),
    );
    json.version = 1;
    delete json.objective;
    const error = await rejection(await resign(json));
    expect(error.code).toBe('schema');
    expect(error.message).toMatch(/training\.history\.0\.valLoss/);
  });

  it('rejects a rating model without its scale or global mean, and an interaction model with a ranking head', async () => {
    const json = JSON.parse(
      await serializeArtifact(randomRatingModel(), {
        stats: { ratings: 20, users: 7, items: 11, globalMean: 3.5 },
        training,
      }),
    );
    delete json.scale;
    delete json.stats.globalMean;
    const error = await rejection(await resign(json));
    expect(error.message).toMatch(/scale: a rating model needs its rating scale/);
    expect(error.message).toMatch(/stats\.globalMean/);

    const interaction = JSON.parse(
      await serializeArtifact(interactionModel(), { stats: { ratings: 40, users: 7, items: 11 }, training }),
    );
    interaction.ranking = { objective: 'interaction' };
    expect((await rejection(await resign(interaction))).message).toMatch(/ranking/);
  });

  it('rejects a popularity table or Gramian of the wrong length, and a negative count', async () => {
    const good = JSON.parse(
      await serializeArtifact(interactionModel(), { stats: { ratings: 40, users: 7, items: 11 }, training }),
    );
    const shortPopularity = structuredClone(good);
    shortPopularity.items.popularity = { encoding: 'json', length: 3, data: [1, 2, 3] };
    expect((await rejection(await resign(shortPopularity))).message).toMatch(
      /items\.popularity declares 3 values, expected 11/,
    );

    const negative = structuredClone(good);
    negative.items.popularity = { encoding: 'json', length: 11, data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -1] };
    expect((await rejection(await resign(negative))).message).toMatch(/negative count/);

    const gram = structuredClone(good);
    gram.foldIn.gramian = { encoding: 'json', length: 4, data: [1, 0, 0, 1] };
    expect((await rejection(await resign(gram))).message).toMatch(/foldIn\.gramian declares 4 values, expected 16/);

    const badMode = structuredClone(good);
    badMode.foldIn.confidence.mode = 'cubic';
    expect((await rejection(await resign(badMode))).code).toBe('schema');
  });
});
