/**
 * The Worker's side of event storage: splits a batch by shard, calls each shard's Durable Object
 * (src/events/shard.ts) over RPC, and merges the answers. A batch is acknowledged only when every
 * shard holding part of it has stored it.
 */
import { ApiError } from '../errors';
import { formatCursor } from './cursor';
import { DEFAULT_USER_EVENTS_PER_MINUTE, EVENT_SHARDS } from './limits';
import { shardName, shardOf } from './shard-of';
import type { AppendOutcome, HistoryEntry, IncomingEvent, ShardLimits, StoredEvent } from './types';

/** A page of the export. */
export interface ExportPage {
  events: StoredEvent[];
  /** The cursor to send as `since` for the events after this page. */
  next: string;
  /** True when the page is full: more events may follow right away. */
  more: boolean;
}

/** Event storage over the `EVENTS` Durable Object namespace. */
export class EventStore {
  constructor(private readonly namespace: DurableObjectNamespace<import('./shard').EventShard>) {}

  /** Stores a batch: every shard's part, in parallel; the outcomes summed. */
  async append(events: readonly IncomingEvent[], limits: ShardLimits): Promise<AppendOutcome> {
    const parts = new Map<number, IncomingEvent[]>();
    for (const event of events) {
      const shard = shardOf(event.user);
      const part = parts.get(shard);
      if (part) part.push(event);
      else parts.set(shard, [event]);
    }
    const outcomes = await unavailableOnFailure('store the events (retry the batch: event ids make a retry safe)', () =>
      Promise.all([...parts].map(([shard, part]) => this.shard(shard).append(part, limits))),
    );
    return outcomes.reduce<AppendOutcome>(
      (sum, o) => ({
        accepted: sum.accepted + o.accepted,
        duplicates: sum.duplicates + o.duplicates,
        limited: [...sum.limited, ...o.limited],
      }),
      { accepted: 0, duplicates: 0, limited: [] },
    );
  }

  /** The user's stored events, oldest first. */
  history(user: string): Promise<HistoryEntry[]> {
    return unavailableOnFailure("read the user's events", () => this.shard(shardOf(user)).history(user));
  }

  /** Deletes the user's stored events; how many there were. */
  deleteUser(user: string): Promise<number> {
    return unavailableOnFailure("delete the user's events", () => this.shard(shardOf(user)).deleteUser(user));
  }

  /** Up to `limit` events after `positions` (one sequence number per shard), shard by shard. */
  async exportPage(positions: readonly number[], limit: number): Promise<ExportPage> {
    const next = [...positions];
    const events: StoredEvent[] = [];
    for (let shard = 0; shard < EVENT_SHARDS && events.length < limit; shard++) {
      const rows = await unavailableOnFailure('export the events', () =>
        this.shard(shard).exportAfter(next[shard]!, limit - events.length),
      );
      if (rows.length > 0) next[shard] = rows[rows.length - 1]!.seq;
      events.push(...rows);
    }
    return { events, next: formatCursor(next), more: events.length === limit };
  }

  private shard(index: number) {
    return this.namespace.get(this.namespace.idFromName(shardName(index)));
  }
}

/** The event store of the Worker's bindings, or undefined when no `EVENTS` namespace is bound. */
export function eventStoreOf(env: Env | undefined): EventStore | undefined {
  return env?.EVENTS ? new EventStore(env.EVENTS) : undefined;
}

/** `EVENTS_USER_PER_MINUTE`, or the default when unset or not a positive number. */
export function shardLimits(env: Env | undefined): ShardLimits {
  const value = Number(env?.EVENTS_USER_PER_MINUTE);
  return { perMinute: Number.isFinite(value) && value > 0 ? value : DEFAULT_USER_EVENTS_PER_MINUTE };
}

/**
 * The user's stored events when events are enabled (an `EVENTS` namespace and an `EVENTS_TOKEN`),
 * else undefined: with no writer token nothing can have been stored, so no shard is asked.
 */
export function storedEvents(env: Env | undefined, user: string): Promise<HistoryEntry[]> | undefined {
  const store = eventStoreOf(env);
  if (!store || (env?.EVENTS_TOKEN ?? '').trim() === '') return undefined;
  return store.history(user);
}

/** Runs a call to the shards; a failure answers 503 `events_unavailable` naming what could not be done. */
async function unavailableOnFailure<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(503, 'events_unavailable', `could not ${what}: ${reason}`);
  }
}
