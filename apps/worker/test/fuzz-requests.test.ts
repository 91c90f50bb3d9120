import { mulberry32, type TableEncoding } from '@edgerec/core';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env as workerEnv, exports } from 'cloudflare:workers';
import { expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors';
import {
  MAX_BATCH,
  MAX_BODY_BYTES,
  MAX_CANDIDATES,
  MAX_FOLD_IN_ITEMS,
  MAX_FOLD_IN_RATINGS,
  MAX_ID_LENGTH,
} from '../src/schemas';
import worker from '../src/index';
import {
  loadArtifact,
  makeInteractionArtifact,
  makeRankedArtifact,
  makeVersion1Artifact,
} from './helpers/interaction-model';
import { ODD_USER_ID, TEST_MODEL } from './helpers/test-model';
import { loadTestArtifact, unitApp } from './helpers/unit-app';

// Request fuzzing: FUZZ_REQUESTS requests from a seeded generator, sent inside workerd to apps built
// around the test model (f32, f16 and int8 tables, with and without seen lists, as a version-1
// file), around interaction models (iALS and sigmoid) and a rating model with a ranking head, and to the worker's
// own fetch handler (the bundled artifact). Paths (known routes with mutated segments, unknown
// paths, encoded / unicode / over-long ids, `..`, `%00`), methods, query parameters, bodies
// (invalid JSON, every wrong type, missing and extra fields, arrays over the limits, deep nesting,
// bodies over MAX_BODY_BYTES, streamed bodies), content types and other headers are all drawn at
// random. The model is valid, so no answer may be a 5xx: every error must be a 4xx
// `{ error: { code, message } }`, every 2xx body must parse (with finite numbers where the API
// promises numbers), and no request may take longer than a second.
//
// Reproduce one case: FUZZ_SEED and the request number are printed with every failure; the
// generator is deterministic, so the same seed gives the same requests in the same order.

const FUZZ_SEED = 20260427;
const FUZZ_REQUESTS = 10_000;
const MAX_REQUEST_MS = 1000;
/** A request still unanswered after this long is recorded as a failure and abandoned. */
const HUNG_MS = 5000;
/**
 * Requests for the worker's own handler that go through `exports.default.fetch` (the rest call the
 * module's default export directly, same code and bindings): under vitest-pool-workers each such
 * call gets slower as their number grows (cloudflare/workers-sdk#15446: ~6 ms to ~370 ms per
 * request after 1,500), which would make the run time quadratic and trip the 1 s limit.
 */
const EXPORTS_REQUESTS = 150;
/** Failures kept in full for the report (all are counted). */
const MAX_REPORTED = 20;

type Random = () => number;

/** Helpers over a seeded uniform generator. */
function dice(random: Random) {
  const int = (n: number) => Math.floor(random() * n);
  return {
    random,
    int,
    chance: (p: number) => random() < p,
    pick: <T>(values: readonly T[]): T => values[int(values.length)]!,
    /** Picks by weight: `[[weight, value], ...]`. */
    weighted: <T>(entries: readonly (readonly [number, T])[]): T => {
      const total = entries.reduce((s, [w]) => s + w, 0);
      let r = random() * total;
      for (const [w, v] of entries) if ((r -= w) < 0) return v;
      return entries[entries.length - 1]![1];
    },
  };
}
type Dice = ReturnType<typeof dice>;

const KNOWN_USERS = Array.from({ length: TEST_MODEL.users }, (_, u) => (u === 7 ? ODD_USER_ID : `user-${u}`));
const KNOWN_ITEMS = Array.from({ length: TEST_MODEL.items }, (_, i) => `item-${i}`);

/** Strings that tend to break things: encodings, control characters, prototype keys, separators. */
const ODD_STRINGS = [
  '',
  ' ',
  '..',
  '.',
  '%00',
  '\u0000',
  '%',
  '%zz',
  '%E0%A4%A',
  '%2e%2e',
  '%2F',
  '/',
  '\\',
  ',',
  ',,,',
  '?',
  '#',
  '&',
  '=',
  '"',
  "'",
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  'é',
  'e\u0301',
  '用户',
  '🤖',
  '👩‍👩‍👧‍👦',
  '\u202eRTL',
  '\ufeffbom',
  '\ud800',
  '\udfff',
  '\n',
  '\r\n',
  '\t',
  'user-3\u0000',
  'USER-3',
  ' user-3',
  'user-3 ',
  'item-5,item-6',
];

/** An id: known, unknown, odd, or too long. */
function anyId(d: Dice, kind: 'user' | 'item'): string {
  const known = kind === 'user' ? KNOWN_USERS : KNOWN_ITEMS;
  return d.weighted<() => string>([
    [10, () => d.pick(known)],
    [2, () => `${kind}-${d.int(1000)}`],
    [3, () => d.pick(ODD_STRINGS)],
    [1, () => 'x'.repeat(d.pick([MAX_ID_LENGTH, MAX_ID_LENGTH + 1, 1000, 10_000]))],
    [1, () => randomUnicode(d, 1 + d.int(40))],
    [1, () => d.pick(known) + d.pick(ODD_STRINGS)],
  ])();
}

/** Random code points from several planes, lone surrogates included. */
function randomUnicode(d: Dice, length: number): string {
  let out = '';
  for (let n = 0; n < length; n++) {
    const cp = d.weighted<() => number>([
      [4, () => 0x20 + d.int(0x5f)],
      [1, () => d.int(0x20)],
      [2, () => 0xa0 + d.int(0x2000)],
      [1, () => 0xd800 + d.int(0x800)],
      [1, () => 0x1f300 + d.int(0x300)],
      [1, () => 0xe000 + d.int(0x1900)],
    ])();
    out += cp > 0xffff ? String.fromCodePoint(cp) : String.fromCharCode(cp);
  }
  return out;
}

/** Percent-encodes like encodeURIComponent, but never throws (a lone surrogate becomes %EF%BF%BD). */
function enc(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '\ufffd'));
  }
}

/** A path segment: usually percent-encoded, sometimes raw (the URL parser then does what it does). */
function segment(d: Dice, text: string): string {
  return d.chance(0.8) ? enc(text) : text.replace(/[?#]/g, (c) => enc(c));
}

const K_VALUES = [
  '1',
  '5',
  '10',
  '100',
  '0',
  '-1',
  '-0',
  '101',
  '1000',
  '99999999999999999999',
  '1e309',
  '-1e309',
  '1e1',
  '2.5',
  '10.0',
  'NaN',
  'Infinity',
  '-Infinity',
  '',
  ' ',
  ' 7 ',
  '+5',
  '0x10',
  '0b1',
  '0o7',
  '５',
  '١',
  '1,2',
  'null',
  'true',
  '[]',
  '{}',
  '%00',
  'k',
  '9'.repeat(400),
];
const THRESHOLD_VALUES = [
  '1',
  '3.5',
  '5',
  '0.999',
  '5.0001',
  '-1',
  '0',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '',
  ' ',
  ' 4 ',
  '4,5',
  '0x4',
  '4e0',
  '４',
  'abc',
  'null',
  '1e-400',
  '.5e1',
];
const COLD_START_VALUES = ['fallback', 'error', '', 'FALLBACK', 'Error', 'true', '1', 'none', ' fallback'];
const ORDER_VALUES = ['score', 'rating', '', 'RATING', 'popularity', ' score', '1'];

/** A list of n ids for exclude / candidates. */
function idList(d: Dice, n: number): string[] {
  return Array.from({ length: n }, () => (d.chance(0.7) ? d.pick(KNOWN_ITEMS) : anyId(d, 'item')));
}

function listSize(d: Dice): number {
  return d.weighted([
    [5, d.int(10)],
    [2, d.int(200)],
    [1, MAX_CANDIDATES - 1],
    [1, MAX_CANDIDATES],
    [1, MAX_CANDIDATES + 1],
    [1, 3000],
    [0.3, 10_000],
  ]);
}

/** Query parameters for a route, some valid, most mutated; values are already encoded. */
function queryFor(d: Dice, route: 'score' | 'recommendations' | 'similar' | 'other'): [string, string][] {
  const params: [string, string][] = [];
  const add = (name: string, value: string, encodeIt = d.chance(0.85)) =>
    params.push([name, encodeIt ? enc(value) : value]);
  const maybe = (p: number, f: () => void) => {
    if (d.chance(p)) f();
  };
  if (route === 'score') {
    maybe(0.9, () => add('user', anyId(d, 'user')));
    maybe(0.9, () => add('item', anyId(d, 'item')));
    maybe(0.4, () => add('threshold', d.pick(THRESHOLD_VALUES)));
    maybe(0.05, () => add('user', anyId(d, 'user')));
    maybe(0.05, () => add('threshold', d.pick(THRESHOLD_VALUES)));
  } else if (route === 'recommendations' || route === 'similar') {
    maybe(0.6, () => add('k', d.pick(K_VALUES)));
    maybe(0.08, () => add('k', d.pick(K_VALUES)));
    if (route === 'recommendations') {
      for (const name of ['exclude', 'candidates']) {
        maybe(0.25, () => {
          const ids = idList(d, listSize(d));
          add(name, ids.map((id) => (d.chance(0.97) ? enc(id) : id)).join(d.chance(0.9) ? ',' : '%2C'), false);
        });
        maybe(0.03, () => add(name, d.pick(KNOWN_ITEMS)));
      }
      maybe(0.3, () => add('coldStart', d.pick(COLD_START_VALUES)));
      maybe(0.03, () => add('coldStart', d.pick(COLD_START_VALUES)));
      maybe(0.2, () => add('order', d.pick(ORDER_VALUES)));
    } else {
      maybe(0.05, () => add('exclude', 'item-1'));
    }
  }
  maybe(0.1, () =>
    add(d.pick(['x', 'K', 'user[]', 'k[]', '__proto__', 'constructor', '', '%00', 'a'.repeat(300)]), anyId(d, 'item')),
  );
  maybe(0.03, () => params.push([d.pick(['k', 'user', 'exclude']), d.pick(['', '=', '==', '%', '&&'])]));
  maybe(0.005, () => {
    for (let p = 0, n = d.pick([1000, 20_000]); p < n; p++) params.push([`p${p}`, String(p)]);
  });
  return params;
}

// ─── bodies ──────────────────────────────────────────────────────────────────────────────────────

/** A JSON value of a random type (the wrong type, most of the time). */
function anyValue(d: Dice, depth = 0): unknown {
  return d.weighted<() => unknown>([
    [2, () => null],
    [2, () => d.pick([true, false])],
    [3, () => d.pick([0, -1, 1, 2.5, 1e308, -1e308, 5e-324, 1e21, 2 ** 53 + 1, -0])],
    [3, () => anyId(d, 'item')],
    [1, () => (depth < 3 ? Array.from({ length: d.int(4) }, () => anyValue(d, depth + 1)) : [])],
    [1, () => (depth < 3 ? { [d.pick(['a', 'user', 'item', 'pairs', '__proto__'])]: anyValue(d, depth + 1) } : {})],
  ])();
}

function pair(d: Dice): unknown {
  return d.weighted<() => unknown>([
    [10, () => ({ user: anyId(d, 'user'), item: anyId(d, 'item') })],
    [4, () => ({ user: d.pick(KNOWN_USERS), item: d.pick(KNOWN_ITEMS) })],
    [1, () => ({ user: d.pick(KNOWN_USERS) })],
    [1, () => ({ item: d.pick(KNOWN_ITEMS) })],
    [1, () => ({ user: anyValue(d), item: anyValue(d) })],
    [1, () => ({ user: d.pick(KNOWN_USERS), item: d.pick(KNOWN_ITEMS), extra: anyValue(d), rating: 5 })],
    [1, () => anyValue(d)],
  ])();
}

function rating(d: Dice): unknown {
  return d.weighted<() => unknown>([
    [10, () => ({ item: d.chance(0.8) ? d.pick(KNOWN_ITEMS) : anyId(d, 'item'), rating: 1 + d.int(5) })],
    [
      3,
      () => ({
        item: d.pick(KNOWN_ITEMS),
        rating: d.pick([1, 5, 0.999, 5.001, 3.3333, -0, 0, 6, -1e308, 1e308, 5e-324, 2.5]),
      }),
    ],
    [1, () => ({ item: d.pick(KNOWN_ITEMS) })],
    [1, () => ({ rating: 4 })],
    [1, () => ({ item: anyValue(d), rating: anyValue(d) })],
    [1, () => ({ item: d.pick(KNOWN_ITEMS), rating: 4, weight: anyValue(d) })],
    [1, () => anyValue(d)],
  ])();
}

/** An entry of an `items` fold-in body: an id, `{ item, weight? }`, or something wrong. */
function interaction(d: Dice): unknown {
  const item = () => (d.chance(0.8) ? d.pick(KNOWN_ITEMS) : anyId(d, 'item'));
  return d.weighted<() => unknown>([
    [8, item],
    [6, () => ({ item: item(), weight: d.pick([1, 2.5, 1000, 1e6]) })],
    [2, () => ({ item: item() })],
    [2, () => ({ item: d.pick(KNOWN_ITEMS), weight: d.pick([0, -1, 1e6 + 1, 5e-324, 1e308, -0, 2 ** 53]) })],
    [1, () => ({ weight: 2 })],
    [1, () => ({ item: anyValue(d), weight: anyValue(d) })],
    [1, () => ({ item: d.pick(KNOWN_ITEMS), rating: 4 })],
    [1, () => anyValue(d)],
  ])();
}

/** Raw JSON number texts JSON.stringify cannot write. */
const RAW_NUMBERS = [
  '1e309',
  '-1e309',
  '1e-400',
  '-0',
  '0.1e1',
  '4.000000000000000000000001',
  '100000000000000000000000000000',
];

function batchSizeOf(d: Dice, limit: number): number {
  return d.weighted([
    [6, 1 + d.int(5)],
    [2, d.int(100)],
    [1, 0],
    [1, limit],
    [1, limit + 1],
    [0.5, limit * 5],
  ]);
}

/** A body for POST /v1/score: valid, wrong in one or more ways, or not JSON at all. */
function scoreBody(d: Dice): string {
  const obj: Record<string, unknown> = {};
  if (d.chance(0.9)) {
    obj.pairs = d.chance(0.85) ? Array.from({ length: batchSizeOf(d, MAX_BATCH) }, () => pair(d)) : anyValue(d);
  }
  if (d.chance(0.3)) obj.threshold = d.chance(0.6) ? d.pick([1, 3.5, 5, 0.5, 6, -1, 4.2]) : anyValue(d);
  if (d.chance(0.1)) obj[d.pick(['extra', 'k', 'user', '__proto__', 'constructor'])] = anyValue(d);
  return finishBody(d, obj, ['threshold']);
}

/** A body for POST /v1/recommendations (fold-in). */
function foldInBody(d: Dice): string {
  const obj: Record<string, unknown> = {};
  const form = d.weighted([
    [6, 'ratings'],
    [5, 'items'],
    [0.5, 'both'],
    [0.5, 'neither'],
  ] as const);
  if (form === 'ratings' || form === 'both') {
    obj.ratings = d.chance(0.85)
      ? Array.from({ length: batchSizeOf(d, MAX_FOLD_IN_RATINGS) }, () => rating(d))
      : anyValue(d);
  }
  if (form === 'items' || form === 'both') {
    obj.items = d.chance(0.85)
      ? Array.from({ length: batchSizeOf(d, MAX_FOLD_IN_ITEMS) }, () => interaction(d))
      : anyValue(d);
  }
  if (d.chance(0.15)) obj.order = d.chance(0.8) ? d.pick(['score', 'rating']) : anyValue(d);
  if (d.chance(0.4)) obj.k = d.chance(0.6) ? d.pick([1, 3, 10, 100, 0, 101, -1, 2.5, 1e21]) : anyValue(d);
  if (d.chance(0.2))
    obj.l2 = d.chance(0.7) ? d.pick([1e-4, 1e-5, 0, 0.3, 100, 101, -1, 5e-324, 1e-4 * 0.999]) : anyValue(d);
  for (const name of ['exclude', 'candidates']) {
    if (d.chance(0.2)) obj[name] = d.chance(0.8) ? idList(d, listSize(d)) : anyValue(d);
  }
  if (d.chance(0.1)) obj[d.pick(['extra', 'pairs', 'user', '__proto__'])] = anyValue(d);
  return finishBody(d, obj, ['k', 'l2']);
}

/** Serializes a body object, then sometimes breaks it: raw numbers, truncation, wrong syntax, nesting, padding. */
function finishBody(d: Dice, obj: Record<string, unknown>, numberFields: string[]): string {
  let text = JSON.stringify(obj);
  if (d.chance(0.05)) {
    const field = d.pick(numberFields);
    text = `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}"${field}":${d.pick(RAW_NUMBERS)}}`;
  }
  return d.weighted<() => string>([
    [30, () => text],
    [2, () => text.slice(0, d.int(text.length))],
    [1, () => ''],
    [
      1,
      () =>
        d.pick([
          'null',
          'true',
          '0',
          '"pairs"',
          '[]',
          '{}',
          '[{}]',
          'undefined',
          'NaN',
          '{"pairs":NaN}',
          "{'pairs':[]}",
        ]),
    ],
    [1, () => `${text.slice(0, -1)},}`],
    [1, () => `\ufeff${text}`],
    [1, () => `${text}${d.pick([' ', '\n', 'x', '}', '{}', '\u0000'])}`],
    [1, () => `{"pairs":${'['.repeat(d.pick([100, 10_000, 200_000]))}`],
    [1, () => nested(d, d.pick([100, 1000, 10_000, 100_000, 500_000]))],
    [1, () => `{"ratings":[${Array.from({ length: 300 }, () => '{"item":"item-1","rating":4}').join(',')}],"k":3}`],
    [1, () => JSON.stringify({ ...obj, padding: 'x'.repeat(d.int(1000)) })],
    [0.4, () => JSON.stringify({ ...obj, padding: 'x'.repeat(MAX_BODY_BYTES + d.pick([-200, 1, 1000, 100_000])) })],
    [0.2, () => JSON.stringify({ ...obj, padding: Array.from({ length: 150_000 }, (_, i) => i) })],
    [0.2, () => `[${'1,'.repeat(1_100_000)}1]`],
  ])();
}

/** Deeply nested JSON: arrays, objects, or both, inside a plausible body. */
function nested(d: Dice, depth: number): string {
  const kind = d.pick(['array', 'object', 'pairs', 'ratings']);
  if (kind === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  if (kind === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return `{"${kind}":[${'['.repeat(depth)}${']'.repeat(depth)}]}`;
}

// ─── requests ────────────────────────────────────────────────────────────────────────────────────

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | 'stream';
  bodyText?: string;
  /** Which app answers it. */
  target: number;
}

const BASE = 'https://edgerec.test';
const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'get',
  'post',
  'patch',
  'PROPFIND',
  'FOO',
  'M-SEARCH',
];

/** Known paths mutated: segments doubled, dropped, dotted, encoded, NUL-ed, case-changed, stretched. */
function mutatePath(d: Dice, path: string): string {
  const parts = path.split('/');
  const n = 1 + d.int(3);
  for (let m = 0; m < n; m++) {
    const at = 1 + d.int(Math.max(1, parts.length - 1));
    d.weighted<() => void>([
      [
        2,
        () => parts.splice(at, 0, d.pick(['..', '.', '%2e%2e', '%2E.', '%00', '', 'v1', '%2F', ';x', '..;', '%252e'])),
      ],
      [1, () => parts.splice(at, 1)],
      [1, () => (parts[at] = (parts[at] ?? '').toUpperCase())],
      [
        1,
        () =>
          (parts[at] =
            `${parts[at] ?? ''}${d.pick(['%00', '%', '%zz', '/', '//', '~', '%20', '..', '.json', '?', '#x'])}`),
      ],
      [1, () => (parts[at] = segment(d, randomUnicode(d, 1 + d.int(12))))],
      [0.5, () => (parts[at] = 'y'.repeat(d.pick([300, 5000, 70_000])))],
      [1, () => parts.push('')],
    ])();
  }
  return parts.join('/') || '/';
}

function generate(d: Dice, targets: number): FuzzRequest {
  const headers: Record<string, string> = {};
  let method = 'GET';
  let path: string;
  let query: [string, string][] = [];
  let body: string | undefined;
  const kind = d.weighted([
    [14, 'score'],
    [14, 'score-post'],
    [18, 'recommendations'],
    [12, 'fold-in'],
    [10, 'similar'],
    [5, 'known'],
    [12, 'mutated'],
    [5, 'unknown'],
  ] as const);
  switch (kind) {
    case 'score':
      path = '/v1/score';
      query = queryFor(d, 'score');
      break;
    case 'score-post':
      method = 'POST';
      path = '/v1/score';
      body = scoreBody(d);
      break;
    case 'recommendations':
      path = `/v1/users/${segment(d, anyId(d, 'user'))}/recommendations`;
      query = queryFor(d, 'recommendations');
      break;
    case 'fold-in':
      method = 'POST';
      path = '/v1/recommendations';
      body = foldInBody(d);
      break;
    case 'similar':
      path = `/v1/items/${segment(d, anyId(d, 'item'))}/similar`;
      query = queryFor(d, 'similar');
      break;
    case 'known':
      path = d.pick([
        '/health',
        '/v1/model',
        '/openapi.json',
        '/docs',
        '/admin/reload',
        '/v1/score',
        '/v1/recommendations',
        '/',
      ]);
      method = path === '/admin/reload' || path === '/v1/recommendations' ? 'POST' : 'GET';
      query = queryFor(d, 'other');
      break;
    case 'mutated': {
      const base = d.pick([
        '/v1/score',
        `/v1/users/${enc(d.pick(KNOWN_USERS))}/recommendations`,
        `/v1/items/${d.pick(KNOWN_ITEMS)}/similar`,
        '/v1/recommendations',
        '/v1/model',
        '/health',
        '/admin/reload',
      ]);
      path = mutatePath(d, base);
      query = queryFor(d, d.pick(['score', 'recommendations', 'similar', 'other'] as const));
      method = d.pick(['GET', 'POST']);
      if (method === 'POST' && d.chance(0.7)) body = d.chance(0.5) ? scoreBody(d) : foldInBody(d);
      break;
    }
    case 'unknown':
      path = d.pick([
        `/${segment(d, randomUnicode(d, d.int(20)))}`,
        '/v2/score',
        '/v1',
        '/v1/',
        '/v1/users',
        '/v1/users/user-3',
        '/v1/items',
        '/favicon.ico',
        '/.env',
        '/../../etc/passwd',
        '/%2e%2e/%2e%2e/etc/passwd',
        `/${'a/'.repeat(d.pick([10, 500]))}`,
        '/v1/score/',
        '//v1/score',
        '/v1/score%00',
        '/v1/model.json',
      ]);
      query = queryFor(d, 'other');
      method = d.pick(['GET', 'POST', 'HEAD']);
      break;
  }
  if (d.chance(0.1)) method = d.pick(METHODS);

  // Headers: content type (right, wrong, odd, missing), origin, authorization, and assorted junk.
  if (body !== undefined || d.chance(0.05)) {
    const type = d.weighted<string | undefined>([
      [20, 'application/json'],
      [3, 'application/json; charset=utf-8'],
      [1, 'APPLICATION/JSON'],
      [1, 'application/json;charset=UTF-8'],
      [1, 'application/vnd.api+json'],
      [1, 'application/merge-patch+json'],
      [1, 'application/jsonp'],
      [1, 'application/json; charset='],
      [1, 'application/json;;'],
      [1, 'application/json, text/plain'],
      [1, 'text/plain'],
      [1, 'text/json'],
      [1, 'application/x-www-form-urlencoded'],
      [1, 'multipart/form-data; boundary=x'],
      [1, ''],
      [1, ' '],
      [2, undefined],
    ]);
    if (type !== undefined) headers['content-type'] = type;
  }
  if (d.chance(0.1))
    headers.origin = d.pick(['https://app.example', 'https://evil.example', 'null', '', 'http://127.0.0.1']);
  if (d.chance(0.08)) {
    headers.authorization = d.pick([
      'Bearer test-admin-token-0123456789',
      'Bearer fuzz-admin-token',
      'Bearer',
      'bearer  x',
      'Basic Zm9vOmJhcg==',
      '',
      `Bearer ${'t'.repeat(10_000)}`,
    ]);
  }
  if (d.chance(0.05)) headers['access-control-request-method'] = d.pick(['POST', 'GET', 'DELETE', 'X']);
  if (d.chance(0.05)) headers.accept = d.pick(['text/html', '*/*', 'application/xml', '', 'application/json;q=0']);
  if (d.chance(0.03))
    headers['content-length'] = d.pick(['0', '-1', 'abc', '99999999999999999999', String(MAX_BODY_BYTES + 1), '1']);
  if (d.chance(0.03)) headers['transfer-encoding'] = 'chunked';
  if (d.chance(0.03)) headers['x-fuzz'] = 'z'.repeat(d.pick([10, 8000]));
  if (d.chance(0.02)) headers['content-encoding'] = d.pick(['gzip', 'br', 'identity']);

  const search = query.length > 0 || d.chance(0.02) ? `?${query.map(([k, v]) => `${k}=${v}`).join('&')}` : '';
  const request: FuzzRequest = { method, url: `${BASE}${path}${search}`, headers, target: d.int(targets) };
  if (body !== undefined) {
    request.bodyText = body;
    // Usually a string; sometimes bytes (with invalid UTF-8), sometimes a stream with no Content-Length.
    request.body = d.weighted<string | Uint8Array | 'stream'>([
      [8, body],
      [1, 'stream'],
      [0.5, Uint8Array.from([...new TextEncoder().encode(body.slice(0, 200)), 0xff, 0xfe, 0xc3])],
    ]);
  }
  return request;
}

function streamOf(text: string, chunk: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + chunk));
      offset += chunk;
    },
  });
}

/** Builds the Request, or undefined when the Request constructor itself refuses the input (never sent). */
function toRequest(r: FuzzRequest): Request | undefined {
  try {
    const init: RequestInit = { method: r.method, headers: r.headers };
    if (r.body !== undefined) init.body = r.body === 'stream' ? streamOf(r.bodyText ?? '', 16 * 1024) : r.body;
    return new Request(r.url, init);
  } catch {
    return undefined;
  }
}

/** A short description of a request for failure reports. */
function describe(r: FuzzRequest): string {
  const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
  const body =
    r.bodyText === undefined
      ? ''
      : ` body=${clip(JSON.stringify(r.bodyText))}${r.body === 'stream' ? ' (streamed)' : r.body instanceof Uint8Array ? ' (bytes + invalid UTF-8)' : ''}`;
  return `${r.method} ${clip(r.url)} headers=${clip(JSON.stringify(r.headers), 200)}${body} → target ${r.target}`;
}

// ─── checks ──────────────────────────────────────────────────────────────────────────────────────

const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/** What a 2xx body of each route must hold (numbers finite: a NaN would have been written as null). */
function checkSuccessBody(path: string, method: string, body: unknown): string | undefined {
  const b = body as Record<string, unknown>;
  // An item carries a rating and raw output (rating models), a score (ranking heads), or a popularity
  // count (cold start), and every number it has is finite.
  const ranked = (items: unknown) =>
    Array.isArray(items) &&
    items.every(
      (it) =>
        typeof it?.item === 'string' &&
        ((isNumber(it.rating) && isNumber(it.raw)) || isNumber(it.score) || isNumber(it.popularity)) &&
        ['score', 'probability', 'rating', 'raw', 'popularity'].every((key) => !(key in it) || isNumber(it[key])),
    );
  const scored = (r: Record<string, unknown>) =>
    ((isNumber(r.rating) && isNumber(r.raw)) || isNumber(r.score)) && typeof r.recommend === 'boolean';
  if (typeof body !== 'object' || body === null) return 'body is not a JSON object';
  if (path === '/v1/score' && method === 'GET') {
    return scored(b) ? undefined : 'bad score';
  }
  if (path === '/v1/score') {
    const ok =
      Array.isArray(b.results) &&
      b.results.every((r: Record<string, unknown>) =>
        r.error ? typeof (r.error as { code?: unknown }).code === 'string' : scored(r),
      );
    return ok ? undefined : 'bad batch results';
  }
  if (/^\/v1\/users\/[^/]+\/recommendations$/.test(path) || path === '/v1/recommendations') {
    return ranked(b.items) && isNumber(b.k) ? undefined : 'bad ranked items';
  }
  if (/^\/v1\/items\/[^/]+\/similar$/.test(path)) {
    const ok =
      Array.isArray(b.items) &&
      b.items.every((it: Record<string, unknown>) => typeof it.item === 'string' && isNumber(it.similarity));
    return ok ? undefined : 'bad similar items';
  }
  return undefined;
}

interface Outcome {
  status: number;
  code?: string;
  ms: number;
  problem?: string;
}

async function check(request: Request, response: Response, ms: number): Promise<Outcome> {
  const { status } = response;
  const text = await response.text();
  const path = new URL(request.url).pathname;
  const outcome: Outcome = { status, ms };
  const type = response.headers.get('content-type') ?? '';
  const fail = (problem: string) => ({
    ...outcome,
    problem: `${problem}; response ${status} ${type} ${text.slice(0, 300)}`,
  });
  if (ms > MAX_REQUEST_MS) return fail(`took ${ms} ms`);
  if (status >= 500) return fail('5xx');
  if (status >= 400) {
    if (!/^application\/json/.test(type)) return fail('error without a JSON content type');
    if (request.method === 'HEAD') return text === '' ? outcome : fail('HEAD error with a body');
    let body: { error?: { code?: unknown; message?: unknown } };
    try {
      body = JSON.parse(text);
    } catch {
      return fail('error body is not JSON');
    }
    const keys = Object.keys(body ?? {});
    const { code, message } = body?.error ?? {};
    outcome.code = typeof code === 'string' ? code : undefined;
    if (keys.length !== 1 || keys[0] !== 'error') return fail('error body is not { error }');
    if (typeof code !== 'string' || typeof message !== 'string') return fail('error without a string code and message');
    if (!(ERROR_CODES as readonly string[]).includes(code)) return fail(`unknown error code ${code}`);
    if (message === '') return fail('empty error message');
    return outcome;
  }
  if (status >= 200 && status < 300) {
    if (request.method === 'HEAD' || status === 204) return text === '' ? outcome : fail('HEAD/204 with a body');
    if (path === '/docs')
      return /^text\/html/.test(type) && text.includes('<html') ? outcome : fail('/docs is not HTML');
    if (!/^application\/json/.test(type)) return fail('2xx without a JSON content type');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return fail('2xx body is not JSON');
    }
    const problem = checkSuccessBody(path, request.method, body);
    return problem ? fail(problem) : outcome;
  }
  return fail('unexpected status class');
}

// ─── the run ─────────────────────────────────────────────────────────────────────────────────────

/** Bindings the unit apps get; the worker's own handler keeps its real bindings. */
const ENVS: Env[] = [
  {},
  { CORS_ORIGINS: '*' },
  { CORS_ORIGINS: 'https://app.example' },
  { ADMIN_TOKEN: 'fuzz-admin-token' },
  { RECOMMEND_THRESHOLD: 'not-a-number' },
  { RECOMMEND_THRESHOLD: '4' },
];

it(`answers ${FUZZ_REQUESTS} fuzzed requests without a 5xx, a malformed body or a slow answer`, {
  timeout: 120_000,
}, async () => {
  const t0 = Date.now();
  const encodings: { tableEncoding?: TableEncoding; seen?: boolean }[] = [
    {},
    { tableEncoding: 'f16-base64' },
    { tableEncoding: 'int8-base64' },
    { seen: false },
    { tableEncoding: 'json' },
  ];
  const apps = [
    ...encodings.map((options) => unitApp(() => loadTestArtifact(options)).app),
    unitApp(async () => loadArtifact(await makeVersion1Artifact())).app,
    unitApp(async () => loadArtifact(await makeInteractionArtifact())).app,
    unitApp(async () => loadArtifact(await makeInteractionArtifact({ activation: 'sigmoid' }))).app,
    unitApp(async () => loadArtifact(await makeRankedArtifact())).app,
    unitApp(async () => loadArtifact(await makeRankedArtifact({ activation: 'sigmoid' }))).app,
  ];
  // Target apps.length is the worker's own fetch handler (bundled artifact, real bindings).
  const targets = apps.length + 1;
  const d = dice(mulberry32(FUZZ_SEED));
  const histogram = new Map<string, number>();
  const failures: string[] = [];
  let failureCount = 0;
  let refused = 0;
  let slowest = { ms: 0, what: '' };
  let totalMs = 0;
  let viaExports = 0;

  // Generates until FUZZ_REQUESTS requests were sent (a request the Request constructor refuses is not sent).
  for (let n = 0, sent = 0; sent < FUZZ_REQUESTS && n < 2 * FUZZ_REQUESTS; n++) {
    const fuzz = generate(d, targets);
    const env = ENVS[d.int(ENVS.length)]!;
    const request = toRequest(fuzz);
    if (!request) {
      refused++;
      continue;
    }
    sent++;
    const started = Date.now();
    let outcome: Outcome;
    try {
      const answer = async () => {
        let response: Response;
        if (fuzz.target === apps.length && viaExports < EXPORTS_REQUESTS) {
          viaExports++;
          response = await exports.default.fetch(request);
        } else {
          const ctx = createExecutionContext();
          response =
            fuzz.target < apps.length
              ? await apps[fuzz.target]!.fetch(request, env, ctx)
              : await worker.fetch(request, workerEnv, ctx);
          await waitOnExecutionContext(ctx);
        }
        return check(request, response, Date.now() - started);
      };
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${HUNG_MS} ms`)), HUNG_MS);
      });
      try {
        outcome = await Promise.race([answer(), hung]);
      } finally {
        if (timer !== undefined) clearTimeout(timer);
      }
    } catch (error) {
      outcome = { status: 0, ms: Date.now() - started, problem: `threw ${String(error)}` };
    }
    totalMs += outcome.ms;
    if (outcome.ms > slowest.ms) slowest = { ms: outcome.ms, what: describe(fuzz).slice(0, 200) };
    const key = `${outcome.status} ${outcome.code ?? (request.method === 'HEAD' ? '(HEAD: no body)' : outcome.status === 204 ? '(CORS preflight)' : '')}`;
    histogram.set(key, (histogram.get(key) ?? 0) + 1);
    if (outcome.problem) {
      failureCount++;
      if (failures.length < MAX_REPORTED)
        failures.push(`#${n} (seed ${FUZZ_SEED}): ${outcome.problem}\n    ${describe(fuzz)}`);
    }
  }

  const elapsed = Date.now() - t0;
  const rows = [...histogram.entries()].sort(([a], [b]) => a.localeCompare(b));
  const sent = [...histogram.values()].reduce((a, b) => a + b, 0);
  console.log(
    [
      `fuzz: ${sent + refused} generated (seed ${FUZZ_SEED}), ${sent} sent, ${refused} refused by the Request constructor (not sent); ` +
        `${viaExports} of them through exports.default.fetch; ${elapsed} ms in all, mean ${(totalMs / sent).toFixed(2)} ms a request, ` +
        `slowest ${slowest.ms} ms (${slowest.what})`,
      'status histogram:',
      ...rows.map(([key, count]) => `  ${key.padEnd(36)} ${String(count).padStart(6)}`),
      failureCount > 0 ? `${failureCount} failures, first ${failures.length}:\n${failures.join('\n')}` : 'no failures',
    ].join('\n'),
  );
  expect(failures).toEqual([]);
  expect(sent).toBe(FUZZ_REQUESTS);
  // The worker's own target ran with its real bindings (vitest.config.ts): the bundled artifact, so a 503 there would be a bug too.
  expect(workerEnv.MODEL_SOURCE ?? 'bundled').toBe('bundled');
});
