import { describe, expect, it, vi } from 'vitest';
import { bearerToken, constantTimeEqualBytes, secretsEqual } from '../src/auth';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('constantTimeEqualBytes (the fallback where crypto.subtle.timingSafeEqual is missing)', () => {
  it.each([
    ['equal', 'secret-token', 'secret-token', true],
    ['both empty', '', '', true],
    ['different in the first byte', 'xecret-token', 'secret-token', false],
    ['different in the last byte', 'secret-tokex', 'secret-token', false],
    ['a prefix (different lengths)', 'secret', 'secret-token', false],
    ['longer (different lengths)', 'secret-token-and-more', 'secret-token', false],
    ['empty against non-empty', '', 'secret-token', false],
  ])('%s', (_name, a, b, expected) => {
    expect(constantTimeEqualBytes(bytes(a), bytes(b))).toBe(expected);
    expect(constantTimeEqualBytes(bytes(b), bytes(a))).toBe(expected);
  });

  it('does not stop at the first difference (looks at every byte of the longer input)', () => {
    const a = new Uint8Array(8);
    let reads = 0;
    const counting = new Proxy(new Uint8Array(8).fill(1), {
      get(target, prop) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
        return Reflect.get(target, prop) as unknown;
      },
    });
    expect(constantTimeEqualBytes(a, counting)).toBe(false);
    expect(reads).toBe(8);
  });
});

describe('secretsEqual (SHA-256 both, compare digests in constant time)', () => {
  it.each([
    ['equal', 'test-admin-token', 'test-admin-token', true],
    ['unequal, same length', 'test-admin-tokeN', 'test-admin-token', false],
    ['different lengths', 'test-admin', 'test-admin-token', false],
    ['empty against non-empty', '', 'test-admin-token', false],
    ['non-ASCII, equal', 'jeton-é-🔑', 'jeton-é-🔑', true],
    ['non-ASCII, unequal', 'jeton-e-🔑', 'jeton-é-🔑', false],
  ])('%s', async (_name, given, expected, result) => {
    expect(await secretsEqual(given, expected)).toBe(result);
  });

  it('uses workerd\'s crypto.subtle.timingSafeEqual on the two 32-byte digests', async () => {
    expect(typeof crypto.subtle.timingSafeEqual).toBe('function');
    const spy = vi.spyOn(crypto.subtle, 'timingSafeEqual');
    try {
      expect(await secretsEqual('a', 'a much longer secret')).toBe(false);
      expect(spy).toHaveBeenCalledTimes(1);
      const [a, b] = spy.mock.calls[0]!;
      expect([a.byteLength, b.byteLength]).toEqual([32, 32]);
    } finally {
      spy.mockRestore();
    }
  });

  it('hashes first because timingSafeEqual itself refuses inputs of different lengths', () => {
    expect(() => crypto.subtle.timingSafeEqual(bytes('short'), bytes('longer'))).toThrow();
    expect(crypto.subtle.timingSafeEqual(bytes('same'), bytes('same'))).toBe(true);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.DEF-123_~+/=', 'abc.DEF-123_~+/='],
    ['bearer abc', 'abc'],
    ['BEARER  abc ', 'abc'],
    ['Bearer', undefined],
    ['Bearer ', undefined],
    ['Bearer a b', undefined],
    ['Basic YWRtaW46eA==', undefined],
    ['abc', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
