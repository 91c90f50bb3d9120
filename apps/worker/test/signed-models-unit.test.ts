import { parseArtifact, predict } from '@edgerec/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBundledModel } from '../src/bundled-model';
import { trustedKeys } from '../src/trusted-keys';
import { V1_SEED, V2_SEED, testVersion, type TestVersion } from './helpers/artifacts';
import { resealedEdit, setItemBias } from './helpers/hostile-artifacts';
import { expectError, readJson } from './helpers/http';
import { modelsBucket, pointerTo, r2App, tag, uniquePrefix } from './helpers/r2';
import { testSigner, type TestSigner } from './helpers/signing';
import { makeTestModel } from './helpers/test-model';
import { textLoader, unitApp } from './helpers/unit-app';

// MODEL_PUBLIC_KEYS: with it set, every model the Worker loads (bundled or R2, first load and
// reload) must carry a valid signature by one of its keys. Keys are generated per run, never stored.

interface SignatureInfo {
  signed: boolean;
  keyId: string | null;
  signedBy: string | null;
  enforced: boolean;
}
interface ModelInfo {
  sha256: string;
  signature: SignatureInfo;
}
interface AdminError {
  error: { code: string; message: string; reason?: string };
}

let alice: TestSigner;
let bob: TestSigner;
let mallory: TestSigner;
let v1: TestVersion;
let v2: TestVersion;
let v1ByAlice: string;
let v2ByAlice: string;
let v2ByBob: string;
let v2ByMallory: string;
/** v2 signed by alice, then one item's bias set to 50 and the sha256 recomputed (signature kept). */
let v2Tampered: string;

beforeAll(async () => {
  [alice, bob, mallory, v1, v2] = await Promise.all([
    testSigner(),
    testSigner(),
    testSigner(),
    testVersion(V1_SEED),
    testVersion(V2_SEED),
  ]);
  [v1ByAlice, v2ByAlice, v2ByBob, v2ByMallory] = await Promise.all([
    alice.sign(v1.text),
    alice.sign(v2.text),
    bob.sign(v2.text),
    mallory.sign(v2.text),
  ]);
  v2Tampered = await resealedEdit(v2ByAlice, (json) => setItemBias(json, 5, 50));
});

async function seed(prefix: string, objects: Record<string, string>): Promise<void> {
  await Promise.all(Object.entries(objects).map(([key, value]) => modelsBucket().put(`${prefix}${key}`, value)));
}

/** An r2App whose pointer names `models/first.json`, with `next` stored as `models/next.json`. */
async function r2Pair(name: string, first: string, next: string, overrides: Partial<Env>) {
  const prefix = uniquePrefix(name);
  await seed(prefix, {
    'models/first.json': first,
    'models/next.json': next,
    'current.json': pointerTo(`${prefix}models/first.json`),
  });
  const t = r2App(prefix, overrides);
  return {
    t,
    /** Points the pointer at `models/next.json` and reloads. */
    async reloadNext(): Promise<Response> {
      await seed(prefix, { 'current.json': pointerTo(`${prefix}models/next.json`) });
      return t.reload();
    },
  };
}

async function modelInfo(t: { request(path: string): Promise<Response> }): Promise<ModelInfo> {
  const res = await t.request('/v1/model');
  expect(res.status).toBe(200);
  return readJson<ModelInfo>(res);
}

/** A 422 model_rejected reload naming `reason`, with `serving` still answering. */
async function expectRefused(reload: Response, reason: string, message: RegExp, serving: TestVersion): Promise<void> {
  expect(reload.status).toBe(422);
  expect(reload.headers.get('x-edgerec-model')).toBe(tag(serving.sha256));
  const body = await readJson<AdminError>(reload);
  expect(body.error).toMatchObject({ code: 'model_rejected', reason });
  expect(body.error.message).toMatch(message);
}

describe('MODEL_PUBLIC_KEYS unset (signatures not enforced)', () => {
  it('serves unsigned and signed models alike and says which is which', async () => {
    const { t, reloadNext } = await r2Pair('unenforced', v1.text, v2ByAlice, {});
    expect((await modelInfo(t)).signature).toEqual({ signed: false, keyId: null, signedBy: null, enforced: false });
    expect((await reloadNext()).status).toBe(200);
    expect((await modelInfo(t)).signature).toEqual({
      signed: true,
      keyId: alice.keyId,
      signedBy: null,
      enforced: false,
    });
  });

  it('serves a resealed edit: the checksum alone does not catch it (the reason to set MODEL_PUBLIC_KEYS)', async () => {
    const { t } = await r2Pair('unenforced-tampered', v2Tampered, v1.text, {});
    const info = await modelInfo(t);
    expect(info.signature).toEqual({ signed: true, keyId: alice.keyId, signedBy: null, enforced: false });
    const score = await readJson<{ rating: number }>(await t.request('/v1/score?user=user-3&item=item-5'));
    expect(predict(makeTestModel({ seed: V2_SEED }), 3, 5).rating).toBeLessThan(4.5);
    expect(score.rating).toBe(5); // item-5's bias of 50 saturates the sigmoid
  });
});

describe('MODEL_PUBLIC_KEYS set', () => {
  const keys = () => ({ MODEL_PUBLIC_KEYS: alice.publicKeyBase64 });

  it('loads a signed model from R2 and /v1/model reports signedBy', async () => {
    const { t, reloadNext } = await r2Pair('signed', v1ByAlice, v2ByAlice, keys());
    expect(await modelInfo(t)).toMatchObject({
      sha256: v1.sha256,
      signature: { signed: true, keyId: alice.keyId, signedBy: alice.keyId, enforced: true },
    });
    const res = await reloadNext();
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ status: 'swapped', model: { sha256: v2.sha256 } });
    expect((await modelInfo(t)).signature.signedBy).toBe(alice.keyId);
  });

  it('refuses an unsigned model on reload (422 unsigned); the previous model keeps serving', async () => {
    const { t, reloadNext } = await r2Pair('unsigned', v1ByAlice, v2.text, keys());
    await modelInfo(t);
    await expectRefused(
      await reloadNext(),
      'unsigned',
      new RegExp(
        `models/next\\.json" \\(etag [0-9a-f]+\\) is not signed; this reader accepts only models signed by key ${alice.keyId}`,
      ),
      v1,
    );
    expect(await modelInfo(t)).toMatchObject({ sha256: v1.sha256, signature: { signedBy: alice.keyId } });
  });

  it('refuses a resealed edit (item bias 50, sha256 recomputed, signature kept) with 422 signature', async () => {
    await expect(parseArtifact(v2Tampered)).resolves.toBeDefined(); // the checksum passes
    const { t, reloadNext } = await r2Pair('tampered', v1ByAlice, v2Tampered, keys());
    await modelInfo(t);
    await expectRefused(
      await reloadNext(),
      'signature',
      new RegExp(`the signature by key ${alice.keyId} does not verify; the model was changed after it was signed`),
      v1,
    );
    const score = await t.request('/v1/score?user=user-3&item=item-5');
    expect(score.headers.get('x-edgerec-model')).toBe(tag(v1.sha256));
    expect((await readJson<{ raw: number }>(score)).raw).toBe(predict(makeTestModel({ seed: V1_SEED }), 3, 5).raw);
  });

  it('refuses a model signed by a key it does not trust (422 signature)', async () => {
    const { t, reloadNext } = await r2Pair('untrusted', v1ByAlice, v2ByMallory, keys());
    await modelInfo(t);
    await expectRefused(
      await reloadNext(),
      'signature',
      new RegExp(`is signed by key ${mallory.keyId}, which is not trusted here \\(trusted: ${alice.keyId}\\)`),
      v1,
    );
  });

  it('answers 503 model_unavailable on a first load of an unsigned model, naming the reason', async () => {
    const { t } = await r2Pair('unsigned-first', v1.text, v2.text, keys());
    await expectError(
      await t.request('/v1/users/user-3/recommendations'),
      503,
      'model_unavailable',
      /^the model could not be loaded \(unsigned\): R2 object .* is not signed/,
    );
  });

  it('trusts two keys at once (rotation): models signed by either load, as base64 list or PEM blocks', async () => {
    for (const list of [
      `${alice.publicKeyBase64},${bob.publicKeyBase64}`,
      `${alice.publicKeyPem}\n${bob.publicKeyPem}`,
      ` ${bob.publicKeyBase64}\n${alice.publicKeyBase64} `,
    ]) {
      const { t, reloadNext } = await r2Pair('rotation', v1ByAlice, v2ByBob, { MODEL_PUBLIC_KEYS: list });
      expect((await modelInfo(t)).signature.signedBy).toBe(alice.keyId);
      expect((await reloadNext()).status).toBe(200);
      expect(await modelInfo(t)).toMatchObject({
        sha256: v2.sha256,
        signature: { keyId: bob.keyId, signedBy: bob.keyId, enforced: true },
      });
    }
  });

  it('after the rotation (old key dropped), a model signed only by the old key is refused', async () => {
    const { t, reloadNext } = await r2Pair('rotated', v2ByBob, v1ByAlice, { MODEL_PUBLIC_KEYS: bob.publicKeyBase64 });
    await modelInfo(t);
    await expectRefused(
      await reloadNext(),
      'signature',
      new RegExp(`signed by key ${alice.keyId}, which is not trusted here`),
      v2,
    );
  });

  it.each([
    ['not base64', () => 'not a key!'],
    ['a truncated key', () => 'MCowBQYDK2VwAyEA'],
    ['a list with one bad entry', () => `${alice.publicKeyBase64},Zm9vYmFy`],
    ['only separators', () => ' , , '],
    ['a private key', () => alice.privateKeyPem],
  ])('fails closed on a malformed MODEL_PUBLIC_KEYS (%s): no model is served', async (_name, value) => {
    const text = value();
    const { t, reloadNext } = await r2Pair('malformed', v1ByAlice, v2ByAlice, { MODEL_PUBLIC_KEYS: text });
    await expectError(
      await t.request('/v1/model'),
      503,
      'model_unavailable',
      /^the model could not be loaded \(bad-config\): MODEL_PUBLIC_KEYS is malformed, so no model is served until it is fixed: /,
    );
    const reload = await reloadNext();
    expect(reload.status).toBe(503);
    expect((await readJson<AdminError>(reload)).error).toMatchObject({
      code: 'model_unavailable',
      reason: 'bad-config',
    });
    const bundled = unitApp(textLoader(v1ByAlice));
    await expectError(
      await bundled.request('/v1/model', undefined, { MODEL_PUBLIC_KEYS: text }),
      503,
      'model_unavailable',
      /MODEL_PUBLIC_KEYS is malformed/,
    );
  });

  it('imports the keys once per isolate (cached by the var text)', async () => {
    const env = { MODEL_PUBLIC_KEYS: `${alice.publicKeyBase64},${bob.publicKeyBase64}` };
    const first = await trustedKeys(env);
    expect(first?.map((key) => key.keyId)).toEqual([alice.keyId, bob.keyId]);
    expect(await trustedKeys({ ...env })).toBe(first);
    expect(await trustedKeys({ MODEL_PUBLIC_KEYS: '' })).toBeUndefined();
    expect(await trustedKeys({ MODEL_PUBLIC_KEYS: '  \n' })).toBeUndefined();
  });
});

describe('MODEL_PUBLIC_KEYS and the bundled model', () => {
  const env = () => ({ MODEL_PUBLIC_KEYS: alice.publicKeyBase64 });

  it('refuses the bundled artifact when it is not signed (503 unsigned)', async () => {
    const t = unitApp(loadBundledModel);
    await expectError(
      await t.request('/v1/model', undefined, env()),
      503,
      'model_unavailable',
      /^the model could not be loaded \(unsigned\): bundled model\/edgerec\.model\.json is not signed/,
    );
  });

  it('serves a signed bundled artifact and reports signedBy', async () => {
    const t = unitApp(textLoader(v1ByAlice));
    const info = await readJson<ModelInfo>(await t.request('/v1/model', undefined, env()));
    expect(info).toMatchObject({
      sha256: v1.sha256,
      signature: { signed: true, keyId: alice.keyId, signedBy: alice.keyId, enforced: true },
    });
  });

  it('fails closed when a loader ignores the keys: an unverified model is never served', async () => {
    const unsigned = unitApp(async () => parseArtifact(v1.text));
    await expectError(
      await unsigned.request('/v1/model', undefined, env()),
      503,
      'model_unavailable',
      /\(unsigned\): the bundled model is not signed; this Worker accepts only models signed by key/,
    );
    const unverified = unitApp(async () => parseArtifact(v1ByAlice));
    await expectError(
      await unverified.request('/v1/model', undefined, env()),
      503,
      'model_unavailable',
      /\(signature\): the bundled model names signing key .* but its signature was not verified against MODEL_PUBLIC_KEYS/,
    );
  });
});
