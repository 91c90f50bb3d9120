import {
  foldInInteractions,
  seenBy,
  topKItems,
  type FoldInInteraction,
  type LoadedArtifact,
  type RecommenderModel,
} from '@edgerec/core';
import { createExecutionContext, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { MAX_EVENTS_BATCH, MAX_EVENTS_PER_USER } from '../src/events/limits';
import { shardName, shardOf } from '../src/events/shard-of';
import { expectError, postJson, readJson } from './helpers/http';
import { loadArtifact, makeInteractionArtifact, makeRankedArtifact } from './helpers/interaction-model';
import { BASE, adminToken } from './helpers/r2';
import { textLoader } from './helpers/unit-app';

// Event ingestion, re-personalisation and export through the app, against the Durable Object
// shards of the test worker (wrangler.jsonc `durable_objects`, simulated by workerd). Every test
// uses users of its own (or deletes what it stored), since the shards are shared by the run.

const TOKEN = 'events-test-token-0123456789';

interface Accepted {
  received: number;
  accepted: number;
  duplicates: number;
}
interface Item {
  item: string;
  score?: number;
}
interface Recommendations {
  user: string;
  items: Item[];
  coldStart: boolean;
  excludedSeen: number;
  events?: { stored: number; used: boolean; items?: number; unknownItems?: number; reason?: string };
}
interface Page {
  events: { seq: number; id: string; user: string; item: string; weight: number; type?: string; timestamp: number }[];
  next: string;
  more: boolean;
}

let interactionText = '';
let rankedText = '';
let ref: LoadedArtifact;
beforeAll(async () => {
  interactionText = await makeInteractionArtifact();
  rankedText = await makeRankedArtifact();
  ref = await loadArtifact(interactionText);
});

/** An app serving `text` with the test worker's bindings, the events token, and `overrides`. */
function eventsApp(text = interactionText, overrides: Partial<Env> = {}) {
  const app = createApp({ loadModel: textLoader(text) });
  const bindings: Env = { ...env, EVENTS_TOKEN: TOKEN, ...overrides };
  return {
    request(path: string, init?: RequestInit): Promise<Response> {
      return Promise.resolve(app.fetch(new Request(`${BASE}${path}`, init), bindings, createExecutionContext()));
    },
    post(events: unknown[], token = TOKEN): Promise<Response> {
      return this.request('/v1/events', postJson({ events }, { authorization: `Bearer ${token}` }));
    },
    recommend(user: string, query = '?k=5'): Promise<Recommendations> {
      return this.request(`/v1/users/${encodeURIComponent(user)}/recommendations${query}`).then((r) =>
        readJson<Recommendations>(r),
      );
    },
    remove(user: string): Promise<Response> {
      return this.request(`/v1/users/${encodeURIComponent(user)}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
    },
  };
}

const created: string[] = [];
/** A user id no other test uses (deleted after the test). */
function freshUser(name: string): string {
  const user = `${name}-${crypto.randomUUID().slice(0, 8)}`;
  created.push(user);
  return user;
}
afterEach(async () => {
  const t = eventsApp();
  for (const user of created.splice(0)) expect((await t.remove(user)).status).toBe(200);
});

const event = (user: string, item: string, extra: Record<string, unknown> = {}) => ({
  id: crypto.randomUUID(),
  user,
  item,
  ...extra,
});

/** Core's ranking for a user folded in from `interactions`, excluding `seen` and the interacted items. */
function coreRanking(model: RecommenderModel, interactions: FoldInInteraction[], seen: Uint32Array, k = 5) {
  const query = foldInInteractions(model, interactions);
  const exclude = new Set(interactions.map((x) => x.item));
  const top = topKItems(model, query, { k, excludeSorted: seen, exclude });
  return top.map((r) => model.items.ids[r.index]!);
}

describe('POST /v1/events', () => {
  it('stores a batch once: a retry and a repeated id are duplicates', async () => {
    const t = eventsApp();
    const user = freshUser('idem');
    const batch = [event(user, 'item-1'), event(user, 'item-2', { type: 'purchase' }), event(user, 'item-3')];
    const repeated = [...batch, batch[0]];
    const first = await t.post(repeated);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-edgerec-model')).toBeNull(); // ingestion needs no model
    expect(await readJson<Accepted>(first)).toEqual({ received: 4, accepted: 3, duplicates: 1 });
    expect(await readJson<Accepted>(await t.post(batch))).toEqual({ received: 3, accepted: 0, duplicates: 3 });
    const recs = await t.recommend(user);
    expect(recs.events).toMatchObject({ stored: 3, used: true, items: 3 });
  });

  it('keeps working while no model can be loaded', async () => {
    const app = createApp({
      loadModel: () => Promise.reject(new Error('no model here')),
    });
    const user = freshUser('nomodel');
    const res = await app.fetch(
      new Request(
        `${BASE}/v1/events`,
        postJson({ events: [event(user, 'item-1')] }, { authorization: `Bearer ${TOKEN}` }),
      ),
      { ...env, EVENTS_TOKEN: TOKEN },
      createExecutionContext(),
    );
    expect(res.status).toBe(200);
  });

  it('gives each event the weight of its type, its own weight, or 1, and stores the timestamp given', async () => {
    const t = eventsApp();
    const user = freshUser('weights');
    await t.post([
      event(user, 'item-1', { type: 'purchase' }),
      event(user, 'item-2', { type: 'view', weight: 7 }),
      event(user, 'item-3', { timestamp: '2026-11-30T12:00:00+01:00' }),
      event(user, 'item-4', { timestamp: 1764500000000 }),
    ]);
    const page = await exportAll();
    const mine = page.filter((e) => e.user === user).sort((a, b) => a.item.localeCompare(b.item));
    expect(mine.map((e) => [e.item, e.weight, e.type])).toEqual([
      ['item-1', 5, 'purchase'],
      ['item-2', 7, 'view'],
      ['item-3', 1, undefined],
      ['item-4', 1, undefined],
    ]);
    expect(mine[2]!.timestamp).toBe(Date.parse('2026-11-30T11:00:00Z'));
    expect(mine[3]!.timestamp).toBe(1764500000000);
  });

  it('honours EVENT_WEIGHTS, and answers 503 for a malformed one', async () => {
    const user = freshUser('custom');
    const t = eventsApp(interactionText, { EVENT_WEIGHTS: 'play=4, skip=0.5' });
    expect((await t.post([event(user, 'item-1', { type: 'play' })])).status).toBe(200);
    expect((await exportAll()).find((e) => e.user === user)?.weight).toBe(4);
    await expectError(
      await t.post([event(user, 'item-1', { type: 'click' })]),
      400,
      'invalid_request',
      /events\[0\]\.type": unknown event type "click" \(known: play, skip/,
    );
    await expectError(
      await eventsApp(interactionText, { EVENT_WEIGHTS: 'play=-1' }).post([event(user, 'item-1')]),
      503,
      'events_unavailable',
      /EVENT_WEIGHTS: "play=-1"/,
    );
  });

  it.each([
    ['a missing id', { user: 'u', item: 'i' }, /events\[1\]\.id": is required/],
    ['an empty id', { id: '', user: 'u', item: 'i' }, /events\[1\]\.id": must not be empty/],
    ['an over-long id', { id: 'x'.repeat(129), user: 'u', item: 'i' }, /events\[1\]\.id": must be at most 128/],
    ['a missing user', { id: 'a', item: 'i' }, /events\[1\]\.user": is required/],
    ['an over-long item', { id: 'a', user: 'u', item: 'x'.repeat(257) }, /events\[1\]\.item": must be at most 256/],
    [
      'an unknown field',
      { id: 'a', user: 'u', item: 'i', wieght: 2 },
      /events\[1\]": unknown field "wieght" \(an event has id, user, item, type, weight and timestamp\)/,
    ],
    [
      'a zero weight',
      { id: 'a', user: 'u', item: 'i', weight: 0 },
      /events\[1\]\.weight": must be a number greater than 0/,
    ],
    ['a string weight', { id: 'a', user: 'u', item: 'i', weight: '2' }, /events\[1\]\.weight"/],
    ['an unknown type', { id: 'a', user: 'u', item: 'i', type: 'teleport' }, /unknown event type "teleport"/],
    ['a date without a zone', { id: 'a', user: 'u', item: 'i', timestamp: '2026-12-01T10:00:00' }, /timestamp/],
    ['a fractional timestamp', { id: 'a', user: 'u', item: 'i', timestamp: 1.5 }, /timestamp/],
    [
      'a timestamp a week ahead',
      { id: 'a', user: 'u', item: 'i', timestamp: Date.now() + 7 * 86_400_000 },
      /events\[1\]\.timestamp": lies more than a day ahead/,
    ],
    ['a non-object event', 'item-1', /events\[1\]": must be an object \{ id, user, item/],
  ])('answers 400 invalid_request for %s, storing nothing', async (_name, bad, message) => {
    const t = eventsApp();
    const user = freshUser('bad');
    const res = await t.post([event(user, 'item-1'), bad]);
    await expectError(res, 400, 'invalid_request', message);
    expect((await t.recommend(user)).events).toBeUndefined(); // the valid event was not stored either
  });

  it('answers 400 for an empty batch and 413 for an oversized one', async () => {
    const t = eventsApp();
    await expectError(await t.post([]), 400, 'invalid_request', /events": must hold at least one event/);
    const many = Array.from({ length: MAX_EVENTS_BATCH + 1 }, (_, j) => event('u', `item-${j % 80}`));
    await expectError(await t.post(many), 413, 'batch_too_large', /at most 500 events per request \(got 501\)/);
    const text = await t.request('/v1/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' },
      body: '{}',
    });
    await expectError(text, 415, 'unsupported_media_type', /JSON/);
  });

  it('needs the writer token, not the admin token, and is disabled without one', async () => {
    const t = eventsApp();
    const user = freshUser('auth');
    await expectError(await t.post([event(user, 'item-1')], 'wrong'), 401, 'unauthorized', /invalid events token/);
    await expectError(await t.post([event(user, 'item-1')], adminToken()), 401, 'unauthorized', /invalid events token/);
    const missing = await t.request('/v1/events', postJson({ events: [event(user, 'item-1')] }));
    await expectError(missing, 401, 'unauthorized', /Bearer <EVENTS_TOKEN>/);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    const disabled = eventsApp(interactionText, { EVENTS_TOKEN: '' });
    await expectError(await disabled.post([event(user, 'item-1')]), 404, 'events_disabled', /no EVENTS_TOKEN/);
    // A second token (rotation) is accepted.
    const rotated = eventsApp(interactionText, { EVENTS_TOKEN: `old-token-000000, ${TOKEN}` });
    expect((await rotated.post([event(user, 'item-1')], 'old-token-000000')).status).toBe(200);
  });

  it('answers 429 with Retry-After when the token is over its rate limit', async () => {
    const keys: string[] = [];
    const limiter = {
      limit: async ({ key }: { key: string }) => {
        keys.push(key);
        return { success: false };
      },
    } as RateLimit;
    const t = eventsApp(interactionText, { EVENTS_TOKEN_LIMITER: limiter });
    const res = await t.post([event('limited-user', 'item-1')]);
    await expectError(res, 429, 'rate_limited', /too many requests for this events token/);
    expect(res.headers.get('retry-after')).toBe('10');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(keys[0]).not.toContain(TOKEN);
  });

  it('limits the events of one user a minute: over it, none of their new events are stored, the others are', async () => {
    const t = eventsApp(interactionText, { EVENTS_USER_PER_MINUTE: '60' });
    const busy = freshUser('busy');
    const calm = freshUser('calm');
    const burst = Array.from({ length: MAX_EVENTS_BATCH }, (_, j) => event(busy, `item-${j % 80}`));
    expect(await readJson<Accepted>(await t.post(burst))).toMatchObject({ accepted: MAX_EVENTS_BATCH });
    const res = await t.post([event(busy, 'item-1'), event(calm, 'item-2')]);
    await expectError(
      res,
      429,
      'rate_limited',
      new RegExp(`too many events for user "${busy}".*1 other new events were`),
    );
    expect(res.headers.get('retry-after')).toBe('60');
    expect((await t.recommend(calm)).events).toMatchObject({ stored: 1 });
    expect((await t.recommend(busy)).events).toMatchObject({ stored: MAX_EVENTS_BATCH });
  });

  it(`keeps a user's newest ${MAX_EVENTS_PER_USER} events`, async () => {
    const t = eventsApp(interactionText, { EVENTS_USER_PER_MINUTE: '100000' });
    const user = freshUser('cap');
    const ids = Array.from({ length: MAX_EVENTS_PER_USER + 20 }, (_, j) => `e-${String(j).padStart(4, '0')}`);
    const batch = (from: number, to: number) =>
      ids.slice(from, to).map((id, j) => ({ id, user, item: `item-${(from + j) % 80}` }));
    await t.post(batch(0, 300));
    await t.post(batch(300, ids.length));
    const kept = (await exportAll()).filter((e) => e.user === user).map((e) => e.id);
    expect(kept).toHaveLength(MAX_EVENTS_PER_USER);
    expect(kept.sort()).toEqual(ids.slice(20));
  });
});

describe('recommendations with events', () => {
  it('makes a first-time visitor personal after one event, excluding the item', async () => {
    const t = eventsApp();
    const user = freshUser('visitor');
    const before = await t.recommend(user);
    expect(before.coldStart).toBe(true);
    expect(before.events).toBeUndefined();
    await t.post([event(user, 'item-7', { weight: 2 })]);
    const after = await t.recommend(user);
    expect(after.coldStart).toBe(false);
    expect(after.events).toEqual({ stored: 1, used: true, items: 1, unknownItems: 0 });
    const expected = coreRanking(
      ref.model,
      [{ item: ref.model.items.indexOf('item-7')!, weight: 2 }],
      new Uint32Array(),
    );
    expect(after.items.map((r) => r.item)).toEqual(expected);
    expect(after.items.map((r) => r.item)).not.toContain('item-7');
    expect(after.items.map((r) => r.item)).not.toEqual(before.items.map((r) => r.item));
  });

  it("folds a known user's training items in with the new events, and DELETE brings back the trained ranking", async () => {
    const t = eventsApp();
    const user = 'user-4';
    const u = ref.model.users.indexOf(user)!;
    const seen = seenBy(ref.model.seen!, u);
    const trained = await t.recommend(user);
    expect((await t.remove(user)).status).toBe(200); // nothing left from an earlier run
    const fresh = [...Array(80).keys()]
      .map((i) => `item-${i}`)
      .filter((id) => !seen.includes(ref.model.items.indexOf(id)!));
    const news = [fresh[0]!, fresh[1]!, fresh[1]!];
    await t.post(news.map((item) => event(user, item, { type: 'cart' })));
    const after = await t.recommend(user);
    const interactions: FoldInInteraction[] = [
      ...[...seen].map((item) => ({ item, weight: 1 })),
      { item: ref.model.items.indexOf(fresh[0]!)!, weight: 3 },
      { item: ref.model.items.indexOf(fresh[1]!)!, weight: 6 },
    ];
    expect(after.items.map((r) => r.item)).toEqual(coreRanking(ref.model, interactions, seen));
    expect(after.excludedSeen).toBe(seen.length);
    expect(after.events).toMatchObject({ stored: 3, used: true, items: 2 });
    const gone = await t.remove(user);
    expect(await readJson(gone)).toEqual({ user, deleted: 3 });
    expect(await readJson(await t.remove(user))).toEqual({ user, deleted: 0 });
    const back = await t.recommend(user);
    expect(back.items).toEqual(trained.items);
    expect(back.events).toBeUndefined();
  });

  it('says why events are not used: unknown items, or a head without an iALS fold-in', async () => {
    const t = eventsApp();
    const user = freshUser('unknown-items');
    await t.post([event(user, 'not-in-the-catalogue')]);
    const recs = await t.recommend(user);
    expect(recs.coldStart).toBe(true);
    expect(recs.events).toMatchObject({
      stored: 1,
      used: false,
      unknownItems: 1,
      reason: expect.stringMatching(/knows none/),
    });
    const sigmoid = eventsApp(await makeInteractionArtifact({ activation: 'sigmoid' }));
    const other = freshUser('sigmoid');
    await sigmoid.post([event(other, 'item-1')]);
    expect((await sigmoid.recommend(other)).events).toMatchObject({
      used: false,
      reason: expect.stringMatching(/iALS/),
    });
  });

  it("folds events into a rating model's iALS ranking head, keeping the trained rating for a known user", async () => {
    const t = eventsApp(rankedText);
    const user = freshUser('ranked');
    await t.post([event(user, 'item-3')]);
    const recs = await t.recommend(user);
    expect(recs.events).toMatchObject({ used: true });
    expect(recs.items.length).toBe(5);
    expect(recs.items.every((r) => typeof r.score === 'number')).toBe(true);
  });

  it('reads no events when no EVENTS_TOKEN is set', async () => {
    const user = freshUser('silent');
    await eventsApp().post([event(user, 'item-7')]);
    const recs = await eventsApp(interactionText, { EVENTS_TOKEN: '' }).recommend(user);
    expect(recs.coldStart).toBe(true);
    expect(recs.events).toBeUndefined();
  });
});

/** Every stored event, through GET /admin/events pages of 50. */
async function exportAll(): Promise<Page['events']> {
  const t = eventsApp();
  const all: Page['events'] = [];
  let since = '';
  for (let pages = 0; pages < 10_000; pages++) {
    const query = `?limit=50${since ? `&since=${since}` : ''}`;
    const page = await readJson<Page>(
      await t.request(`/admin/events${query}`, { headers: { authorization: `Bearer ${adminToken()}` } }),
    );
    all.push(...page.events);
    since = page.next;
    if (!page.more) return all;
  }
  throw new Error('the export did not end');
}

describe('GET /admin/events', () => {
  it('exports every stored event exactly once, page by page, and then nothing new', async () => {
    const t = eventsApp();
    const users = [freshUser('ex-a'), freshUser('ex-b'), freshUser('ex-c')];
    const sent = users.flatMap((user) => [0, 1, 2, 3].map((j) => event(user, `item-${j}`)));
    await t.post(sent);
    const all = await exportAll();
    const ids = all.map((e) => `${e.user}/${e.id}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of sent) expect(ids).toContain(`${e.user}/${e.id}`);
    // From the last cursor, only what is stored afterwards.
    let since = '';
    for (;;) {
      const page = await readJson<Page>(
        await t.request(`/admin/events?limit=1000${since ? `&since=${since}` : ''}`, {
          headers: { authorization: `Bearer ${adminToken()}` },
        }),
      );
      since = page.next;
      if (!page.more) break;
    }
    const late = event(users[0]!, 'item-9');
    await t.post([late]);
    const page = await readJson<Page>(
      await t.request(`/admin/events?since=${since}`, { headers: { authorization: `Bearer ${adminToken()}` } }),
    );
    expect(page.events.map((e) => e.id)).toEqual([late.id]);
  });

  it('refuses a cursor it did not write, and needs the admin token', async () => {
    const t = eventsApp();
    const admin = { headers: { authorization: `Bearer ${adminToken()}` } };
    await expectError(await t.request('/admin/events?since=v2.1', admin), 400, 'invalid_request', /since/);
    await expectError(await t.request('/admin/events?limit=0', admin), 400, 'invalid_request', /limit/);
    const writer = { headers: { authorization: `Bearer ${TOKEN}` } };
    await expectError(await t.request('/admin/events', writer), 401, 'unauthorized', /invalid admin token/);
  });
});

describe('retention', () => {
  it('drops events received longer ago than EVENTS_RETENTION_DAYS when the shard alarm runs', async () => {
    const t = eventsApp();
    const user = freshUser('old');
    await t.post([event(user, 'item-1'), event(user, 'item-2')]);
    const stub = env.EVENTS!.get(env.EVENTS!.idFromName(shardName(shardOf(user))));
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec(
        "UPDATE events SET received = received - 91 * 86400000 WHERE user = ? AND item = 'item-1'",
        user,
      );
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await t.recommend(user)).events).toMatchObject({ stored: 1 });
  });
});
