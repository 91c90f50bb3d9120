// Load: LOAD_REQUESTS valid requests at concurrency LOAD_CONCURRENCY against `wrangler dev` (workerd)
// on 127.0.0.1, serving a synthetic artifact made with core's serializeArtifact. A mix of
// GET /v1/score, GET /v1/users/:u/recommendations, GET /v1/items/:i/similar and POST /v1/score
// (small batches), sent with Node's own fetch (undici) from a fixed pool of LOAD_CONCURRENCY
// loops. Every request is valid, so every answer must be a 200 with a JSON body naming the served
// model; any other status or a network error fails the test. Bounded: stops after LOAD_REQUESTS
// requests or LOAD_MAX_MS, whichever comes first. Prints total time, req/s, p50/p99 latency and
// the load average (the machine's 2 cores may be shared).
import { mulberry32, parseArtifact, serializeArtifact, type RecommenderModel } from '@edgerec/core';
import { gaussianRatingModel } from '@edgerec/core/testing';
import { startLocalServer, type LocalServer } from '@edgerec/worker/local-server';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

const LOAD_REQUESTS = 20_000;
const LOAD_CONCURRENCY = 32;
const LOAD_MAX_MS = 120_000;
/** One request slower than this counts as an error (wrangler dev on a busy 2-core machine is slow, not this slow). */
const REQUEST_TIMEOUT_MS = 10_000;
const SHAPE = { users: 1000, items: 2000, dim: 32, seenPerUser: 20, seed: 4242 };

/** A random model with structure-free gaussian factors, biases and about 20 seen items a user. */
function syntheticModel(): RecommenderModel {
  const { users, items, dim, seenPerUser, seed } = SHAPE;
  return {
    ...gaussianRatingModel({ users, items, dim, seed, seenPairs: users * seenPerUser }),
    recommendThreshold: 3.5,
  };
}

async function syntheticArtifact(): Promise<string> {
  const model = syntheticModel();
  const ratings = model.seen!.items.length;
  return serializeArtifact(model, {
    createdAt: '2026-04-27T00:00:00.000Z',
    stats: { ratings, users: SHAPE.users, items: SHAPE.items, globalMean: 3.5 },
    training: {
      data: { file: 'synthetic-load.tsv', sha256: '0'.repeat(64), format: 'tsv', ratings },
      seed: SHAPE.seed,
      epochs: 1,
      bestEpoch: 1,
      stoppedEarly: false,
      backend: 'none',
      seconds: 0,
      hyperparameters: { dim: SHAPE.dim },
      metrics: {},
      history: [],
    },
  });
}

/** The p-quantile (0..1) of sorted values, nearest rank. */
function quantile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

let dir: string;
let server: LocalServer;
let modelTag: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgerec-load-'));
  const text = await syntheticArtifact();
  modelTag = (await parseArtifact(text)).meta.sha256.slice(0, 12);
  const modelPath = join(dir, 'model.json');
  await writeFile(modelPath, text);
  server = await startLocalServer({ model: modelPath, quiet: true, wranglerArgs: ['--log-level', 'warn'] });
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Kind = 'score' | 'recommendations' | 'similar' | 'batch';

it(`serves ${LOAD_REQUESTS} mixed requests at concurrency ${LOAD_CONCURRENCY} with no error`, {
  timeout: LOAD_MAX_MS + 60_000,
}, async () => {
  const random = mulberry32(99);
  const pick = (n: number) => Math.floor(random() * n);
  /** Requests are drawn up front, so the mix does not depend on timing. */
  const plan: Kind[] = Array.from({ length: LOAD_REQUESTS }, () => {
    const r = random();
    return r < 0.25 ? 'score' : r < 0.6 ? 'recommendations' : r < 0.8 ? 'similar' : 'batch';
  });
  const build = (kind: Kind): [string, RequestInit | undefined] => {
    const u = `u${pick(SHAPE.users)}`;
    const i = `i${pick(SHAPE.items)}`;
    switch (kind) {
      case 'score':
        return [`/v1/score?user=${u}&item=${i}`, undefined];
      case 'recommendations':
        return [`/v1/users/${u}/recommendations?k=${1 + pick(20)}`, undefined];
      case 'similar':
        return [`/v1/items/${i}/similar?k=10`, undefined];
      case 'batch': {
        const pairs = Array.from({ length: 10 }, () => ({
          user: `u${pick(SHAPE.users)}`,
          item: `i${pick(SHAPE.items)}`,
        }));
        return [
          '/v1/score',
          { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pairs }) },
        ];
      }
    }
  };

  // Warm-up: the first request parses the artifact in the isolate.
  expect((await fetch(`${server.url}/v1/model`)).status).toBe(200);

  const latencies = new Float64Array(LOAD_REQUESTS);
  const counts: Record<Kind, number> = { score: 0, recommendations: 0, similar: 0, batch: 0 };
  const errors: string[] = [];
  let errorCount = 0;
  let next = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + LOAD_MAX_MS;
  const fail = (message: string) => {
    errorCount++;
    if (errors.length < 20) errors.push(message);
  };

  const loop = async () => {
    while (next < LOAD_REQUESTS && performance.now() < deadline) {
      const n = next++;
      const kind = plan[n]!;
      const [path, init] = build(kind);
      const t0 = performance.now();
      try {
        const response = await fetch(`${server.url}${path}`, {
          ...init,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await response.text();
        latencies[done] = performance.now() - t0;
        if (response.status !== 200) fail(`#${n} ${kind} ${path}: status ${response.status} ${text.slice(0, 200)}`);
        else if (response.headers.get('x-edgerec-model') !== modelTag)
          fail(`#${n} ${kind}: x-edgerec-model ${response.headers.get('x-edgerec-model')}`);
        else {
          const body = JSON.parse(text) as { items?: unknown[]; results?: unknown[]; rating?: number };
          const ok =
            kind === 'score'
              ? Number.isFinite(body.rating)
              : kind === 'batch'
                ? body.results?.length === 10
                : Array.isArray(body.items);
          if (!ok) fail(`#${n} ${kind}: unexpected body ${text.slice(0, 200)}`);
        }
      } catch (error) {
        latencies[done] = performance.now() - t0;
        fail(`#${n} ${kind} ${path}: ${String(error)}`);
      }
      counts[kind]++;
      done++;
    }
  };
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, loop));
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.subarray(0, done).sort();
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(
    `load: ${done} requests (${Object.entries(counts)
      .map(([k, c]) => `${k} ${c}`)
      .join(', ')}) at concurrency ${LOAD_CONCURRENCY} ` +
      `against wrangler dev --log-level warn on ${server.url}, ${SHAPE.users} users x ${SHAPE.items} items, dim ${SHAPE.dim}\n` +
      `  ${seconds.toFixed(1)} s, ${(done / seconds).toFixed(0)} req/s, latency p50 ${ms(quantile(sorted, 0.5))}, p90 ${ms(quantile(sorted, 0.9))}, ` +
      `p99 ${ms(quantile(sorted, 0.99))}, max ${ms(quantile(sorted, 1))}; ${errorCount} errors; ` +
      `loadavg ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} (${os.availableParallelism()} cores)` +
      (errors.length > 0 ? `\n  first errors:\n    ${errors.join('\n    ')}` : ''),
  );
  expect(errors).toEqual([]);
  expect(done).toBe(LOAD_REQUESTS);
});
