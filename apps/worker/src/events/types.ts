/** The shapes that travel between the Worker and its event shards (src/events/shard.ts). */

/** A validated event, as the Worker hands it to its shard. */
export interface IncomingEvent {
  /** The client's idempotency key, unique per user. */
  id: string;
  user: string;
  item: string;
  /** The interaction's weight (given, or from its `type`), as the model's fold-in reads it. */
  weight: number;
  type?: string | undefined;
  /** When the event happened, in epoch milliseconds. */
  timestamp: number;
}

/** A stored event, as `GET /admin/events` exports it. */
export interface StoredEvent {
  /** The shard's sequence number: increasing, never reused. */
  seq: number;
  id: string;
  user: string;
  item: string;
  weight: number;
  type?: string;
  timestamp: number;
  /** When the shard stored it, in epoch milliseconds. */
  received: number;
}

/** One entry of a user's stored history. */
export interface HistoryEntry {
  item: string;
  weight: number;
  received: number;
}

/** What a shard did with its part of a batch. */
export interface AppendOutcome {
  /** New events stored. */
  accepted: number;
  /** Events whose id was already stored for their user (or repeated in the batch). */
  duplicates: number;
  /** Users over their rate limit: none of their new events were stored. */
  limited: string[];
}

/** The Worker's limits a shard applies to a write (from the Worker's vars, so every write uses the deployed ones). */
export interface ShardLimits {
  /** Events one user may add a minute (EVENTS_USER_PER_MINUTE). */
  perMinute: number;
}
