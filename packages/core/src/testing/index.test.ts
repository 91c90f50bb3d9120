import { describe, expect, it } from 'vitest';
import { parseArtifact } from '../artifact/read.js';
import { foldInInteractions } from '../ials/fold-in.js';
import { serializeArtifact } from '../artifact/write.js';
import {
  gaussianRatingModel,
  handMadeMetadata,
  randomInteractionModel,
  randomRatingModel,
  reseal,
  TEST_METADATA,
} from './index.js';

describe('the testing entry', () => {
  it('builds rating and interaction models that serialize to valid artifacts', async () => {
    const rating = await parseArtifact(await serializeArtifact(randomRatingModel(), TEST_METADATA));
    expect(rating.model.users.size).toBe(TEST_METADATA.stats.users);
    const model = randomInteractionModel({ users: 4, items: 6, dim: 3, seed: 2, biases: true });
    const interaction = await parseArtifact(await serializeArtifact(model, handMadeMetadata(model)));
    expect(interaction.model.objective).toBe('interaction');
    expect(Array.from(interaction.model.items.ids)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5', 'i6']);
  });

  it('builds gaussian rating models of a given shape, the same for a seed, with the seen pairs asked for', () => {
    const a = gaussianRatingModel({ users: 30, items: 40, dim: 4, seed: 3, seenPairs: 100 });
    expect(a.userFactors.length).toBe(120);
    expect(a.itemBias.length).toBe(40);
    expect(a.items.ids[39]).toBe('i39');
    expect(a.seen!.offsets[30]).toBeLessThanOrEqual(100); // repeated random pairs count once
    expect(a.seen!.offsets[30]).toBeGreaterThan(80);
    expect(gaussianRatingModel({ users: 30, items: 40, dim: 4, seed: 3, seenPairs: 100 }).userFactors).toEqual(
      a.userFactors,
    );
    expect(gaussianRatingModel({ users: 30, items: 40, dim: 4, seed: 4 }).userFactors).not.toEqual(a.userFactors);
    expect(gaussianRatingModel({ users: 3, items: 4 }).seen).toBeUndefined();
  });

  it('builds an iALS model that folds in a new user, with the Gramian of its item table', async () => {
    const foldIn = {
      method: 'ials',
      unobservedWeight: 0.1,
      l2: 0.05,
      regExponent: 0,
      confidence: { mode: 'linear', alpha: 2 },
    } as const;
    const model = randomInteractionModel({ users: 3, items: 5, dim: 2, seed: 4, foldIn });
    const loaded = await parseArtifact(await serializeArtifact(model, handMadeMetadata(model)));
    const q = model.itemFactors as Float32Array;
    const g01 = q.reduce((sum, _, j) => (j % 2 === 0 ? sum + q[j]! * q[j + 1]! : sum), 0);
    expect(loaded.model.foldIn?.gramian[1]).toBeCloseTo(g01, 5);
    expect(foldInInteractions(loaded.model, [{ item: 1, weight: 1 }]).factors).toHaveLength(2);
  });

  it('reseals an edited artifact so that its checksum passes again', async () => {
    const json = JSON.parse(await serializeArtifact(randomRatingModel(), TEST_METADATA)) as Record<string, any>;
    json.recommendThreshold = 4;
    await expect(parseArtifact(JSON.stringify(json))).rejects.toMatchObject({ code: 'checksum' });
    expect((await parseArtifact(await reseal(json))).model.recommendThreshold).toBe(4);
  });
});
