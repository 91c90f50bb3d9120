import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { randomRatingModel } from '../testing/rating-model.js';
import { reseal, TEST_METADATA } from '../testing/artifact-fixtures.js';
import { ArtifactError } from './errors.js';
import { parseArtifact } from './read.js';
import { signArtifact } from './sign.js';
import { generateSigningKeyPair, importPublicKey, importPublicKeys, importSigningKey } from './signature.js';
import { serializeArtifact } from './write.js';

type Json = Record<string, any>;

async function keys() {
  const pair = await generateSigningKeyPair();
  return {
    pair,
    signing: await importSigningKey(pair.privateKeyPem),
    trusted: await importPublicKey(pair.publicKeyPem),
  };
}

async function signedModel() {
  const { pair, signing, trusted } = await keys();
  const text = await serializeArtifact(randomRatingModel(), TEST_METADATA);
  return { pair, signing, trusted, text, signed: await signArtifact(text, signing, 'model.json') };
}

async function rejection(promise: Promise<unknown>): Promise<ArtifactError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ArtifactError);
  return error as ArtifactError;
}

describe('signed artifacts', () => {
  it('verifies a signed artifact and reports the key that signed it', async () => {
    const { signed, trusted, pair } = await signedModel();
    const loaded = await parseArtifact(signed, { publicKeys: [trusted] });
    expect(loaded.signedBy).toBe(pair.keyId);
    expect(loaded.meta.signature?.keyId).toBe(pair.keyId);
    expect(trusted.keyId).toBe(pair.keyId);
  });

  it('keeps the content and the sha256: a reader without keys still accepts it, in any layout', async () => {
    const { text, signed, trusted, pair } = await signedModel();
    const before = JSON.parse(text) as Json;
    const after = JSON.parse(signed) as Json;
    expect(after.sha256).toBe(before.sha256);
    const { signature, ...rest } = after;
    expect(rest).toEqual(before);
    expect(signature.algorithm).toBe('Ed25519');
    await expect(parseArtifact(signed)).resolves.toBeDefined();
    // Re-indented: the hash is recomputed from the parsed object, the signature still verifies.
    const pretty = JSON.stringify(after, null, 2);
    expect((await parseArtifact(pretty, { publicKeys: [trusted] })).signedBy).toBe(pair.keyId);
  });

  it('refuses a resealed edit: the checksum passes, the signature does not', async () => {
    const { signed, trusted } = await signedModel();
    const json = JSON.parse(signed) as Json;
    const bias = new Float32Array(11);
    bias[4] = 50;
    json.items.bias.data = Buffer.from(bias.buffer).toString('base64');
    const resealed = await reseal(json);
    await expect(parseArtifact(resealed)).resolves.toBeDefined();
    const error = await rejection(parseArtifact(resealed, { source: 'model.json', publicKeys: [trusted] }));
    expect(error.code).toBe('signature');
    expect(error.message).toMatch(
      /model\.json: the signature by key [0-9a-f]{16} does not verify; the model was changed after it was signed/,
    );
  });

  it('refuses unsigned artifacts, untrusted keys and corrupt signatures when keys are given', async () => {
    const { text, signed, trusted } = await signedModel();
    const unsigned = await rejection(parseArtifact(text, { source: 'model.json', publicKeys: [trusted] }));
    expect(unsigned.code).toBe('unsigned');
    expect(unsigned.message).toContain(
      `model.json is not signed; this reader accepts only models signed by key ${trusted.keyId}`,
    );

    const other = await keys();
    const untrusted = await rejection(parseArtifact(signed, { publicKeys: [other.trusted] }));
    expect(untrusted.code).toBe('signature');
    expect(untrusted.message).toMatch(/signed by key [0-9a-f]{16}, which is not trusted here/);

    const json = JSON.parse(signed) as Json;
    const value = Buffer.from(json.signature.value, 'base64');
    value[10] = value[10]! ^ 1;
    json.signature.value = value.toString('base64');
    expect((await rejection(parseArtifact(JSON.stringify(json), { publicKeys: [trusted] }))).code).toBe('signature');
    // skipChecksum does not skip the checksum when a signature is required.
    const edited = JSON.parse(signed) as Json;
    edited.recommendThreshold = 4;
    expect(
      (await rejection(parseArtifact(JSON.stringify(edited), { skipChecksum: true, publicKeys: [trusted] }))).code,
    ).toBe('checksum');
  });

  it('accepts either key during a rotation, and re-signing replaces the signature', async () => {
    const { text, signing: oldKey, trusted: oldPublic } = await signedModel();
    const next = await keys();
    const both = [oldPublic, next.trusted];
    const byOld = await signArtifact(text, oldKey);
    const byNew = await signArtifact(byOld, next.signing);
    expect((await parseArtifact(byOld, { publicKeys: both })).signedBy).toBe(oldPublic.keyId);
    expect((await parseArtifact(byNew, { publicKeys: both })).signedBy).toBe(next.trusted.keyId);
    expect(byNew.match(/"signature"/g)).toHaveLength(1);
    expect((await rejection(parseArtifact(byNew, { publicKeys: [oldPublic] }))).code).toBe('signature');
  });

  it('refuses to sign a model that fails its integrity check', async () => {
    const { text, signing } = await signedModel();
    const json = JSON.parse(text) as Json;
    json.recommendThreshold = 4;
    const error = await rejection(signArtifact(JSON.stringify(json), signing, 'model.json'));
    expect(error.code).toBe('checksum');
    expect(error.message).toMatch(/refusing to sign it/);
  });
});

describe('signing keys', () => {
  it('reads keys written by OpenSSL-compatible tools (PKCS#8 and SPKI PEM) and the one-line forms', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signing = await importSigningKey(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const fromPem = await importPublicKey(pem);
    const fromSpki = await importPublicKey(spki.toString('base64'));
    const fromRaw = await importPublicKey(spki.subarray(12).toString('base64'));
    expect(new Set([signing.keyId, fromPem.keyId, fromSpki.keyId, fromRaw.keyId]).size).toBe(1);
    const signed = await signArtifact(await serializeArtifact(randomRatingModel(), TEST_METADATA), signing);
    expect((await parseArtifact(signed, { publicKeys: [fromRaw] })).signedBy).toBe(signing.keyId);
  });

  it('imports several keys from PEM blocks or a comma/space separated list', async () => {
    const a = await generateSigningKeyPair();
    const b = await generateSigningKeyPair();
    expect((await importPublicKeys(`${a.publicKeyPem}\n${b.publicKeyPem}`)).map((k) => k.keyId)).toEqual([
      a.keyId,
      b.keyId,
    ]);
    expect((await importPublicKeys(` ${a.publicKeyBase64}, ${b.publicKeyBase64}\n`)).map((k) => k.keyId)).toEqual([
      a.keyId,
      b.keyId,
    ]);
  });

  it('says what is wrong with a bad key', async () => {
    await expect(importPublicKey('not a key!', 'KEY.pub')).rejects.toThrow(
      /KEY\.pub is neither a PEM public key nor base64/,
    );
    await expect(importPublicKey(Buffer.alloc(40).toString('base64'), 'KEY.pub')).rejects.toThrow(
      /not an Ed25519 public key/,
    );
    const { publicKeyPem } = await generateSigningKeyPair();
    await expect(importSigningKey(publicKeyPem, 'KEY')).rejects.toThrow(/KEY is not a PEM "PRIVATE KEY" block/);
    await expect(importPublicKeys(' , ', 'MODEL_PUBLIC_KEYS')).rejects.toThrow(/MODEL_PUBLIC_KEYS holds no key/);
  });
});
