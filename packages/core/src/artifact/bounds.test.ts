import { describe, expect, it } from 'vitest';
import { randomRatingModel } from '../testing/rating-model.js';
import { reseal, TEST_METADATA } from '../testing/artifact-fixtures.js';
import { MAX_DIM, MAX_ID_LENGTH } from '../limits.js';
import { base64ByteLength } from './bounds.js';
import { ArtifactError } from './errors.js';
import { parseArtifact, type ParseOptions } from './read.js';
import { serializeArtifact } from './write.js';

type Json = Record<string, any>;

async function artifactJson(options: Parameters<typeof randomRatingModel>[0] = {}): Promise<Json> {
  return JSON.parse(await serializeArtifact(randomRatingModel(options), TEST_METADATA)) as Json;
}

async function rejection(text: string, options: ParseOptions = {}): Promise<ArtifactError> {
  const error = await parseArtifact(text, { source: 'model.json', ...options }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ArtifactError);
  return error as ArtifactError;
}

describe('artifact bounds (hostile files whose sha256 was recomputed)', () => {
  it('refuses seen pairs its bytes cannot hold before allocating them (1e9 and 4e9 pairs)', async () => {
    for (const pairs of [1e9, 4e9]) {
      const json = await artifactJson();
      json.seen.pairs = pairs;
      const error = await rejection(await reseal(json));
      expect(error.code).toBe('inconsistent');
      expect(error.message).toMatch(new RegExp(`seen declares ${pairs} pairs, more than users × items`));
    }
  });

  it('refuses seen pairs that fit users × items but not the varint bytes', async () => {
    const json = await artifactJson({ users: 7, items: 11 });
    json.seen.pairs = 70;
    const error = await rejection(await reseal(json));
    expect(error.message).toMatch(/seen declares 70 pairs for 7 users, more than its \d+ bytes can hold/);
  });

  it('refuses a huge dim, even with empty tables', async () => {
    const json = await artifactJson();
    Object.assign(json.model, { dim: 1e9 });
    json.users = {
      ids: [],
      factors: { encoding: 'json', length: 0, data: [] },
      bias: { encoding: 'json', length: 0, data: [] },
    };
    json.items = {
      ids: [],
      factors: { encoding: 'json', length: 0, data: [] },
      bias: { encoding: 'json', length: 0, data: [] },
    };
    delete json.seen;
    const error = await rejection(await reseal(json));
    expect(error.code).toBe('schema');
    expect(error.message).toMatch(new RegExp(`model\\.dim: .*${MAX_DIM}`));
  });

  it('refuses a model without items', async () => {
    const json = await artifactJson();
    json.items = {
      ids: [],
      factors: { encoding: 'json', length: 0, data: [] },
      bias: { encoding: 'json', length: 0, data: [] },
    };
    delete json.seen;
    json.users.factors = { encoding: 'json', length: 0, data: [] };
    json.users.bias = { encoding: 'json', length: 0, data: [] };
    json.users.ids = [];
    const error = await rejection(await reseal(json));
    expect(error.code).toBe('inconsistent');
    expect(error.message).toMatch(/items\.ids is empty/);
  });

  it('keeps the threshold inside the rating scale', async () => {
    for (const threshold of [99, 0.5]) {
      const json = await artifactJson();
      json.recommendThreshold = threshold;
      const error = await rejection(await reseal(json));
      expect(error.code).toBe('inconsistent');
      expect(error.message).toMatch(
        new RegExp(`recommendThreshold ${threshold} is outside the rating scale \\[1, 5\\]`),
      );
    }
    const edge = await artifactJson();
    edge.recommendThreshold = 5;
    await expect(parseArtifact(await reseal(edge))).resolves.toBeDefined();
  });

  it('keeps an interaction threshold inside its activation range', async () => {
    const model = {
      ...randomRatingModel({ activation: 'sigmoid' }),
      objective: 'interaction' as const,
      recommendThreshold: 0.5,
    };
    const { globalMean: _mean, ...stats } = TEST_METADATA.stats;
    const json = JSON.parse(await serializeArtifact(model, { ...TEST_METADATA, stats })) as Json;
    await expect(parseArtifact(JSON.stringify(json))).resolves.toBeDefined();
    json.recommendThreshold = 2;
    const error = await rejection(await reseal(json));
    expect(error.message).toMatch(/recommendThreshold 2 is outside the sigmoid head's output range \[0, 1\]/);
  });

  it('refuses ids the Worker could not serve', async () => {
    const json = await artifactJson();
    json.users.ids[3] = 'u'.repeat(MAX_ID_LENGTH + 1);
    const error = await rejection(await reseal(json));
    expect(error.message).toMatch(new RegExp(`users\\.ids\\[3\\] is ${MAX_ID_LENGTH + 1} characters long`));
    json.users.ids[3] = 'u'.repeat(MAX_ID_LENGTH);
    await expect(parseArtifact(await reseal(json))).resolves.toBeDefined();
  });

  it('checks every base64 table against its declared length before decoding', async () => {
    const json = await artifactJson({ users: 7, items: 11, dim: 5 });
    json.items.factors.data = json.items.factors.data.slice(0, 40);
    const error = await rejection(await reseal(json));
    expect(error.message).toMatch(/items\.factors\.data holds 30 bytes, but 55 float32 values take 220/);
    const declared = await artifactJson({ users: 7, items: 11, dim: 5 });
    declared.users.factors.length = 1e9;
    expect((await rejection(await reseal(declared))).message).toMatch(
      /users\.factors declares 1000000000 values, expected 35 \(7 rows × dim 5\)/,
    );
  });

  it('refuses an artifact whose decoded tables exceed the budget, naming both sizes', async () => {
    const text = await serializeArtifact(randomRatingModel({ users: 200, items: 300, dim: 16 }), TEST_METADATA);
    const error = await rejection(text, { maxDecodedBytes: 64 * 1024 });
    expect(error.code).toBe('too-large');
    expect(error.message).toMatch(/about \d+\.\d [KM]iB once decoded, more than this reader's budget of 64\.0 KiB/);
    await expect(parseArtifact(text)).resolves.toBeDefined();
    await expect(parseArtifact(text, { maxDecodedBytes: 4 * 1024 * 1024 })).resolves.toBeDefined();
  });
});

describe('base64ByteLength', () => {
  it('counts decoded bytes from the text length and padding', () => {
    expect(base64ByteLength('')).toBe(0);
    expect(base64ByteLength('AAAA')).toBe(3);
    expect(base64ByteLength('AAA=')).toBe(2);
    expect(base64ByteLength('AA==')).toBe(1);
    expect(base64ByteLength('AAAAA')).toBeUndefined();
  });
});
