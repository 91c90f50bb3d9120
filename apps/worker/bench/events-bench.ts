// `pnpm bench:events`: event ingestion through `wrangler dev` on this machine (a benchmark, not a
// test: it prints figures and fails only when something breaks). For each batch size and
// concurrency, sustained events/s and the latency of POST /v1/events, with the export audited
// afterwards (0 lost, 0 duplicated); then what the events lookup adds to
// GET /v1/users/{user}/recommendations. Progress goes to stderr, the tables to stdout.
import { buildSeenItems, serializeArtifact } from '@edgerec/core';
import { handMadeMetadata, randomInteractionModel, TEST_IALS_FOLD_IN } from '@edgerec/core/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalServer, type LocalServer } from '../scripts/local-server.mjs';
import { fixed, loadNow, markdownTable } from './bench-stats.js';
import { runIngest, type IngestResult } from './events-ingest.js';
import { seedEvents, timeRecommendations, type RecsGroup, type RecsResult } from './events-recs.js';

const USAGE = `usage: pnpm bench:events [--duration S] [--concurrency LIST] [--batch LIST] [--rounds N] [--skip-recs]

  --duration S        seconds per ingestion run (default 10)
  --concurrency LIST  clients posting at once, comma-separated (default 1,4,16)
  --batch LIST        events per request, comma-separated (default 1,10,50)
  --rounds N          timed recommendation requests per group (default 200)
  --skip-recs         skip the recommendations latency section
  -h, --help          this text

Starts wrangler dev (127.0.0.1, a temporary --persist-to folder, removed at the end) on a synthetic
iALS model (1000 users x 2000 items, dim 32). Each client has its own writer token and sends at most
one request per 11 ms, under the per-token limit of 1000 requests / 10 s (wrangler.jsonc);
EVENTS_USER_PER_MINUTE is raised so that the per-user limit refuses nothing. Target: >= 200 events/s,
0 lost, 0 duplicated, p99 < 250 ms. The recommendations section starts a second wrangler dev
without EVENTS_TOKEN (events disabled) and times both, one request at a time, interleaved.`;

const TARGET = { eventsPerSecond: 200, p99: 250 };
const SHAPE = { users: 1000, items: 2000, dim: 32, seenPerUser: 20 };
const ADMIN_TOKEN = 'bench-admin-0123456789';
const MIN_INTERVAL_MS = 11;

/** A comma-separated list of positive integers. */
function intList(text: string, flag: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${flag}: expected positive integers separated by commas, got "${text}"`);
  }
  return values;
}

/** The parsed flags, or undefined after printing the usage. */
function readFlags() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '1,4,16' },
      batch: { type: 'string', default: '1,10,50' },
      rounds: { type: 'string', default: '200' },
      'skip-recs': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const duration = Number(values.duration);
  if (!(duration > 0 && duration <= 600))
    throw new Error(`--duration: expected 0 < S <= 600, got "${values.duration}"`);
  const rounds = intList(values.rounds, '--rounds')[0]!;
  return {
    durationMs: duration * 1000,
    concurrency: intList(values.concurrency, '--concurrency'),
    batch: intList(values.batch, '--batch'),
    rounds,
    skipRecs: values['skip-recs'],
  };
}

/** The benchmark's model: random iALS factors with about 20 training items a user. */
async function writeModel(path: string): Promise<string[]> {
  const seenUsers: number[] = [];
  const seenItems: number[] = [];
  for (let u = 0; u < SHAPE.users; u++) {
    for (let s = 0; s < SHAPE.seenPerUser; s++) {
      seenUsers.push(u);
      seenItems.push((u * 37 + s * 101) % SHAPE.items);
    }
  }
  const model = randomInteractionModel({
    users: SHAPE.users,
    items: SHAPE.items,
    dim: SHAPE.dim,
    seed: 5,
    seen: buildSeenItems(SHAPE.users, seenUsers, seenItems),
    foldIn: TEST_IALS_FOLD_IN,
  });
  await writeFile(path, await serializeArtifact(model, handMadeMetadata(model)));
  return Array.from(model.items.ids);
}

const log = (text: string) => process.stderr.write(`${text}\n`);

/** The ingestion table. */
function ingestTable(results: readonly IngestResult[]): string {
  return markdownTable(
    ['batch', 'clients', 'requests', 'events/s', 'p50 ms', 'p99 ms', 'max ms', 'failures', 'lost', 'duplicated'],
    results.map((r) => [
      String(r.batch),
      String(r.concurrency),
      String(r.requests),
      fixed(r.eventsPerSecond, 0),
      fixed(r.p50),
      fixed(r.p99),
      fixed(r.max),
      Object.entries(r.failures)
        .map(([kind, n]) => `${n} ${kind}`)
        .join(', ') || '0',
      String(r.lost),
      String(r.duplicated),
    ]),
  );
}

/** The recommendations table, with each group's p50 beside the events-disabled one. */
function recsTable(results: readonly RecsResult[]): string {
  const base = results.find((r) => r.label === 'events disabled');
  return markdownTable(
    ['user', 'requests', 'p50 ms', 'p99 ms', 'mean ms', 'p50 added', 'wrong answers'],
    results.map((r) => [
      r.label,
      String(r.requests),
      fixed(r.p50),
      fixed(r.p99),
      fixed(r.mean),
      base && r !== base ? `${fixed(r.p50 - base.p50)} ms` : '-',
      String(r.wrong),
    ]),
  );
}

/** Times the recommendations of users with 0, 10 and 100 events, and on a Worker with events disabled. */
async function recsSection(
  server: LocalServer,
  disabled: LocalServer,
  token: string,
  items: readonly string[],
  rounds: number,
): Promise<RecsResult[]> {
  const users = (from: number) => Array.from({ length: 50 }, (_, j) => `u${from + j}`);
  const groups: RecsGroup[] = [
    { label: 'events disabled', url: disabled.url, users: users(301), stored: 0 },
    { label: '0 events', url: server.url, users: users(301), stored: 0 },
    { label: '10 events', url: server.url, users: users(101), stored: 10 },
    { label: '100 events', url: server.url, users: users(201), stored: 100 },
  ];
  log(`recommendations: seeding 10 and 100 events for 50 users each (load ${loadNow()})`);
  await seedEvents(server.url, token, groups[2]!.users, 10, items);
  await seedEvents(server.url, token, groups[3]!.users, 100, items);
  await timeRecommendations(groups, 50);
  log(`recommendations: ${rounds} requests a group (load ${loadNow()})`);
  return timeRecommendations(groups, rounds);
}

async function main(): Promise<number> {
  const flags = readFlags();
  if (!flags) {
    console.log(USAGE);
    return 0;
  }
  const dir = await mkdtemp(join(tmpdir(), 'edgerec-events-bench-'));
  const running: LocalServer[] = [];
  try {
    const modelPath = join(dir, 'model.json');
    const items = await writeModel(modelPath);
    const tokens = Array.from({ length: Math.max(...flags.concurrency) }, (_, c) => `bench-writer-${c}-0123456789`);
    const start = async (vars: Record<string, string>, state: string) => {
      const server = await startLocalServer({
        model: modelPath,
        quiet: true,
        vars: { ADMIN_TOKEN, EVENTS_USER_PER_MINUTE: '100000000', ...vars },
        persistTo: join(dir, state),
        wranglerArgs: ['--log-level', 'warn'],
      });
      running.push(server);
      return server;
    };
    log(`events bench: starting wrangler dev (load ${loadNow()})`);
    const server = await start({ EVENTS_TOKEN: tokens.join(',') }, 'state');
    const ingest: IngestResult[] = [];
    let run = 0;
    for (const batch of flags.batch) {
      for (const concurrency of flags.concurrency) {
        log(`ingest: batch ${batch}, ${concurrency} clients, ${flags.durationMs / 1000} s (load ${loadNow()})`);
        const result = await runIngest({
          url: server.url,
          adminToken: ADMIN_TOKEN,
          tokens,
          batch,
          concurrency,
          durationMs: flags.durationMs,
          users: 20_000,
          items,
          tag: `r${run++}`,
          minIntervalMs: MIN_INTERVAL_MS,
        });
        ingest.push(result);
        for (const message of result.failureMessages) log(`  failure: ${message}`);
        log(
          `  ${fixed(result.eventsPerSecond, 0)} events/s, p50 ${fixed(result.p50)} ms, p99 ${fixed(result.p99)} ms, lost ${result.lost}, duplicated ${result.duplicated}`,
        );
      }
    }
    console.log(
      `\nPOST /v1/events through wrangler dev (${flags.durationMs / 1000} s a run; load at end ${loadNow()})\n`,
    );
    console.log(ingestTable(ingest));
    for (const r of ingest.filter((x) => x.unexpected + x.altered > 0)) {
      console.log(
        `batch ${r.batch}, ${r.concurrency} clients: ${r.unexpected} exported events never acknowledged, ${r.altered} altered`,
      );
    }
    const met = ingest.filter(
      (r) =>
        r.eventsPerSecond >= TARGET.eventsPerSecond &&
        r.p99 < TARGET.p99 &&
        r.lost + r.duplicated + r.unexpected + r.altered === 0,
    );
    console.log(
      `\ntarget (>= ${TARGET.eventsPerSecond} events/s, p99 < ${TARGET.p99} ms, 0 lost, 0 duplicated): met by ${met.length} of ${ingest.length} runs; ` +
        `every run lost ${Math.max(...ingest.map((r) => r.lost))} at most and duplicated ${Math.max(...ingest.map((r) => r.duplicated))} at most`,
    );
    if (!flags.skipRecs) {
      log(`recommendations: starting a second wrangler dev without EVENTS_TOKEN (load ${loadNow()})`);
      const disabled = await start({}, 'state-disabled');
      const recs = await recsSection(server, disabled, tokens[0]!, items, flags.rounds);
      console.log(`\nGET /v1/users/{user}/recommendations?k=10, one request at a time (load at end ${loadNow()})\n`);
      console.log(recsTable(recs));
    }
    return 0;
  } finally {
    for (const server of running) await server.stop().catch(() => server.kill());
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`events bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
