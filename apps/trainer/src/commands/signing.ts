import { ArtifactError, generateSigningKeyPair, signArtifact } from '@edgerec/core';
import { Command } from 'commander';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { checkOutputPaths } from '../io/output-paths.js';
import { readArtifactFile } from '../io/read-artifact.js';
import { readPublicKeys, readSigningKey, readTextFile } from '../io/signing-keys.js';
import { UserError } from '../user-error.js';

interface KeygenFlags {
  out: string;
  force: boolean;
  json: boolean;
}

/** `edgerec keygen`: write a new Ed25519 signing key (KEY, mode 0600) and its public half (KEY.pub). */
export function keygenCommand(): Command {
  return new Command('keygen')
    .description('Create an Ed25519 key pair for signing models: KEY (private, mode 0600) and KEY.pub.')
    .requiredOption('-o, --out <file>', 'where to write the private key; the public key goes to <file>.pub')
    .option('--force', 'replace existing key files (the old key can no longer sign)', false)
    .option('--json', 'print the key id and public key as JSON', false)
    .addHelpText(
      'after',
      `
The private key is PKCS#8 PEM and the public key SPKI PEM, as OpenSSL writes them
(openssl genpkey -algorithm ed25519 makes a key edgerec accepts too). Keep KEY secret;
give the Worker the one-line public key this command prints:

Example:
  edgerec keygen --out keys/edgerec
  edgerec train --ratings ratings.tsv --out model.json --signing-key keys/edgerec
  pnpm --filter @edgerec/worker exec wrangler secret put MODEL_PUBLIC_KEYS   # paste the line`,
    )
    .action(async (flags: KeygenFlags) => {
      const privatePath = flags.out;
      const publicPath = `${flags.out}.pub`;
      await checkOutputPaths(
        [
          { label: 'private key', path: privatePath },
          { label: 'public key', path: publicPath },
        ],
        { inputs: [], force: flags.force },
      );
      const pair = await generateSigningKeyPair();
      await writeFileAtomic(publicPath, pair.publicKeyPem);
      await writeFileAtomic(privatePath, pair.privateKeyPem, { mode: 0o600 });
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ keyId: pair.keyId, privateKey: privatePath, publicKey: publicPath, publicKeyBase64: pair.publicKeyBase64 })}\n`,
        );
        return;
      }
      process.stdout.write(
        `wrote ${privatePath} (private, keep it secret) and ${publicPath}\n` +
          `key id ${pair.keyId}; public key for MODEL_PUBLIC_KEYS:\n${pair.publicKeyBase64}\n`,
      );
    });
}

interface SignFlags {
  model: string;
  key: string;
  out?: string;
}

/** `edgerec sign`: add an Ed25519 signature over a model's sha256 (in place, or to --out). */
export function signCommand(): Command {
  return new Command('sign')
    .description(
      "Sign a model artifact with a private key: the signature covers the model's sha256, so any edit breaks it.",
    )
    .requiredOption('-m, --model <file>', 'model artifact to sign (its integrity is checked first)')
    .requiredOption('-k, --key <file>', 'private key written by edgerec keygen (PKCS#8 PEM)')
    .option('-o, --out <file>', 'where to write the signed model (default: replace --model)')
    .addHelpText(
      'after',
      '\nExamples:\n  edgerec sign --model model.json --key keys/edgerec\n  edgerec sign --model model.json --key keys/edgerec --out signed.json',
    )
    .action(async (flags: SignFlags) => {
      const out = flags.out ?? flags.model;
      const inPlace = resolve(out) === resolve(flags.model);
      await checkOutputPaths([{ label: 'signed model', path: out }], {
        inputs: inPlace ? [flags.key] : [flags.key, flags.model],
        force: true,
      });
      const key = await readSigningKey(flags.key);
      const text = await readTextFile(flags.model, 'model');
      let signed: string;
      try {
        signed = await signArtifact(text, key, flags.model);
      } catch (error) {
        if (error instanceof ArtifactError) throw new UserError(error.message);
        throw error;
      }
      await writeFileAtomic(out, signed);
      process.stdout.write(`signed ${flags.model} with key ${key.keyId}${inPlace ? '' : ` -> ${out}`}\n`);
    });
}

interface VerifyFlags {
  model: string;
  publicKey: string[];
  json: boolean;
}

/** `edgerec verify`: check a model's checksum and its signature by one of the given public keys. */
export function verifyCommand(): Command {
  return new Command('verify')
    .description('Check that a model is intact and signed by a trusted key (exit 0), or say why not (exit 1).')
    .requiredOption('-m, --model <file>', 'model artifact to check')
    .requiredOption(
      '-p, --public-key <file>',
      'trusted public key (KEY.pub from edgerec keygen, or a file of several); repeat to trust several',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--json', 'print the result as JSON', false)
    .addHelpText('after', '\nExample:\n  edgerec verify --model model.json --public-key keys/edgerec.pub')
    .action(async (flags: VerifyFlags) => {
      const keys = (await Promise.all(flags.publicKey.map((path) => readPublicKeys(path)))).flat();
      const { meta, signedBy } = await readArtifactFile(flags.model, { publicKeys: keys });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ model: flags.model, valid: true, signedBy, sha256: meta.sha256 })}\n`);
        return;
      }
      process.stdout.write(`${flags.model}: intact and signed by trusted key ${signedBy} (sha256 ${meta.sha256})\n`);
    });
}
