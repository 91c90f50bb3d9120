/**
 * `EventShard`: a Durable Object with SQLite storage holding the events of the users that hash to
 * it (src/events/shard-of.ts). One object serialises its users' writes, so an event id is stored
 * at most once per user (`UNIQUE (user, id)`: a retried batch is never counted twice), and a write
 * is acknowledged only once SQLite has it (the Durable Object output gate holds the answer until
 * the write is durable). The Worker talks to it through RPC (src/events/store.ts).
 */
import { DurableObject } from 'cloudflare:workers';
import { DEFAULT_RETENTION_DAYS, MAX_EVENTS_BATCH, MAX_EVENTS_PER_USER } from './limits';
import type { AppendOutcome, HistoryEntry, IncomingEvent, ShardLimits, StoredEvent } from './types';
import { UserRateLimiter } from './user-rate';

const DAY_MS = 24 * 60 * 60 * 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  user TEXT NOT NULL,
  id TEXT NOT NULL,
  item TEXT NOT NULL,
  weight REAL NOT NULL,
  type TEXT,
  timestamp INTEGER NOT NULL,
  received INTEGER NOT NULL,
  UNIQUE (user, id)
);
CREATE INDEX IF NOT EXISTS events_by_user ON events (user, seq);
CREATE INDEX IF NOT EXISTS events_by_received ON events (received);
`;

/** The Durable Object holding one shard's events. */
export class EventShard extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly limiter = new UserRateLimiter();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
  }

  /**
   * Stores the new events of a batch (all of this shard's users): an id already stored for its
   * user is a duplicate and changes nothing. A user over their rate limit gets none of their new
   * events stored (they are listed in `limited`; the client retries the batch later). Each user
   * keeps their newest MAX_EVENTS_PER_USER events.
   */
  async append(events: readonly IncomingEvent[], limits: ShardLimits): Promise<AppendOutcome> {
    const now = Date.now();
    const burst = Math.max(limits.perMinute, MAX_EVENTS_BATCH);
    const byUser = new Map<string, IncomingEvent[]>();
    for (const event of events) {
      const list = byUser.get(event.user);
      if (list) list.push(event);
      else byUser.set(event.user, [event]);
    }
    let accepted = 0;
    let duplicates = 0;
    const limited: string[] = [];
    const taken: [string, number][] = [];
    try {
      this.ctx.storage.transactionSync(() => {
        for (const [user, list] of byUser) {
          const fresh = this.newEvents(user, list);
          duplicates += list.length - fresh.length;
          if (fresh.length === 0) continue;
          if (!this.limiter.take(user, fresh.length, now, limits.perMinute, burst)) {
            limited.push(user);
            continue;
          }
          taken.push([user, fresh.length]);
          for (const e of fresh) this.insert(user, e, now);
          accepted += fresh.length;
          this.trim(user);
        }
      });
    } catch (error) {
      // The transaction rolled back: nothing was stored, so the users' rate budgets are given back.
      for (const [user, n] of taken) this.limiter.refund(user, n, burst);
      throw error;
    }
    if (accepted > 0) await this.scheduleRetention(now);
    return { accepted, duplicates, limited };
  }

  private insert(user: string, e: IncomingEvent, now: number): void {
    this.sql.exec(
      'INSERT INTO events (user, id, item, weight, type, timestamp, received) VALUES (?, ?, ?, ?, ?, ?, ?)',
      user,
      e.id,
      e.item,
      e.weight,
      e.type ?? null,
      e.timestamp,
      now,
    );
  }

  /** The user's stored events, oldest first (item, weight, when received). */
  async history(user: string): Promise<HistoryEntry[]> {
    return this.sql
      .exec<{ item: string; weight: number; received: number }>(
        'SELECT item, weight, received FROM events WHERE user = ? ORDER BY seq',
        user,
      )
      .toArray()
      .map((row) => ({ item: row.item, weight: row.weight, received: row.received }));
  }

  /** Deletes every stored event of the user; returns how many there were. */
  async deleteUser(user: string): Promise<number> {
    return this.sql.exec('DELETE FROM events WHERE user = ?', user).rowsWritten;
  }

  /** Up to `limit` events stored after sequence number `after`, in the order they were stored. */
  async exportAfter(after: number, limit: number): Promise<StoredEvent[]> {
    return this.sql
      .exec<StoredEventRow>(
        'SELECT seq, user, id, item, weight, type, timestamp, received FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
        after,
        limit,
      )
      .toArray()
      .map((row) => ({
        seq: row.seq,
        id: row.id,
        user: row.user,
        item: row.item,
        weight: row.weight,
        ...(row.type === null ? {} : { type: row.type }),
        timestamp: row.timestamp,
        received: row.received,
      }));
  }

  /** How many events the shard holds. */
  async count(): Promise<number> {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM events').one().n;
  }

  /** Drops the events received more than the retention period ago; runs daily while any are stored. */
  override async alarm(): Promise<void> {
    const cutoff = Date.now() - retentionDays(this.env) * DAY_MS;
    this.sql.exec('DELETE FROM events WHERE received < ?', cutoff);
    const left = this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM events').one().n;
    if (left > 0) await this.ctx.storage.setAlarm(Date.now() + DAY_MS);
  }

  /** The events of `list` whose ids the user has not stored yet (first occurrence of a repeated id). */
  private newEvents(user: string, list: readonly IncomingEvent[]): IncomingEvent[] {
    const fresh = new Map<string, IncomingEvent>();
    for (const event of list) if (!fresh.has(event.id)) fresh.set(event.id, event);
    for (const id of fresh.keys()) {
      const stored = this.sql.exec('SELECT 1 FROM events WHERE user = ? AND id = ?', user, id).toArray();
      if (stored.length > 0) fresh.delete(id);
    }
    return [...fresh.values()];
  }

  /** Keeps the user's newest MAX_EVENTS_PER_USER events. */
  private trim(user: string): void {
    this.sql.exec(
      'DELETE FROM events WHERE user = ?1 AND seq <= (SELECT seq FROM events WHERE user = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)',
      user,
      MAX_EVENTS_PER_USER,
    );
  }

  private async scheduleRetention(now: number): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + DAY_MS);
  }
}

interface StoredEventRow extends Record<string, SqlStorageValue> {
  seq: number;
  id: string;
  user: string;
  item: string;
  weight: number;
  type: string | null;
  timestamp: number;
  received: number;
}

/** `EVENTS_RETENTION_DAYS` (1 to 3650), or the default when unset or out of range. */
function retentionDays(env: Env): number {
  const value = Number(env.EVENTS_RETENTION_DAYS);
  return Number.isFinite(value) && value > 0 && value <= 3650 ? value : DEFAULT_RETENTION_DAYS;
}
