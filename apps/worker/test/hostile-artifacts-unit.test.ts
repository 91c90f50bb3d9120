import { beforeAll, describe, expect, it } from 'vitest';
import { artifactPolicy } from '../src/artifact-policy';
import { DEFAULT_MAX_DECODED_BYTES, DEFAULT_MAX_OBJECT_BYTES } from '../src/limits';
import { V1_SEED, testVersion, type TestVersion } from './helpers/artifacts';
import { hostileArtifacts, makeWideArtifact, type HostileArtifact } from './helpers/hostile-artifacts';
import { expectError, readJson } from './helpers/http';
import { bodyTrackingBucket, modelsBucket, pointerTo, r2App, tag, uniquePrefix } from './helpers/r2';
import { textLoader, unitApp } from './helpers/unit-app';

// Artifacts whose sha256 is right (recomputed after the edit) but whose declared sizes, shape or
// threshold are hostile: core refuses them before allocating, and the Worker must refuse them on
// POST /admin/reload quickly, name the ArtifactError code, and keep serving the previous model.

interface AdminError {
  error: { code: string; message: string; reason?: string };
}

// No timing assertion (speed belongs in benchmarks): before core bounded the counts, the 1e9-pairs
// artifact took 19.6 s and 4 GB to refuse, so a regression fails on vitest's test timeout or memory.

/** The issue's hostile classes, as helpers/hostile-artifacts.ts names them. */
const HOSTILE_CLASSES = [
  'seen.pairs = 1e9',
  'seen.pairs = 4e9',
  'dim 1e9 with 0 users and 0 items',
  '0 items',
  'recommendThreshold 99',
  'a 257-character id',
];

let v1: TestVersion;
let hostile: HostileArtifact[];
const hostileNamed = (name: string): HostileArtifact => hostile.find((h) => h.name === name)!;

beforeAll(async () => {
  v1 = await testVersion(V1_SEED);
  hostile = await hostileArtifacts(v1.text);
});

async function seed(prefix: string, objects: Record<string, string>): Promise<void> {
  await Promise.all(Object.entries(objects).map(([key, value]) => modelsBucket().put(`${prefix}${key}`, value)));
}

/** An r2App serving v1 (already loaded), whose pointer then names `models/bad.json`. */
async function servingV1ThenPointingAt(name: string, bad: string | undefined, overrides: Partial<Env> = {}) {
  const prefix = uniquePrefix(name);
  await seed(prefix, { 'models/v1.json': v1.text, 'current.json': pointerTo(`${prefix}models/v1.json`) });
  const t = r2App(prefix, overrides);
  expect((await t.request('/v1/model')).headers.get('x-edgerec-model')).toBe(tag(v1.sha256));
  if (bad !== undefined) await seed(prefix, { 'models/bad.json': bad });
  await seed(prefix, { 'current.json': pointerTo(`${prefix}models/bad.json`) });
  return t;
}

/** Reloads and checks a 422 model_rejected naming `reason`, with v1 still serving. */
async function expectRejectedReload(
  t: ReturnType<typeof r2App>,
  reason: string,
  message: RegExp,
): Promise<AdminError['error']> {
  const res = await t.reload();
  expect(res.status).toBe(422);
  expect(res.headers.get('x-edgerec-model')).toBe(tag(v1.sha256));
  const body = await readJson<AdminError>(res);
  expect(body.error).toMatchObject({ code: 'model_rejected', reason });
  expect(body.error.message).toMatch(
    new RegExp(`^the new model was rejected \\(${reason}\\), still serving ${tag(v1.sha256)}: `),
  );
  expect(body.error.message).toMatch(message);
  await expectStillServingV1(t);
  return body.error;
}

async function expectStillServingV1(t: ReturnType<typeof r2App>): Promise<void> {
  const score = await t.request('/v1/score?user=user-3&item=item-5');
  expect(score.status).toBe(200);
  expect(score.headers.get('x-edgerec-model')).toBe(tag(v1.sha256));
  const cold = await t.request('/v1/users/ghost/recommendations?k=3');
  expect(cold.status).toBe(200);
  expect(cold.headers.get('x-edgerec-model')).toBe(tag(v1.sha256));
}

describe('hostile artifacts with a recomputed sha256', () => {
  it('covers every hostile class of the issue', () => {
    expect(hostile.map((h) => h.name)).toEqual(HOSTILE_CLASSES);
  });

  it.each(HOSTILE_CLASSES)(
    'POST /admin/reload refuses %s quickly with its ArtifactError code; the previous model keeps serving',
    async (name) => {
      const h = hostileNamed(name);
      const t = await servingV1ThenPointingAt('hostile', h.text);
      await expectRejectedReload(t, h.code, h.message);
    },
  );

  it.each(HOSTILE_CLASSES)('a first load of %s from R2 answers 503 model_unavailable naming the code', async (name) => {
    const h = hostileNamed(name);
    const prefix = uniquePrefix('hostile-first');
    await seed(prefix, { 'models/bad.json': h.text, 'current.json': pointerTo(`${prefix}models/bad.json`) });
    const t = r2App(prefix);
    const error = await expectError(
      await t.request('/v1/users/ghost/recommendations'),
      503,
      'model_unavailable',
      h.message,
    );
    expect(error.message).toMatch(new RegExp(`^the model could not be loaded \\(${h.code}\\): R2 object `));
  });

  it.each(HOSTILE_CLASSES)('the bundled source refuses %s too (503, no model served)', async (name) => {
    const h = hostileNamed(name);
    const t = unitApp(textLoader(h.text, 'bundled model/edgerec.model.json'));
    await expectError(
      await t.request('/v1/model'),
      503,
      'model_unavailable',
      new RegExp(`\\(${h.code}\\): bundled model/edgerec\\.model\\.json`),
    );
  });
});

describe('decoded-size budget (MODEL_MAX_DECODED_MB)', () => {
  it('refuses an artifact whose tables would not fit the budget: 422 too-large, the previous model keeps serving', async () => {
    const wide = await makeWideArtifact(20_000);
    const t = await servingV1ThenPointingAt('decoded-budget', wide, { MODEL_MAX_DECODED_MB: '1' });
    await expectRejectedReload(
      t,
      'too-large',
      /its tables would take about \d+\.\d MiB once decoded, more than this reader's budget of 1\.0 MiB/,
    );
  });

  it('loads the same artifact under the default budget (96 MiB, core DEFAULT_MAX_DECODED_BYTES)', async () => {
    const wide = await makeWideArtifact(20_000);
    const t = await servingV1ThenPointingAt('decoded-default', wide);
    const res = await t.reload();
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ status: 'swapped' });
  });

  it('applies to the bundled model as well', async () => {
    const t = unitApp(textLoader(await makeWideArtifact(20_000)));
    await expectError(
      await t.request('/v1/model', undefined, { MODEL_MAX_DECODED_MB: '1' }),
      503,
      'model_unavailable',
      /^the model could not be loaded \(too-large\): /,
    );
  });
});

describe('R2 object size maximum (MODEL_MAX_OBJECT_MB)', () => {
  it('refuses an object over the default 32 MiB from its size, without downloading it', async () => {
    const big = 'x'.repeat(DEFAULT_MAX_OBJECT_BYTES + 1);
    const t = await servingV1ThenPointingAt('object-default', big);
    const tracking = bodyTrackingBucket();
    t.env.MODELS = tracking.bucket;
    const error = await expectRejectedReload(
      t,
      'too-large',
      /R2 object ".*models\/bad\.json" \(etag [0-9a-f]+\) is 33554433 bytes, more than the 33554432 bytes \(32\.0 MiB\) this Worker reads from R2 \(MODEL_MAX_OBJECT_MB\); it was not downloaded/,
    );
    expect(error.message).toContain('int8-base64');
    expect(tracking.bodiesRead.filter((key) => key.endsWith('models/bad.json'))).toEqual([]);
  });

  it('never downloads an object replaced by an oversized one between its size check and its read', async () => {
    const t = await servingV1ThenPointingAt('object-swapped', v1.text, { MODEL_MAX_OBJECT_MB: '1' });
    const inner = modelsBucket();
    const tracking = bodyTrackingBucket(inner);
    const head = tracking.bucket.head.bind(tracking.bucket);
    let swapped = false;
    tracking.bucket.head = async (key: string) => {
      const measured = await head(key);
      if (!swapped && key.endsWith('models/bad.json')) {
        swapped = true; // the small object was measured; a 2 MiB one takes its place before the read
        await inner.put(key, 'x'.repeat(2 * 1024 * 1024));
      }
      return measured;
    };
    t.env.MODELS = tracking.bucket;
    await expectRejectedReload(t, 'too-large', /is 2097152 bytes, more than the 1048576 bytes/);
    expect(swapped).toBe(true);
    expect(tracking.bodiesRead.filter((key) => key.endsWith('models/bad.json'))).toEqual([]);
  });

  it('honours a smaller MODEL_MAX_OBJECT_MB, and a first load answers 503 naming too-large', async () => {
    const prefix = uniquePrefix('object-var');
    await seed(prefix, { 'models/v1.json': v1.text, 'current.json': pointerTo(`${prefix}models/v1.json`) });
    const t = r2App(prefix, { MODEL_MAX_OBJECT_MB: '0.001' });
    await expectError(
      await t.request('/v1/model'),
      503,
      'model_unavailable',
      /^the model could not be loaded \(too-large\): R2 object .* is \d+ bytes, more than the 1048 bytes/,
    );
  });
});

describe('malformed budget vars fail closed', () => {
  it.each([
    ['MODEL_MAX_DECODED_MB', 'lots'],
    ['MODEL_MAX_DECODED_MB', '0'],
    ['MODEL_MAX_DECODED_MB', '-5'],
    ['MODEL_MAX_DECODED_MB', '1e3'],
    ['MODEL_MAX_OBJECT_MB', '4096'],
    ['MODEL_MAX_OBJECT_MB', 'Infinity'],
  ] as const)('%s=%s serves no model (503 bad-config)', async (name, value) => {
    const prefix = uniquePrefix('bad-budget');
    await seed(prefix, { 'models/v1.json': v1.text, 'current.json': pointerTo(`${prefix}models/v1.json`) });
    const t = r2App(prefix, { [name]: value });
    await expectError(
      await t.request('/v1/model'),
      503,
      'model_unavailable',
      new RegExp(`\\(bad-config\\): ${name} must be a number of MiB above 0 and at most 1024`),
    );
  });

  it('reads blank vars as the defaults', async () => {
    const policy = await artifactPolicy({ MODEL_MAX_DECODED_MB: ' ', MODEL_MAX_OBJECT_MB: '' });
    expect(policy).toEqual({ maxDecodedBytes: DEFAULT_MAX_DECODED_BYTES, maxObjectBytes: DEFAULT_MAX_OBJECT_BYTES });
    expect(await artifactPolicy({ MODEL_MAX_DECODED_MB: '128', MODEL_MAX_OBJECT_MB: '0.5' })).toEqual({
      maxDecodedBytes: 128 * 1024 * 1024,
      maxObjectBytes: 512 * 1024,
    });
  });
});
