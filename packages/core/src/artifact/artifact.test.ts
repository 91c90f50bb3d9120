import { describe, expect, it } from 'vitest';
import { randomRatingModel } from '../testing/rating-model.js';
import { reseal, TEST_METADATA } from '../testing/artifact-fixtures.js';
import { isInt8Rows, type FactorTable } from '../factor-table.js';
import { seenBy } from '../seen-items.js';
import { ArtifactError } from './errors.js';
import { parseArtifact } from './read.js';
import type { ArtifactMetadata } from './write.js';
import { serializeArtifact } from './write.js';

const metadata: ArtifactMetadata = {
  ...TEST_METADATA,
  training: {
    ...TEST_METADATA.training,
    hyperparameters: { dim: 5, dropout: 0.0328 },
    metrics: { validation: { rmse: 0.9, mae: 0.7, count: 2 } },
    history: [{ epoch: 1, loss: 0.1, valLoss: 0.12, rmse: 1, valRmse: 1.1, seconds: 0.1 }],
  },
};

/** The table, which must have been decoded as float32. */
function asFloat32(table: FactorTable): Float32Array {
  if (isInt8Rows(table)) throw new Error('expected a float32 table, got int8 rows');
  return table;
}

const resign = reseal;

async function expectRejected(text: string, code: string, message: RegExp) {
  const error = await parseArtifact(text, { source: 'model.json' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ArtifactError);
  expect((error as ArtifactError).code).toBe(code);
  expect((error as ArtifactError).message).toMatch(message);
}

describe('artifact round trip', () => {
  for (const tableEncoding of ['f32-base64', 'json'] as const) {
    it(`restores every table bit for bit (${tableEncoding})`, async () => {
      const model = randomRatingModel({ users: 13, items: 17, dim: 6 });
      // Include awkward float32 values: subnormal, negative zero, extremes.
      model.userFactors[0] = 1.401298464324817e-45;
      model.userFactors[1] = -0;
      model.itemFactors[0] = 3.4028234663852886e38;
      const text = await serializeArtifact(model, metadata, { tableEncoding });
      const { model: loaded, meta } = await parseArtifact(text);
      const back = {
        ...loaded,
        userFactors: asFloat32(loaded.userFactors),
        itemFactors: asFloat32(loaded.itemFactors),
      };
      for (const name of ['userFactors', 'itemFactors', 'userBias', 'itemBias'] as const) {
        const mismatch = model[name].findIndex((v, i) => v !== back[name][i]);
        expect(mismatch, `${name} differs at ${mismatch}`).toBe(-1);
        expect(back[name].length).toBe(model[name].length);
      }
      // Only the binary encoding keeps the sign of zero; JSON writes -0 as 0.
      expect(Object.is(back.userFactors[1], -0)).toBe(tableEncoding === 'f32-base64');
      expect(back.users.ids).toEqual(model.users.ids);
      expect(back.items.indexOf('item-16')).toBe(16);
      for (let u = 0; u < 13; u++) expect(seenBy(back.seen!, u)).toEqual(seenBy(model.seen!, u));
      expect(meta.training.seed).toBe(42);
      expect(meta.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(back.activation).toBe('tanh');
    });
  }

  it('accepts a re-indented file or a trailing newline (the checksum covers content, not whitespace)', async () => {
    const text = await serializeArtifact(randomRatingModel(), metadata);
    await expect(parseArtifact(JSON.stringify(JSON.parse(text), null, 2))).resolves.toBeTruthy();
    await expect(parseArtifact(`${text}\n`)).resolves.toBeTruthy();
  });

  it('can leave out seen items', async () => {
    const text = await serializeArtifact(randomRatingModel(), metadata, { includeSeen: false });
    expect((await parseArtifact(text)).model.seen).toBeUndefined();
  });

  it('refuses to write a model whose tables do not match its dims', async () => {
    const model = { ...randomRatingModel(), userBias: new Float32Array(2) };
    await expect(serializeArtifact(model, metadata)).rejects.toThrow(/user biases has 2 values, expected 7/);
  });
});

describe('artifact validation', () => {
  const good = () => serializeArtifact(randomRatingModel(), metadata);

  it('rejects a truncated file', async () => {
    const text = await good();
    await expectRejected(text.slice(0, text.length / 2), 'invalid-json', /model\.json is not valid JSON/);
  });

  it('rejects something that is not an edgerec model', async () => {
    await expectRejected('[1,2]', 'wrong-format', /expected a JSON object/);
    await expectRejected('{"format":"keras"}', 'wrong-format', /format is "keras"/);
  });

  it('rejects another artifact version', async () => {
    const json = JSON.parse(await good());
    json.version = 3;
    await expectRejected(await resign(json), 'unsupported-version', /version 3; this build reads versions 1 and 2/);
  });

  it('rejects a schema violation and names the field', async () => {
    const json = JSON.parse(await good());
    json.model.activation = 'relu';
    delete json.stats.users;
    await expectRejected(
      await resign(json),
      'schema',
      /model\.activation.*stats\.users|stats\.users.*model\.activation/,
    );
  });

  it('rejects tampered content through the checksum', async () => {
    const json = JSON.parse(await good());
    json.model.globalBias = 0.2;
    await expectRejected(JSON.stringify(json), 'checksum', /integrity check: content sha256 is [0-9a-f]{64}/);
  });

  it('rejects a table whose length disagrees with ids × dim', async () => {
    const json = JSON.parse(await good());
    json.model.dim = 4;
    await expectRejected(await resign(json), 'inconsistent', /users\.factors declares 35 values, expected 28/);
  });

  it('rejects a table whose bytes disagree with its declared length', async () => {
    const json = JSON.parse(await good());
    json.items.bias.data = json.items.bias.data.slice(0, 8);
    await expectRejected(
      await resign(json),
      'inconsistent',
      /items\.bias\.data holds 6 bytes, but 11 float32 values take 44/,
    );
  });

  it('rejects bad base64 and non-finite json values', async () => {
    const json = JSON.parse(await good());
    json.users.bias.data = `!${json.users.bias.data.slice(1)}`;
    await expectRejected(await resign(json), 'inconsistent', /users\.bias is not valid base64/);
    const asJson = JSON.parse(await serializeArtifact(randomRatingModel(), metadata, { tableEncoding: 'json' }));
    asJson.users.bias.data[0] = 1e39;
    await expectRejected(await resign(asJson), 'inconsistent', /users\.bias value 0 is not a finite number/);
  });

  it('rejects duplicate ids', async () => {
    const json = JSON.parse(await good());
    json.items.ids[3] = json.items.ids[0];
    await expectRejected(await resign(json), 'inconsistent', /items\.ids: duplicate id "item-0" at index 3/);
  });

  it('rejects seen lists that point past the catalogue or are cut short', async () => {
    const model = randomRatingModel();
    const json = JSON.parse(await serializeArtifact(model, metadata));
    json.items.ids = json.items.ids.slice(0, 2);
    json.items.factors.length = 10;
    json.items.factors.data = `${json.items.factors.data.slice(0, 16)}==`;
    json.items.bias.length = 2;
    json.stats.items = 2;
    const error = await parseArtifact(await resign(json)).catch((e: unknown) => e);
    expect((error as ArtifactError).code).toBe('inconsistent');
    const cut = JSON.parse(await serializeArtifact(model, metadata));
    cut.seen.pairs += 5;
    await expectRejected(
      await resign(cut),
      'inconsistent',
      /seen (ends in the middle|holds \d+ pairs, declares|declares \d+ pairs for \d+ users, more than its \d+ bytes)/,
    );
  });

  it('rejects an unusable rating scale', async () => {
    const json = JSON.parse(await good());
    json.scale.max = json.scale.min;
    await expectRejected(await resign(json), 'inconsistent', /scale: rating scale needs min < max/);
  });
});
