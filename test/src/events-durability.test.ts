// Durability of POST /v1/events across a crash: 8 concurrent clients write batches of 1 to 50
// events (many users, ids unique per user) to `wrangler dev`; once a share of them is acknowledged
// and requests are in flight, the whole wrangler/workerd process tree is killed with SIGKILL (no
// graceful stop), then restarted on the same --persist-to folder. Every batch that was not
// acknowledged is retried with the same ids until it is, the clients finish their plans, and the
// export (GET /admin/events) must hold every event exactly once, with the fields sent; the
// recommendations of a sample of users must count their stored events. 7 s on an idle 2-core
// machine, 15-20 s on a busy one (two wrangler dev starts).
import { buildSeenItems, serializeArtifact } from '@edgerec/core';
import { handMadeMetadata, randomInteractionModel, TEST_IALS_FOLD_IN } from '@edgerec/core/testing';
import { auditExport, exportEvents, type SentEvent } from '@edgerec/worker/events-client';
import { startLocalServer, type LocalServer } from '@edgerec/worker/local-server';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { planBatches, runWriter, ServerSlot, type BatchRecord, type WriterCounters } from './helpers/event-writers.js';

const CLIENTS = 8;
const BATCHES_PER_CLIENT = 40;
const MAX_BATCH = 50;
/** Known users (u1…) and first-time visitors (v1…): about 25 events each, well under the 500 kept per user. */
const USERS = [
  ...Array.from({ length: 200 }, (_, u) => `u${u + 1}`),
  ...Array.from({ length: 200 }, (_, v) => `v${v + 1}`),
];
const MODEL_SHAPE = { users: 300, items: 400, dim: 8 };
/** The kill comes once this share of the planned events is acknowledged (and requests are in flight). */
const KILL_AT = 0.4;
const RUN_MS = 120_000;
/**
 * One writer token per client: the per-token limiter allows 1000 requests / 10 s, and each client
 * sends at most one request per 20 ms (500 / 10 s), so no 429 comes from it.
 */
const TOKENS = Array.from({ length: CLIENTS }, (_, c) => `durability-writer-${c}-0123456789`);
const ADMIN_TOKEN = 'durability-admin-0123456789';
const VARS = {
  EVENTS_TOKEN: TOKENS.join(','),
  ADMIN_TOKEN,
  // The default 120 events a user a minute would refuse this test's rate; the shard still counts.
  EVENTS_USER_PER_MINUTE: '1000000',
};

let dir: string;
let modelPath: string;
const servers: LocalServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgerec-durability-'));
  const seenUsers = Array.from({ length: MODEL_SHAPE.users * 5 }, (_, j) => j % MODEL_SHAPE.users);
  const seenItems = seenUsers.map((u, j) => (u * 7 + j * 13) % MODEL_SHAPE.items);
  const model = randomInteractionModel({
    ...MODEL_SHAPE,
    seed: 11,
    seen: buildSeenItems(MODEL_SHAPE.users, seenUsers, seenItems),
    foldIn: TEST_IALS_FOLD_IN,
  });
  modelPath = join(dir, 'model.json');
  await writeFile(modelPath, await serializeArtifact(model, handMadeMetadata(model)));
});

afterAll(async () => {
  // Whatever is still running (a failed assertion, a timeout) is killed, and its files removed.
  for (const server of servers) await server.kill().catch(() => {});
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A wrangler dev on the test's model, vars and state folder. */
async function start(): Promise<LocalServer> {
  const server = await startLocalServer({
    model: modelPath,
    quiet: true,
    vars: VARS,
    persistTo: join(dir, 'state'),
    wranglerArgs: ['--log-level', 'warn'],
  });
  servers.push(server);
  return server;
}

it('keeps every acknowledged event exactly once across a SIGKILL of wrangler dev, with retried batches stored once', {
  timeout: RUN_MS + 60_000,
}, async () => {
  const started = Date.now();
  const items = Array.from({ length: MODEL_SHAPE.items }, (_, i) => `i${i + 1}`);
  const plan = planBatches({
    clients: CLIENTS,
    batchesPerClient: BATCHES_PER_CLIENT,
    users: USERS,
    items,
    maxBatch: MAX_BATCH,
    seed: 7,
  });
  const planned = plan.flat().flatMap((batch) => batch.events);
  const first = await start();
  const slot = new ServerSlot(first.url);
  const counters: WriterCounters = { ackedEvents: 0, inFlight: 0 };
  const deadline = started + RUN_MS;
  const writers = Promise.all(
    plan.map((batches) =>
      runWriter(batches, { slot, tokens: TOKENS, counters, maxAttempts: 20, minIntervalMs: 20, deadline }),
    ),
  );
  // Written so that a failing writer stops the kill loop too, instead of leaving it waiting.
  let writersDone = false;
  const finished = writers.finally(() => (writersDone = true));
  finished.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"

  // The crash: once KILL_AT of the events are acknowledged and at least 4 requests are in flight.
  while (!writersDone && (counters.ackedEvents < KILL_AT * planned.length || counters.inFlight < 4)) {
    if (Date.now() > deadline) throw new Error('the writers never reached the kill point');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  if (writersDone) {
    await finished; // a writer's error, if that is why they stopped
    expect.fail('the writers finished before the kill: nothing was written mid-stream');
  }
  const kill = { ackedEvents: counters.ackedEvents, inFlight: counters.inFlight, atMs: Date.now() - started };
  slot.down();
  await first.kill();
  const restartStarted = Date.now();
  const second = await start();
  const restartMs = Date.now() - restartStarted;
  slot.up(second.url);
  const records: BatchRecord[] = (await finished).flat();

  const ackedBeforeKill = records.filter((r) => r.ackedBy === 0).flatMap((r) => r.batch.events);
  const retried = records.filter((r) => r.failures.length > 0);
  const retriedEvents = retried.flatMap((r) => r.batch.events);
  const storedBeforeAck = retried.reduce((sum, r) => sum + (r.duplicates ?? 0), 0);
  const requests = records.reduce((sum, r) => sum + r.attempts, 0);
  const refusals = records.flatMap((r) => r.failures).filter((f) => /^\d{3} /.test(f));

  const exported = await exportEvents(second.url, ADMIN_TOKEN);
  const audit = auditExport(planned, exported.events);
  const beforeKill = auditExport(ackedBeforeKill, exported.events);
  const retriedAudit = auditExport(retriedEvents, exported.events);
  const sample = await storedCounts(second.url, planned, 24);

  console.log(
    `durability: ${planned.length} events in ${records.length} batches from ${CLIENTS} clients (${requests} requests, ${USERS.length} users); ` +
      `SIGKILL at ${(kill.atMs / 1000).toFixed(1)} s with ${kill.ackedEvents} events acknowledged and ${kill.inFlight} requests in flight; ` +
      `restart ${(restartMs / 1000).toFixed(1)} s; ${retried.length} batches (${retriedEvents.length} events) retried, ` +
      `${storedBeforeAck} of those events already stored before the kill (answered as duplicates); ${refusals.length} refusals (429/503); ` +
      `exported ${exported.events.length} in ${exported.pages} pages: ${audit.missing.length} missing, ${audit.duplicated.length} duplicated, ` +
      `${audit.unexpected.length} unexpected, ${audit.altered.length} altered; ${sample.length} users' events.stored checked; ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  expect(retried.length, 'no batch was cut off by the kill: the crash tested nothing').toBeGreaterThan(0);
  expect(beforeKill.missing, 'events acknowledged before the SIGKILL and lost').toEqual([]);
  expect(retriedAudit.missing, 'retried batches missing after their acknowledgement').toEqual([]);
  expect(retriedAudit.duplicated, 'retried events stored twice').toEqual([]);
  expect(audit.missing.slice(0, 10), `${audit.missing.length} acknowledged events missing from the export`).toEqual([]);
  expect(audit.duplicated.slice(0, 10), `${audit.duplicated.length} (user, id) pairs exported twice`).toEqual([]);
  expect(audit.unexpected.slice(0, 10), 'exported events that were never sent').toEqual([]);
  expect(audit.altered.slice(0, 10), 'events stored with other fields than sent').toEqual([]);
  expect(exported.events.length).toBe(planned.length);
  expect(sample.filter((s) => s.stored !== s.sent).slice(0, 10), 'events.stored differs from what was sent').toEqual(
    [],
  );
  await second.stop();
});

/** `events.stored` of the recommendations of `n` users (the first ones of the plan), beside how many events each was sent. */
async function storedCounts(
  url: string,
  events: readonly SentEvent[],
  n: number,
): Promise<{ user: string; sent: number; stored: number | undefined }[]> {
  const sent = new Map<string, number>();
  for (const { user } of events) sent.set(user, (sent.get(user) ?? 0) + 1);
  const users = [...sent.keys()].filter((_, j) => j % Math.max(1, Math.floor(sent.size / n)) === 0).slice(0, n);
  return Promise.all(
    users.map(async (user) => {
      const response = await fetch(`${url}/v1/users/${encodeURIComponent(user)}/recommendations?k=5`);
      const body = (await response.json()) as { events?: { stored: number } };
      return { user, sent: sent.get(user)!, stored: response.status === 200 ? body.events?.stored : undefined };
    }),
  );
}
