import { generateSigningKeyPair, importSigningKey, signArtifact, type GeneratedKeyPair } from '@edgerec/core';

/** A key pair made for one test run (never stored) and a function signing artifact text with it. */
export interface TestSigner extends GeneratedKeyPair {
  sign(text: string): Promise<string>;
}

/** Generates a fresh Ed25519 signing key (in workerd's Web Crypto, like `edgerec keygen`). */
export async function testSigner(): Promise<TestSigner> {
  const pair = await generateSigningKeyPair();
  const key = await importSigningKey(pair.privateKeyPem, 'test signing key');
  return { ...pair, sign: (text) => signArtifact(text, key, 'test artifact') };
}
