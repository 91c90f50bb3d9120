import { describe, expect, it, vi } from 'vitest';
import { constantTimeEqualBytes, secretsEqual } from '../src/auth';
import { expectError } from './helpers/http';
import { unitApp } from './helpers/unit-app';

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

  it("uses workerd's crypto.subtle.timingSafeEqual on the two 32-byte digests", async () => {
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

describe('POST /admin/reload: the Authorization header (hono/bearer-auth)', () => {
  // Each header against ADMIN_TOKEN `token`: accepted (200) or refused (401 unauthorized, with the Bearer challenge).
  const t = unitApp();
  it.each([
    ['Bearer abc.DEF-123_~+/=', 'abc.DEF-123_~+/=', true],
    ['bearer abc', 'abc', true],
    ['BEARER  abc ', 'abc', true],
    ['Bearer abc', 'abd', false],
    ['Bearer', 'abc', false],
    ['Bearer ', 'abc', false],
    ['Bearer a b', 'a', false],
    ['Basic YWRtaW46eA==', 'YWRtaW46eA==', false],
    ['abc', 'abc', false],
    ['', 'abc', false],
    [undefined, 'abc', false],
  ])('%j with ADMIN_TOKEN %j → accepted: %j', async (header, token, accepted) => {
    const headers: Record<string, string> = header === undefined ? {} : { authorization: header };
    const res = await t.request('/admin/reload', { method: 'POST', headers }, { ADMIN_TOKEN: token });
    if (accepted) {
      expect(res.status).toBe(200);
      return;
    }
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="edgerec-admin"');
    const message =
      header?.toLowerCase().startsWith('bearer ') && header.trim().split(/\s+/).length === 2
        ? 'invalid admin token'
        : /^missing credentials/;
    const error = await expectError(res, 401, 'unauthorized');
    expect(error.message).toMatch(message);
  });
});
