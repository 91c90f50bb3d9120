// Concurrent event writers for the durability test: each client sends its planned batches in
// order, one at a time, and retries a batch (same ids) until it is acknowledged, waiting for the
// server to come back when the connection fails. The server can be swapped under them (killed and
// restarted on another port) through a ServerSlot.
import { mulberry32 } from '@edgerec/core';
import { postEvents, type SentEvent } from '@edgerec/worker/events-client';

/** One planned request. */
export interface Batch {
  client: number;
  index: number;
  events: SentEvent[];
}

/** What happened to one batch. */
export interface BatchRecord {
  batch: Batch;
  attempts: number;
  /** When it was acknowledged: the server generation that answered (0: before the restart). */
  ackedBy?: number;
  /** The acknowledgement's counts (on a retry, `duplicates` are events stored before the kill). */
  accepted?: number;
  duplicates?: number;
  /** The failures before the acknowledgement (status or network error). */
  failures: string[];
}

/** The plan's shape. */
export interface PlanOptions {
  clients: number;
  batchesPerClient: number;
  users: string[];
  items: string[];
  maxBatch: number;
  seed: number;
}

const TYPES = ['view', 'click', 'like', 'cart', 'purchase'];

/** Every client's batches of 1 to `maxBatch` events, for random users, with ids unique per user. */
export function planBatches(o: PlanOptions): Batch[][] {
  const random = mulberry32(o.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  let serial = 0;
  return Array.from({ length: o.clients }, (_, client) =>
    Array.from({ length: o.batchesPerClient }, (_, index) => ({
      client,
      index,
      events: Array.from({ length: 1 + Math.floor(random() * o.maxBatch) }, () => ({
        id: `e-${client}-${index}-${serial++}`,
        user: pick(o.users),
        item: pick(o.items),
        type: pick(TYPES),
        weight: 1 + Math.floor(random() * 5),
      })),
    })),
  );
}

/** The server the writers talk to; `down()` marks it gone until `up(url)`. */
export class ServerSlot {
  generation = 0;
  private current: Promise<string>;
  private resolveUp: ((url: string) => void) | undefined;

  constructor(url: string) {
    this.current = Promise.resolve(url);
  }

  /** The URL of the running server (waits while it is down). */
  url(): Promise<string> {
    return this.current;
  }

  /** From now on, writers wait for `up`. */
  down(): void {
    this.current = new Promise((resolve) => (this.resolveUp = resolve));
  }

  /** The server is back at `url`. */
  up(url: string): void {
    this.generation++;
    this.resolveUp?.(url);
    this.current = Promise.resolve(url);
  }
}

/** Live counts the test reads to decide when to kill. */
export interface WriterCounters {
  ackedEvents: number;
  inFlight: number;
}

/** Writer options. */
export interface WriterOptions {
  slot: ServerSlot;
  tokens: string[];
  counters: WriterCounters;
  /** Give up on a batch after this many attempts. */
  maxAttempts: number;
  /** Fastest one client sends, in ms between request starts (keeps each token under its rate limit). */
  minIntervalMs: number;
  deadline: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one client through its batches; resolves with a record per batch. */
export async function runWriter(batches: readonly Batch[], o: WriterOptions): Promise<BatchRecord[]> {
  const records: BatchRecord[] = [];
  for (const batch of batches) {
    const record: BatchRecord = { batch, attempts: 0, failures: [] };
    records.push(record);
    while (record.ackedBy === undefined) {
      if (record.attempts >= o.maxAttempts || Date.now() > o.deadline) {
        throw new Error(
          `client ${batch.client} batch ${batch.index}: not acknowledged after ${record.attempts} attempts: ${record.failures.slice(-3).join('; ')}`,
        );
      }
      const url = await o.slot.url();
      const generation = o.slot.generation;
      const started = Date.now();
      record.attempts++;
      o.counters.inFlight++;
      const outcome = await postEvents(url, o.tokens[batch.client % o.tokens.length]!, batch.events);
      o.counters.inFlight--;
      if (outcome.kind === 'acknowledged') {
        if (outcome.received !== batch.events.length || outcome.accepted + outcome.duplicates !== outcome.received) {
          throw new Error(
            `client ${batch.client} batch ${batch.index}: inconsistent answer ${JSON.stringify(outcome)}`,
          );
        }
        Object.assign(record, { ackedBy: generation, accepted: outcome.accepted, duplicates: outcome.duplicates });
        o.counters.ackedEvents += batch.events.length;
      } else if (outcome.kind === 'refused') {
        record.failures.push(`${outcome.status} ${outcome.message}`);
        if (outcome.status !== 429 && outcome.status !== 503) {
          throw new Error(`client ${batch.client} batch ${batch.index}: ${outcome.status} ${outcome.message}`);
        }
        await sleep((outcome.retryAfterSeconds ?? 0.2) * 1000);
      } else {
        // The connection failed: the server is being killed or restarted; wait for the next one.
        record.failures.push(outcome.message);
        await sleep(100);
      }
      await sleep(Math.max(0, o.minIntervalMs - (Date.now() - started)));
    }
  }
  return records;
}
