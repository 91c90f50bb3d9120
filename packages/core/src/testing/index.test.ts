import { describe, expect, it } from 'vitest';
import { parseArtifact } from '../artifact/read.js';
import { serializeArtifact } from '../artifact/write.js';
import { handMadeMetadata, randomInteractionModel, randomRatingModel, reseal, TEST_METADATA } from './index.js';

describe('the testing entry', () => {
  it('builds rating and interaction models that serialize to valid artifacts', async () => {
    const rating = await parseArtifact(await serializeArtifact(randomRatingModel(), TEST_METADATA));
    expect(rating.model.users.size).toBe(TEST_METADATA.stats.users);
    const model = randomInteractionModel({ users: 4, items: 6, dim: 3, seed: 2, biases: true });
    const interaction = await parseArtifact(await serializeArtifact(model, handMadeMetadata(model)));
    expect(interaction.model.objective).toBe('interaction');
    expect(Array.from(interaction.model.items.ids)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5', 'i6']);
  });

  it('reseals an edited artifact so that its checksum passes again', async () => {
    const json = JSON.parse(await serializeArtifact(randomRatingModel(), TEST_METADATA)) as Record<string, any>;
    json.recommendThreshold = 4;
    await expect(parseArtifact(JSON.stringify(json))).rejects.toMatchObject({ code: 'checksum' });
    expect((await parseArtifact(await reseal(json))).model.recommendThreshold).toBe(4);
  });
});
