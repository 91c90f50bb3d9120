import { parseArtifact, serializeArtifact, sha256Hex } from '@edgerec/core';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handMadeMetadata, randomModel } from '../test-utils/interaction-fixtures.js';
import { rejectionOf } from '../test-utils/rejection.js';
import { runCommand } from '../test-utils/run-command.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { keygenCommand, signCommand, verifyCommand } from './signing.js';
import { trainCommand } from './train.js';
import { generateInteractions } from '../data/synth-interactions.js';
import { writeInteractions } from '../test-utils/interaction-fixtures.js';

type Json = Record<string, any>;

/** A directory with a fresh key pair (KEY, KEY.pub) and an unsigned model.json. */
async function setup(dir: string) {
  const key = join(dir, 'edgerec-key');
  const made = await runCommand(keygenCommand(), ['--out', key, '--json']);
  const model = randomModel({ users: 5, items: 9, dim: 4, seed: 3 });
  const path = join(dir, 'model.json');
  await writeFile(path, await serializeArtifact(model, handMadeMetadata(model)));
  return { key, pub: `${key}.pub`, path, info: JSON.parse(made.stdout) as { keyId: string; publicKeyBase64: string } };
}

/** The artifact with one item bias set to 50 and its sha256 recomputed; the signature is kept. */
async function resealedEdit(text: string): Promise<string> {
  const { sha256: _old, signature, ...body } = JSON.parse(text) as Json;
  const bias = new Float32Array(9);
  bias[2] = 50;
  body.items.bias = { encoding: 'f32-base64', length: 9, data: Buffer.from(bias.buffer).toString('base64') };
  return JSON.stringify({ ...body, sha256: await sha256Hex(JSON.stringify(body)), signature });
}

describe('edgerec keygen / sign / verify', () => {
  const tempDir = useTempDirs();

  it('keygen writes a private key only its owner can read and a public key, and never replaces them unasked', async () => {
    const dir = await tempDir();
    const { key, pub, info } = await setup(dir);
    expect((await stat(key)).mode & 0o777).toBe(0o600);
    expect(await readFile(key, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(await readFile(pub, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(info.keyId).toMatch(/^[0-9a-f]{16}$/);
    const before = await readFile(key, 'utf8');
    const again = await rejectionOf(runCommand(keygenCommand(), ['--out', key]), UserError);
    expect(again.message).toMatch(/already exists \(use --force to overwrite it\)/);
    expect(await readFile(key, 'utf8')).toBe(before);
  });

  it('sign then verify succeeds and names the key; the content and sha256 are unchanged', async () => {
    const dir = await tempDir();
    const { key, pub, path, info } = await setup(dir);
    const unsigned = await readFile(path, 'utf8');
    const signed = await runCommand(signCommand(), ['--model', path, '--key', key]);
    expect(signed.stdout).toContain(`signed ${path} with key ${info.keyId}`);
    const text = await readFile(path, 'utf8');
    expect((JSON.parse(text) as Json).sha256).toBe((JSON.parse(unsigned) as Json).sha256);
    const verified = await runCommand(verifyCommand(), ['--model', path, '--public-key', pub]);
    expect(verified.stdout).toContain(`intact and signed by trusted key ${info.keyId}`);
    const json = await runCommand(verifyCommand(), ['--model', path, '--public-key', pub, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, signedBy: info.keyId });
  });

  it('verify refuses a resealed edit, an unsigned model and an untrusted key', async () => {
    const dir = await tempDir();
    const { key, pub, path } = await setup(dir);
    const unsigned = await rejectionOf(runCommand(verifyCommand(), ['--model', path, '--public-key', pub]), UserError);
    expect(unsigned.message).toMatch(/is not signed/);

    await runCommand(signCommand(), ['--model', path, '--key', key]);
    const edited = join(dir, 'edited.json');
    await writeFile(edited, await resealedEdit(await readFile(path, 'utf8')));
    await expect(parseArtifact(await readFile(edited, 'utf8'))).resolves.toBeDefined(); // the checksum passes
    const forged = await rejectionOf(runCommand(verifyCommand(), ['--model', edited, '--public-key', pub]), UserError);
    expect(forged.message).toMatch(/does not verify; the model was changed after it was signed/);

    const stranger = await setup(await tempDir());
    const untrusted = await rejectionOf(
      runCommand(verifyCommand(), ['--model', path, '--public-key', stranger.pub]),
      UserError,
    );
    expect(untrusted.message).toMatch(/signed by key [0-9a-f]{16}, which is not trusted here/);
  });

  it('trusts several keys at once (rotation), from repeated flags or one file', async () => {
    const dir = await tempDir();
    const a = await setup(dir);
    const bKey = join(dir, 'next-key');
    await runCommand(keygenCommand(), ['--out', bKey]);
    const out = join(dir, 'signed-b.json');
    await runCommand(signCommand(), ['--model', a.path, '--key', bKey, '--out', out]);
    const onlyA = await rejectionOf(runCommand(verifyCommand(), ['--model', out, '--public-key', a.pub]), UserError);
    expect(onlyA.message).toMatch(/which is not trusted here/);
    const both = await runCommand(verifyCommand(), [
      '--model',
      out,
      '--public-key',
      a.pub,
      '--public-key',
      `${bKey}.pub`,
    ]);
    expect(both.stdout).toContain('intact and signed');
    const joined = join(dir, 'trusted.pub');
    await writeFile(joined, `${await readFile(a.pub, 'utf8')}${await readFile(`${bKey}.pub`, 'utf8')}`);
    expect((await runCommand(verifyCommand(), ['--model', out, '--public-key', joined])).stdout).toContain(
      'intact and signed',
    );
    // --out left the input unsigned.
    expect((JSON.parse(await readFile(a.path, 'utf8')) as Json).signature).toBeUndefined();
  });

  it('refuses to sign a corrupt model or with a public key, and leaves the model as it was', async () => {
    const dir = await tempDir();
    const { key, pub, path } = await setup(dir);
    const json = JSON.parse(await readFile(path, 'utf8')) as Json;
    json.recommendThreshold = 0.25;
    await writeFile(path, JSON.stringify(json));
    const before = await readFile(path, 'utf8');
    const corrupt = await rejectionOf(runCommand(signCommand(), ['--model', path, '--key', key]), UserError);
    expect(corrupt.message).toMatch(/failed its integrity check .* refusing to sign it/);
    const wrongKey = await rejectionOf(runCommand(signCommand(), ['--model', path, '--key', pub]), UserError);
    expect(wrongKey.message).toMatch(/is not a PEM "PRIVATE KEY" block/);
    const missing = await rejectionOf(
      runCommand(signCommand(), ['--model', path, '--key', join(dir, 'nope')]),
      UserError,
    );
    expect(missing.message).toMatch(/cannot read signing key .*nope: no such file/);
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('train --signing-key writes a signed model; a bad key fails before training and writes nothing', async () => {
    const dir = await tempDir();
    const { key, pub, info } = await setup(dir);
    const clicks = await writeInteractions(
      join(dir, 'clicks.tsv'),
      generateInteractions({ users: 40, items: 30, interactions: 600, clusters: 3, seed: 5 }),
    );
    const out = join(dir, 'signed-ranker.json');
    const quick = [
      '--objective',
      'interaction',
      '--ratings',
      clicks,
      '--out',
      out,
      '--iterations',
      '2',
      '--threads',
      '1',
      '--quiet',
    ];
    const run = await runCommand(trainCommand(), [...quick, '--signing-key', key]);
    expect(run.stdout).toContain(`signed with key ${info.keyId}`);
    expect((await runCommand(verifyCommand(), ['--model', out, '--public-key', pub])).stdout).toContain(
      `signed by trusted key ${info.keyId}`,
    );

    const fresh = join(dir, 'never.json');
    const bad = await rejectionOf(
      runCommand(trainCommand(), [...quick.slice(0, 4), '--out', fresh, '--signing-key', pub]),
      UserError,
    );
    expect(bad.message).toMatch(/is not a PEM "PRIVATE KEY" block/);
    await expect(stat(fresh)).rejects.toThrow(/ENOENT/);
  }, 20_000);
});
