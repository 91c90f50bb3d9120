import { describe, expect, it } from 'vitest';
import { MAX_FOLD_IN_ITEMS, MAX_FOLD_IN_RATINGS, MAX_INTERACTION_WEIGHT } from '../src/schemas';
import { expectError, postJson, readJson } from './helpers/http';
import {
  loadArtifact,
  makeInteractionArtifact,
  makeRankedArtifact,
  makeVersion1Artifact,
} from './helpers/interaction-model';
import { unitApp } from './helpers/unit-app';

// Every malformed fold-in body of the `items` form (and the ratings / items mix), against an
// interaction model, a rating model with an iALS ranking head and a version-1 rating model.

const interaction = unitApp(async () => loadArtifact(await makeInteractionArtifact()));
const ranked = unitApp(async () => loadArtifact(await makeRankedArtifact()));
const version1 = unitApp(async () => loadArtifact(await makeVersion1Artifact()));
const fold = (app: ReturnType<typeof unitApp>, body: unknown) => app.request('/v1/recommendations', postJson(body));

const many = (n: number) => Array.from({ length: n }, (_, j) => `item-${j % 80}`);

describe('POST /v1/recommendations: bad items bodies', () => {
  it.each([
    [
      'both ratings and items',
      { ratings: [{ item: 'item-1', rating: 3 }], items: ['item-2'] },
      /body field "items": give "ratings" or "items", not both/,
    ],
    ['neither ratings nor items', { k: 3 }, /body field "ratings": is required \(or send "items"/],
    ['items that are not an array', { items: 'item-1' }, /body field "items": must be an array/],
    ['items as an object', { items: { item: 'item-1' } }, /body field "items": must be an array/],
    ['an empty items array', { items: [] }, /body field "items": must hold at least one item/],
    [
      'a numeric item',
      { items: [5] },
      /body field "items\[0\]": must be an item id or an object \{ "item": id, "weight"\?: number \}/,
    ],
    ['a null item', { items: ['item-1', null] }, /body field "items\[1\]": must be an item id or an object/],
    ['a nested array', { items: [['item-1']] }, /body field "items\[0\]": must be an item id or an object/],
    ['an empty id', { items: [''] }, /body field "items\[0\]": must not be empty/],
    ['an over-long id', { items: ['x'.repeat(257)] }, /body field "items\[0\]": must be at most 256 characters/],
    ['an object without item', { items: [{ weight: 2 }] }, /body field "items\[0\]\.item": is required/],
    ['an object with a numeric item', { items: [{ item: 3 }] }, /body field "items\[0\]\.item": must be a string/],
    ['an object with an empty item', { items: [{ item: '' }] }, /body field "items\[0\]\.item": must not be empty/],
    [
      'weight 0',
      { items: [{ item: 'item-1', weight: 0 }] },
      /body field "items\[0\]\.weight": must be a number greater than 0 and at most 1000000/,
    ],
    [
      'a negative weight',
      { items: ['item-2', { item: 'item-1', weight: -1 }] },
      /body field "items\[1\]\.weight": must be a number greater than 0/,
    ],
    [
      'a weight as a string',
      { items: [{ item: 'item-1', weight: '2' }] },
      /body field "items\[0\]\.weight": must be a number/,
    ],
    [
      'a null weight',
      { items: [{ item: 'item-1', weight: null }] },
      /body field "items\[0\]\.weight": must be a number/,
    ],
    [
      'a weight over the limit',
      { items: [{ item: 'item-1', weight: MAX_INTERACTION_WEIGHT * 2 }] },
      /"items\[0\]\.weight": must be a number greater than 0 and at most/,
    ],
    ['an infinite weight', '{"items":[{"item":"item-1","weight":1e309}]}', /"items\[0\]\.weight": must be a number/],
    ['l2 = 0', { items: ['item-1'], l2: 0 }, /body field "l2": must be a number from 0.0001 to 100/],
    ['l2 = 1000', { items: ['item-1'], l2: 1000 }, /body field "l2": must be a number from/],
    ['an unknown order', { items: ['item-1'], order: 'popular' }, /body field "order": must be "score" or "rating"/],
    [
      'order=rating with items',
      { items: ['item-1'], order: 'rating' },
      /body field "order": "rating" is not available here/,
    ],
    ['k = 0', { items: ['item-1'], k: 0 }, /body field "k": must be an integer from 1 to 100/],
  ])('answers 400 invalid_request for %s', async (_name, body, message) => {
    await expectError(await fold(interaction, body), 400, 'invalid_request', message);
  });

  it('reports several bad entries, each at its own path', async () => {
    const error = await expectError(
      await fold(interaction, { items: ['', { item: 'item-1', weight: 0 }, 7] }),
      400,
      'invalid_request',
    );
    expect(error.message).toMatch(
      /"items\[0\]": must not be empty; body field "items\[1\]\.weight": must be a number greater than 0.*; body field "items\[2\]": must be an item id/,
    );
  });

  it(`accepts ${MAX_FOLD_IN_ITEMS} items (repeats sum) and answers 413 batch_too_large above that`, async () => {
    const res = await fold(interaction, { items: many(MAX_FOLD_IN_ITEMS), k: 5 });
    expect(res.status).toBe(200);
    const body = await readJson<{ items: unknown[]; foldedIn: { items: number } }>(res);
    expect(body.foldedIn.items).toBe(80);
    expect(body.items).toEqual([]);
    await expectError(
      await fold(interaction, { items: many(MAX_FOLD_IN_ITEMS + 1) }),
      413,
      'batch_too_large',
      `body field "items": at most ${MAX_FOLD_IN_ITEMS} items per request (got ${MAX_FOLD_IN_ITEMS + 1})`,
    );
    // The ratings limit is unchanged.
    await expectError(
      await fold(ranked, {
        ratings: Array.from({ length: MAX_FOLD_IN_RATINGS + 1 }, () => ({ item: 'item-1', rating: 3 })),
      }),
      413,
      'batch_too_large',
    );
  });

  it('validates the body before the model can refuse it (a schema error stays a 400 on a version-1 model)', async () => {
    await expectError(
      await fold(version1, { items: [{ item: 'item-1', weight: -2 }] }),
      400,
      'invalid_request',
      /weight/,
    );
  });

  it('answers 422 fold_in_unsupported to items on a rating model without an interaction head', async () => {
    await expectError(
      await fold(version1, { items: ['item-1'] }),
      422,
      'fold_in_unsupported',
      /no interaction head to fold "items" into: send "ratings"/,
    );
  });

  it('answers 422 no_known_items on every model kind', async () => {
    await expectError(await fold(interaction, { items: [{ item: 'nope', weight: 2 }] }), 422, 'no_known_items');
    await expectError(await fold(ranked, { items: ['nope'] }), 422, 'no_known_items');
    await expectError(
      await fold(ranked, { ratings: [{ item: 'nope', rating: 4 }] }),
      422,
      'no_known_items',
      /rated item "nope"/,
    );
  });

  it('still checks ratings against the scale on a rating model with a ranking head', async () => {
    await expectError(
      await fold(ranked, { ratings: [{ item: 'item-1', rating: 9 }] }),
      400,
      'invalid_request',
      /"ratings\[0\]\.rating": 9 is outside the model's rating scale 1 to 5/,
    );
  });
});
