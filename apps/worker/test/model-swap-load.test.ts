import { mulberry32, predict, type RecommenderModel } from '@edgerec/core';
import { expect, it } from 'vitest';
import { recommendFor } from '../src/ranking';
import { V1_SEED, V2_SEED, testVersion } from './helpers/artifacts';
import { modelsBucket, pointerTo, r2App, tag, uniquePrefix } from './helpers/r2';
import { TEST_MODEL, makeTestModel } from './helpers/test-model';

// Model swap under load (issue 4): 2,000 requests at concurrency 16 through the worker's fetch
// handler (MODEL_SOURCE=r2 on the local R2 bucket) while POST /admin/reload swaps v1 → v2 midway.
// Every response must succeed, name one of the two versions in x-edgerec-model, and carry exactly
// the scores core's predict gives for that version. A third of the batches upload their body
// slowly, and a few are held open across the swap, so requests that pinned v1 finish after v2
// took over: they must still answer entirely from v1.

const TOTAL = 2000;
const CONCURRENCY = 16;
const RELOAD_AT = 1000;
/** Batches that start just before the reload and finish only after it completed. */
const isHeld = (i: number) => i >= RELOAD_AT - 12 && i < RELOAD_AT && i % 3 === 1;

interface Sample {
  i: number;
  version: 'v1' | 'v2' | undefined;
  startedBeforeReload: boolean;
  startedAfterSwap: boolean;
  finishedAfterSwap: boolean;
  held: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('swaps models under load with no error and no mixed response', { timeout: 60_000 }, async () => {
  const t0 = Date.now();
  const [v1, v2] = await Promise.all([testVersion(V1_SEED), testVersion(V2_SEED)]);
  const versions = new Map<string, { name: 'v1' | 'v2'; model: RecommenderModel }>([
    [tag(v1.sha256), { name: 'v1', model: makeTestModel({ seed: V1_SEED }) }],
    [tag(v2.sha256), { name: 'v2', model: makeTestModel({ seed: V2_SEED }) }],
  ]);
  const prefix = uniquePrefix('load');
  const pointer = `${prefix}current.json`;
  await Promise.all([
    modelsBucket().put(`${prefix}models/v1.json`, v1.text),
    modelsBucket().put(`${prefix}models/v2.json`, v2.text),
    modelsBucket().put(pointer, pointerTo(`${prefix}models/v1.json`)),
  ]);
  const t = r2App(prefix);
  expect((await t.request('/v1/model')).headers.get('x-edgerec-model')).toBe(tag(v1.sha256));

  let reloading: Promise<Response> | undefined;
  let swapped = false;
  let markSwapped!: () => void;
  const swap = new Promise<void>((resolve) => (markSwapped = resolve));
  const startReload = () => {
    reloading = (async () => {
      await modelsBucket().put(pointer, pointerTo(`${prefix}models/v2.json`));
      const res = await t.reload();
      swapped = true;
      markSwapped();
      return res;
    })();
  };

  const random = mulberry32(42);
  const pick = (n: number) => Math.floor(random() * n);
  const errors: string[] = [];
  const samples: Sample[] = [];
  const encoder = new TextEncoder();

  /** A body stream sent in three chunks, pausing before each (and, if held, until the swap). */
  const slowBody = (text: string, held: boolean) =>
    new ReadableStream<Uint8Array>({
      async start(controller) {
        const third = Math.ceil(text.length / 3);
        for (let part = 0; part < 3; part++) {
          await sleep(1);
          if (held && part === 2) await swap;
          controller.enqueue(encoder.encode(text.slice(part * third, (part + 1) * third)));
        }
        controller.close();
      },
    });

  const one = async (i: number): Promise<void> => {
    const sample: Sample = {
      i,
      version: undefined,
      startedBeforeReload: reloading === undefined,
      startedAfterSwap: swapped,
      finishedAfterSwap: false,
      held: isHeld(i),
    };
    samples.push(sample);
    const fail = (message: string) => errors.push(`#${i}: ${message}`);
    const kind = i % 3;
    const u = pick(TEST_MODEL.users);
    const pairs = Array.from({ length: kind === 1 ? 4 : 1 }, () => [u, pick(TEST_MODEL.items)] as const);
    const ids = (model: RecommenderModel, [uu, ii]: readonly [number, number]) => ({
      user: model.users.ids[uu]!,
      item: model.items.ids[ii]!,
    });
    const anyModel = versions.get(tag(v1.sha256))!.model; // both versions have the same ids

    let res: Response;
    try {
      if (kind === 0) {
        const { user, item } = ids(anyModel, pairs[0]!);
        res = await t.request(`/v1/score?user=${encodeURIComponent(user)}&item=${encodeURIComponent(item)}`);
      } else if (kind === 1) {
        const body = JSON.stringify({ pairs: pairs.map((p) => ids(anyModel, p)) });
        res = await t.request('/v1/score', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: slowBody(body, sample.held),
        });
      } else {
        res = await t.request(`/v1/users/${encodeURIComponent(anyModel.users.ids[u]!)}/recommendations?k=5`);
      }
      const text = await res.text();
      sample.finishedAfterSwap = swapped;
      if (res.status !== 200) return void fail(`status ${res.status}: ${text}`);
      const served = versions.get(res.headers.get('x-edgerec-model') ?? '');
      if (!served) return void fail(`x-edgerec-model ${res.headers.get('x-edgerec-model')} is neither version`);
      sample.version = served.name;
      const { model } = served;
      const body = JSON.parse(text) as {
        rating?: number;
        raw?: number;
        results?: { rating: number; raw: number }[];
        items?: { item: string; rating: number; raw: number }[];
      };
      if (kind === 2) {
        const expected = recommendFor(model, model.users.ids[u]!, 5).items;
        if (JSON.stringify(body.items) !== JSON.stringify(expected))
          fail(`recommendations differ from ${served.name}'s`);
        return;
      }
      const got = kind === 0 ? [body] : (body.results ?? []);
      if (got.length !== pairs.length) return void fail(`expected ${pairs.length} results, got ${got.length}`);
      pairs.forEach(([uu, ii], n) => {
        const expected = predict(model, uu, ii);
        if (got[n]!.rating !== expected.rating || got[n]!.raw !== expected.raw) {
          fail(
            `pair ${n}: rating ${got[n]!.rating} / raw ${got[n]!.raw}, ${served.name} predicts ${expected.rating} / ${expected.raw}`,
          );
        }
      });
    } catch (error) {
      fail(`threw ${String(error)}`);
    }
  };

  let next = 0;
  const worker = async () => {
    while (next < TOTAL) {
      const i = next++;
      if (i === RELOAD_AT) startReload();
      await one(i);
      await sleep(0);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const reload = await reloading!;
  const elapsed = Date.now() - t0;

  expect(errors).toEqual([]);
  expect(samples).toHaveLength(TOTAL);
  expect(reload.status).toBe(200);
  expect(await reload.json()).toMatchObject({
    status: 'swapped',
    model: { sha256: v2.sha256 },
    previous: { sha256: v1.sha256 },
  });

  const count = (filter: (r: Sample) => boolean) => samples.filter(filter).length;
  // Started before the reload was asked for: v1. Started after the swap: v2.
  expect(count((r) => r.startedBeforeReload && r.version !== 'v1')).toBe(0);
  expect(count((r) => r.startedAfterSwap && r.version !== 'v2')).toBe(0);
  // The held batches pinned v1, then finished after v2 took over: still v1, scores checked above.
  const held = samples.filter((r) => r.held);
  expect(held.length).toBeGreaterThan(0);
  for (const r of held) expect(r).toMatchObject({ startedBeforeReload: true, finishedAfterSwap: true, version: 'v1' });
  const v1Count = count((r) => r.version === 'v1');
  const v2Count = count((r) => r.version === 'v2');
  expect(v1Count).toBeGreaterThan(RELOAD_AT / 2);
  expect(v2Count).toBeGreaterThan((TOTAL - RELOAD_AT) / 2);
  expect((await t.request('/v1/model')).headers.get('x-edgerec-model')).toBe(tag(v2.sha256));
  const straddling = count((r) => !r.startedAfterSwap && r.finishedAfterSwap && r.version === 'v1');
  console.log(
    `swap under load: ${TOTAL} requests, concurrency ${CONCURRENCY}, ${v1Count} answered by v1, ${v2Count} by v2, ` +
      `${straddling} pinned v1 and finished after the swap (${held.length} held on purpose), ${elapsed} ms`,
  );
  expect(elapsed).toBeLessThan(60_000);
});
