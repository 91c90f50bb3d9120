import { makeTestArtifact } from './test-model';

/** Seeds of two versions of the test model (same ids, different tables): "v1" and "v2". */
export const V1_SEED = 1001;
export const V2_SEED = 2002;

/** A serialized test model version and its sha256. */
export interface TestVersion {
  seed: number;
  text: string;
  sha256: string;
}

/** Serializes the test model with `seed` (runs in workerd: serializeArtifact is pure). */
export async function testVersion(
  seed: number,
  createdAt = new Date(Date.UTC(2026, 4, 1) + seed * 1000).toISOString(),
): Promise<TestVersion> {
  const text = await makeTestArtifact({ seed, createdAt });
  return { seed, text, sha256: (JSON.parse(text) as { sha256: string }).sha256 };
}

/** Broken variants of an artifact, with the ArtifactError code each one must be rejected with. */
export function brokenVariants(text: string): { name: string; text: string; code: string; message: RegExp }[] {
  return [
    {
      name: 'a flipped byte',
      text: flipByte(text),
      code: 'checksum',
      message: /failed its integrity check: content sha256 is [0-9a-f]{64}, the artifact says [0-9a-f]{64}/,
    },
    {
      name: 'a truncated file',
      text: text.slice(0, Math.floor(text.length / 2)),
      code: 'invalid-json',
      message: /is not valid JSON/,
    },
    {
      name: 'a schema-invalid artifact',
      text: edit(text, (json) => delete (json.users as Record<string, unknown>).bias),
      code: 'schema',
      message: /does not match the artifact schema: users\.bias/,
    },
    {
      name: 'a wrong artifact version',
      text: edit(text, (json) => (json.version = 3)),
      code: 'unsupported-version',
      message: /has artifact version 3/,
    },
  ];
}

/**
 * Changes one character inside the base64 of `users.factors`: still valid JSON and schema, same
 * length, but the content no longer matches the artifact's sha256.
 */
export function flipByte(text: string): string {
  const data = text.indexOf('"data":"', text.indexOf('"users":{'));
  if (data < 0) throw new Error('cannot find users.factors data in the artifact');
  const at = data + '"data":"'.length + 17;
  const flipped = text[at] === 'A' ? 'B' : 'A';
  return `${text.slice(0, at)}${flipped}${text.slice(at + 1)}`;
}

function edit(text: string, change: (json: Record<string, unknown>) => unknown): string {
  const json = JSON.parse(text) as Record<string, unknown>;
  change(json);
  return JSON.stringify(json);
}
