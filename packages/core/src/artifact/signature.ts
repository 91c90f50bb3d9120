import { base64ToBytes, bytesToBase64 } from './base64.js';
import { ArtifactError } from './errors.js';
import { sha256Hex } from './hash.js';
import type { ArtifactSignatureJson } from './schema.js';

/**
 * Ed25519 signing of artifacts through Web Crypto, which Node ≥ 20 and workerd both have.
 *
 * What is signed is the artifact's sha256 (the hash of every field but `sha256` and
 * `signature`), prefixed by a domain tag so a signature cannot be replayed as one over anything
 * else. The checksum alone only catches accidents (anyone can recompute it after an edit); a
 * valid signature by a trusted key says the content is exactly what the key's holder signed.
 */

/** A Web Crypto key (named structurally: core compiles without the DOM library). */
type WebCryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const ALGORITHM = 'Ed25519';
const MESSAGE_PREFIX = 'edgerec-model-signature:v1:sha256:';
const PEM_PUBLIC = 'PUBLIC KEY';
const PEM_PRIVATE = 'PRIVATE KEY';
/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow. */
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

/** A public key an artifact reader trusts, with its key id. */
export interface ArtifactPublicKey {
  /** The first 16 hex digits of the sha256 of the raw 32-byte public key. */
  readonly keyId: string;
  readonly key: WebCryptoKey;
}

/** A private key that signs artifacts, with the id of its public half. */
export interface ArtifactSigningKey {
  readonly keyId: string;
  readonly key: WebCryptoKey;
}

/** A new key pair as text: the private key (PKCS#8 PEM), the public key (SPKI PEM and its one-line base64), the key id. */
export interface GeneratedKeyPair {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  /** The SPKI base64 on one line: what a Worker's MODEL_PUBLIC_KEYS holds. */
  readonly publicKeyBase64: string;
  readonly keyId: string;
}

/** Generates an Ed25519 key pair for signing artifacts. */
export async function generateSigningKeyPair(): Promise<GeneratedKeyPair> {
  const pair = (await crypto.subtle.generateKey({ name: ALGORITHM }, true, ['sign', 'verify'])) as {
    privateKey: WebCryptoKey;
    publicKey: WebCryptoKey;
  };
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return {
    privateKeyPem: toPem(PEM_PRIVATE, pkcs8),
    publicKeyPem: toPem(PEM_PUBLIC, spki),
    publicKeyBase64: bytesToBase64(spki),
    keyId: await keyIdOf(raw),
  };
}

/** The key id of a raw 32-byte Ed25519 public key: the first 16 hex digits of its sha256. */
export async function keyIdOf(rawPublicKey: Uint8Array): Promise<string> {
  return (await sha256Hex(rawPublicKey)).slice(0, 16);
}

/** Imports a PKCS#8 PEM Ed25519 private key (what `edgerec keygen` and `openssl genpkey -algorithm ed25519` write). */
export async function importSigningKey(pem: string, source = 'signing key'): Promise<ArtifactSigningKey> {
  const der = fromPem(pem, PEM_PRIVATE, source);
  let key: WebCryptoKey;
  try {
    key = await crypto.subtle.importKey('pkcs8', der, { name: ALGORITHM }, true, ['sign']);
  } catch (error) {
    throw new Error(`${source} is not an Ed25519 private key: ${(error as Error).message}`);
  }
  // The public half is in the private key's JWK form (`x`), which Web Crypto derives.
  const jwk = await crypto.subtle.exportKey('jwk', key);
  if (typeof jwk.x !== 'string') throw new Error(`${source}: cannot derive its public key`);
  return { key, keyId: await keyIdOf(fromBase64Url(jwk.x)) };
}

/**
 * Imports one trusted public key: an SPKI PEM block (`-----BEGIN PUBLIC KEY-----`), its base64 on
 * one line, or the base64 of the raw 32 bytes.
 */
export async function importPublicKey(text: string, source = 'public key'): Promise<ArtifactPublicKey> {
  const trimmed = text.trim();
  let raw: Uint8Array;
  if (trimmed.startsWith('-----')) {
    raw = rawFromSpki(fromPem(trimmed, PEM_PUBLIC, source), source);
  } else {
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(trimmed);
    } catch {
      throw new Error(`${source} is neither a PEM public key nor base64`);
    }
    raw = bytes.length === 32 ? bytes : rawFromSpki(bytes, source);
  }
  try {
    const key = await crypto.subtle.importKey('raw', raw, { name: ALGORITHM }, false, ['verify']);
    return { key, keyId: await keyIdOf(raw) };
  } catch (error) {
    throw new Error(`${source} is not an Ed25519 public key: ${(error as Error).message}`);
  }
}

/**
 * Imports every trusted public key in a text: PEM blocks, or base64 keys separated by commas,
 * spaces or newlines (several keys are trusted at once during a key rotation).
 */
export async function importPublicKeys(text: string, source = 'public keys'): Promise<ArtifactPublicKey[]> {
  const pem = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g);
  const parts = pem ?? text.split(/[\s,]+/).filter((part) => part.length > 0);
  if (parts.length === 0) throw new Error(`${source} holds no key`);
  return Promise.all(
    parts.map((part, i) => importPublicKey(part, parts.length > 1 ? `${source} (key ${i + 1})` : source)),
  );
}

/** The signature of an artifact whose content sha256 is `sha256` (64 lowercase hex digits). */
export async function signArtifactHash(sha256: string, signingKey: ArtifactSigningKey): Promise<ArtifactSignatureJson> {
  const value = new Uint8Array(await crypto.subtle.sign(ALGORITHM, signingKey.key, message(sha256)));
  return { algorithm: ALGORITHM, keyId: signingKey.keyId, value: bytesToBase64(value) };
}

/**
 * Checks an artifact's signature over its (already verified) sha256 against the trusted keys.
 * Throws an ArtifactError: 'unsigned' when there is no signature, 'signature' when the key is
 * not trusted or the signature does not verify. Returns the key id that signed.
 */
export async function verifyArtifactHash(
  sha256: string,
  signature: ArtifactSignatureJson | undefined,
  trusted: readonly ArtifactPublicKey[],
  source = 'artifact',
): Promise<string> {
  const ids = trusted.map((key) => key.keyId).join(', ');
  if (!signature) {
    throw new ArtifactError(
      'unsigned',
      `${source} is not signed; this reader accepts only models signed by key ${ids}`,
    );
  }
  const key = trusted.find((candidate) => candidate.keyId === signature.keyId);
  if (!key) {
    throw new ArtifactError(
      'signature',
      `${source} is signed by key ${signature.keyId}, which is not trusted here (trusted: ${ids})`,
    );
  }
  const ok = await crypto.subtle.verify(ALGORITHM, key.key, base64ToBytes(signature.value), message(sha256));
  if (!ok) {
    throw new ArtifactError(
      'signature',
      `${source}: the signature by key ${signature.keyId} does not verify; the model was changed after it was signed`,
    );
  }
  return key.keyId;
}

function message(sha256: string): Uint8Array {
  return new TextEncoder().encode(`${MESSAGE_PREFIX}${sha256}`);
}

function toPem(label: string, der: Uint8Array): string {
  const body = bytesToBase64(der).replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

function fromPem(pem: string, label: string, source: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  if (!match) throw new Error(`${source} is not a PEM "${label}" block`);
  try {
    return base64ToBytes(match[1]!.replace(/\s+/g, ''));
  } catch {
    throw new Error(`${source}: the PEM body is not valid base64`);
  }
}

function rawFromSpki(spki: Uint8Array, source: string): Uint8Array {
  const matches = spki.length === SPKI_PREFIX.length + 32 && SPKI_PREFIX.every((byte, i) => spki[i] === byte);
  if (!matches)
    throw new Error(`${source} is not an Ed25519 public key (expected a 44-byte SubjectPublicKeyInfo or 32 raw bytes)`);
  return spki.slice(SPKI_PREFIX.length);
}

function fromBase64Url(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return base64ToBytes(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
}
