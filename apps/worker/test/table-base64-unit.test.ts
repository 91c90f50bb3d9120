// Table base64 as workerd decodes it: its native Uint8Array.fromBase64 (core's fast path) must
// refuse what core's fallback loop refuses in Node, whitespace and misplaced padding included.
import { ArtifactError, parseArtifact } from '@edgerec/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resealedEdit } from './helpers/hostile-artifacts';
import { makeTestArtifact } from './helpers/test-model';

let text = '';
beforeAll(async () => {
  text = await makeTestArtifact({});
});

/** The artifact with four characters of the user factors' base64 replaced at `at`, resealed. */
const withFactorChars = (at: number, chars: string) =>
  resealedEdit(text, (json) => {
    const table = json.users.factors as { data: string };
    table.data = table.data.slice(0, at) + chars + table.data.slice(at + chars.length);
  });

describe('table base64 in workerd', () => {
  it('uses the native decoder here, and it reads the tables the writer wrote', async () => {
    expect(typeof (Uint8Array as unknown as { fromBase64?: unknown }).fromBase64).toBe('function');
    const { model } = await parseArtifact(text);
    expect(model.users.size).toBeGreaterThan(0);
  });

  it.each([
    ['a newline', 'AB\nC', /users\.factors is not valid base64 \(character "\\n" at position 10\)/],
    ['a space', 'A BC', /users\.factors is not valid base64 \(character " " at position 9\)/],
    ['padding in the middle', 'AB==', /users\.factors is not valid base64 \(character "=" at position 10\)/],
    ['a url-safe character', 'AB-C', /users\.factors is not valid base64 \(character "-" at position 10\)/],
  ])('refuses %s inside a table, naming where', async (_name, chars, message) => {
    const bad = await withFactorChars(8, chars);
    const error = await parseArtifact(bad).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as ArtifactError).message).toMatch(message);
  });
});
