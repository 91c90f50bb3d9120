import { describe, expect, it } from 'vitest';
import { buildIvfIndex } from '../ann/ivf-build.js';
import { MAX_IVF_LISTS } from '../limits.js';
import type { RecommenderModel } from '../recommender-model.js';
import { reseal } from '../testing/artifact-fixtures.js';
import { handMadeMetadata, randomInteractionModel } from '../testing/interaction-model.js';
import { randomRatingModel } from '../testing/rating-model.js';
import { withIvfIndex } from './attach-ivf.js';
import { bytesToBase64 } from './base64.js';
import { assertArtifactBounds } from './bounds.js';
import { ArtifactError } from './errors.js';
import { parseArtifact } from './read.js';
import type { ArtifactJson } from './schema.js';
import { serializeArtifact } from './write.js';

type Json = Record<string, any>;

const model = randomInteractionModel({ users: 5, items: 40, dim: 4, seed: 3, biases: true });
const indexed: RecommenderModel = { ...model, ivf: buildIvfIndex(model, { lists: 6, seed: 2 }) };

async function indexedJson(): Promise<Json> {
  return JSON.parse(await serializeArtifact(indexed, handMadeMetadata(indexed))) as Json;
}

function u32Base64(values: readonly number[]): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, j) => view.setUint32(j * 4, v, true));
  return bytesToBase64(bytes);
}

async function rejection(json: Json): Promise<ArtifactError> {
  const error = await parseArtifact(await reseal(json), { source: 'model.json' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ArtifactError);
  return error as ArtifactError;
}

describe('an IVF index in the artifact', () => {
  it('round-trips on the head that ranks, and meta describes it without its tables', async () => {
    const { model: loaded, meta } = await parseArtifact(await serializeArtifact(indexed, handMadeMetadata(indexed)));
    expect(loaded.ivf).toEqual(indexed.ivf);
    expect(meta.ivf).toEqual({ kind: 'ivf', version: 1, lists: 6, build: indexed.ivf!.build });
  });

  it('belongs to the ranking head of a rating model with one', async () => {
    const rating = randomRatingModel({ users: 5, items: 30, dim: 3, seed: 4 });
    const head = randomInteractionModel({ users: 5, items: 30, dim: 2, seed: 5 });
    const ranking = { ...head, users: rating.users, items: rating.items, seen: rating.seen };
    const both = { ...rating, ranking: { ...ranking, ivf: buildIvfIndex(ranking, { lists: 4 }) } };
    const base = handMadeMetadata(both);
    const text = await serializeArtifact(both, {
      ...base,
      stats: { ...base.stats, globalMean: 3 },
      rankingTraining: { method: 'ials', seconds: 0, hyperparameters: {} },
    });
    const loaded = (await parseArtifact(text)).model;
    expect(loaded.ivf).toBeUndefined();
    expect(loaded.ranking?.ivf?.width).toBe(3);
  });

  it('withIvfIndex adds an index to an artifact, keeping every other field and resealing it', async () => {
    const text = await serializeArtifact(model, handMadeMetadata(model));
    const { text: out, droppedSignature } = await withIvfIndex(text, indexed.ivf!);
    expect(droppedSignature).toBe(false);
    const loaded = await parseArtifact(out);
    expect(loaded.model.ivf).toEqual(indexed.ivf);
    const { ivf: _ivf, sha256: _a, ...rest } = JSON.parse(out) as Json;
    const { sha256: _b, ...before } = JSON.parse(text) as Json;
    expect(rest).toEqual(before);
  });

  describe('refuses a hostile index (sha256 recomputed) with an ArtifactError before decoding it', () => {
    const cases: [string, (ivf: Json) => void, RegExp, string][] = [
      ['a list count of 0', (ivf) => Object.assign(ivf, { lists: 0, sizes: [] }), /ivf\.lists is 0/, 'inconsistent'],
      [
        'more lists than MAX_IVF_LISTS',
        (ivf) => Object.assign(ivf, { lists: MAX_IVF_LISTS + 1 }),
        new RegExp(`ivf\\.lists is ${MAX_IVF_LISTS + 1}, more than the ${MAX_IVF_LISTS}`),
        'inconsistent',
      ],
      [
        'more lists than items',
        (ivf) => Object.assign(ivf, { lists: 41 }),
        /ivf\.lists is 41, more than the 40 items/,
        'inconsistent',
      ],
      ['sizes not one per list', (ivf) => ivf.sizes.pop(), /ivf\.sizes lists 5 sizes, expected 6/, 'inconsistent'],
      [
        'sizes not summing to the item count',
        (ivf) => {
          ivf.sizes[0] += 1;
        },
        /ivf\.sizes sum to 41, expected 40/,
        'inconsistent',
      ],
      [
        'an item table of the wrong declared length',
        (ivf) => Object.assign(ivf.items, { length: 4e9 }),
        /ivf\.items declares 4000000000 item indices, expected 40/,
        'inconsistent',
      ],
      [
        'item bytes that do not match their length',
        (ivf) => Object.assign(ivf.items, { data: u32Base64([1, 2, 3]) }),
        /ivf\.items\.data holds 12 bytes, but 40 uint32 item indices take 160/,
        'inconsistent',
      ],
      [
        'centroids of the wrong width',
        (ivf) => Object.assign(ivf.centroids, { length: 24 }),
        /ivf\.centroids declares 24 values, expected 30/,
        'inconsistent',
      ],
      [
        'an out-of-range item id',
        (ivf) => Object.assign(ivf.items, { data: u32Base64([...Array.from({ length: 39 }, (_, i) => i), 1e6]) }),
        /ivf list \d+ names item 1000000, but the model has 40 items/,
        'inconsistent',
      ],
      [
        'an item in two lists',
        (ivf) => Object.assign(ivf.items, { data: u32Base64([...Array.from({ length: 39 }, (_, i) => i), 0]) }),
        /ivf item 0 is in list 0 and in list 5; each item belongs to exactly one list/,
        'inconsistent',
      ],
      ['an unknown version', (ivf) => Object.assign(ivf, { version: 2 }), /ivf\.version/, 'schema'],
      [
        'too many sizes',
        (ivf) => Object.assign(ivf, { sizes: new Array(MAX_IVF_LISTS + 1).fill(0) }),
        /ivf\.sizes/,
        'schema',
      ],
    ];
    for (const [name, edit, message, code] of cases) {
      it(name, async () => {
        const json = await indexedJson();
        edit(json.ivf);
        const error = await rejection(json);
        expect(error.code).toBe(code);
        expect(error.message).toMatch(message);
      });
    }

    it('counts the index against the decoded-size budget', async () => {
      const json = await indexedJson();
      const without = await indexedJson();
      delete without.ivf;
      const huge = { source: 'model.json', maxDecodedBytes: 1e12 };
      const plain = assertArtifactBounds(without as ArtifactJson, huge);
      // centroids 6 × 5 float32, offsets 7 uint32, and 12 bytes per item (index, bytes, list)
      expect(assertArtifactBounds(json as ArtifactJson, huge) - plain).toBe(6 * 5 * 4 + 7 * 4 + 12 * 40);
      const budget = plain + 100;
      await expect(parseArtifact(await reseal(without), { maxDecodedBytes: budget })).resolves.toBeDefined();
      const error = await parseArtifact(await reseal(json), { maxDecodedBytes: budget }).catch((e: unknown) => e);
      expect((error as ArtifactError).code).toBe('too-large');
    });
  });
});
