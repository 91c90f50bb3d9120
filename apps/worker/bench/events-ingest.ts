// One ingestion run of the events benchmark: `concurrency` clients post batches of `batch` new
// events to POST /v1/events for `durationMs`, each client with its own writer token and at most
// one request in flight; a batch that is not acknowledged is retried with the same ids. Then the
// events stored since the run began are exported (GET /admin/events from the cursor taken before
// it) and audited by (user, id) against the acknowledged ones.
import { auditExport, exportEvents, postEvents, type SentEvent } from '../scripts/events-client.js';
import { ascending, quantile, sleep } from './bench-stats.js';

/** What one run is asked to do. */
export interface IngestRun {
  url: string;
  adminToken: string;
  /** One token per client (`tokens.length >= concurrency`). */
  tokens: readonly string[];
  batch: number;
  concurrency: number;
  durationMs: number;
  /** Distinct users the events go to (random, so most batches span several shards). */
  users: number;
  /** Items the events name. */
  items: readonly string[];
  /** Prefix of this run's user ids, so that runs never share a user. */
  tag: string;
  /** Least time between two requests of one client: keeps each token under its rate limit. */
  minIntervalMs: number;
}

/** What one run measured. */
export interface IngestResult {
  batch: number;
  concurrency: number;
  seconds: number;
  requests: number;
  acknowledgedEvents: number;
  eventsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** Answers other than 200 (by status) and failed connections. */
  failures: Record<string, number>;
  /** The first few failures' messages. */
  failureMessages: string[];
  lost: number;
  duplicated: number;
  /** Exported events that were never acknowledged (should be 0: every batch is retried until it is). */
  unexpected: number;
  altered: number;
}

/** Runs one measurement; see the top of this file. */
export async function runIngest(run: IngestRun): Promise<IngestResult> {
  const before = await exportEvents(run.url, run.adminToken);
  const acknowledged: SentEvent[] = [];
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const failureMessages: string[] = [];
  let requests = 0;
  let serial = 0;
  const started = performance.now();
  const stopAt = started + run.durationMs;

  const client = async (c: number) => {
    const token = run.tokens[c]!;
    while (performance.now() < stopAt) {
      const events = Array.from({ length: run.batch }, () => ({
        id: `${run.tag}-${c}-${serial++}`,
        user: `${run.tag}-u${Math.floor(Math.random() * run.users)}`,
        item: run.items[Math.floor(Math.random() * run.items.length)]!,
        type: 'click',
      }));
      for (let attempt = 1; ; attempt++) {
        const sentAt = performance.now();
        requests++;
        const outcome = await postEvents(run.url, token, events, 30_000);
        latencies.push(outcome.ms);
        const wait = Math.max(0, run.minIntervalMs - (performance.now() - sentAt));
        if (outcome.kind === 'acknowledged') {
          acknowledged.push(...events);
          if (wait > 0) await sleep(wait);
          break;
        }
        const key = outcome.kind === 'refused' ? String(outcome.status) : 'network';
        failures[key] = (failures[key] ?? 0) + 1;
        if (failureMessages.length < 3) failureMessages.push(`${key}: ${outcome.message}`);
        if (attempt >= 5) throw new Error(`a batch failed 5 times; last: ${JSON.stringify(outcome)}`);
        const retryAfter = outcome.kind === 'refused' ? (outcome.retryAfterSeconds ?? 0) * 1000 : 0;
        await sleep(Math.max(wait, retryAfter, 200));
      }
    }
  };
  await Promise.all(Array.from({ length: run.concurrency }, (_, c) => client(c)));
  const seconds = (performance.now() - started) / 1000;
  const after = await exportEvents(run.url, run.adminToken, before.next);
  const audit = auditExport(acknowledged, after.events);
  const sorted = ascending(latencies);
  return {
    batch: run.batch,
    concurrency: run.concurrency,
    seconds,
    requests,
    acknowledgedEvents: acknowledged.length,
    eventsPerSecond: acknowledged.length / seconds,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: quantile(sorted, 1),
    failures,
    failureMessages,
    lost: audit.missing.length,
    duplicated: audit.duplicated.length,
    unexpected: audit.unexpected.length,
    altered: audit.altered.length,
  };
}
