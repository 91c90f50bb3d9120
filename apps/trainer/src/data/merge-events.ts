import { createIdEncoder, type IdEncoder } from '@edgerec/core';
import type { EventRow } from './read-events.js';
import type { InteractionsFile } from './read-interactions.js';

/** What merging events into a training file did. */
export interface EventsMerge {
  /** Events merged. */
  events: number;
  /** Pairs the training file did not have. */
  newPairs: number;
  /** Users and items the training file did not have. */
  newUsers: number;
  newItems: number;
}

/**
 * The training interactions with the events added: an event's weight is summed into its
 * (user, item) pair like a repeated row of the file (new users, items and pairs are appended), and
 * the pair's timestamp becomes the latest of both (events carry epoch milliseconds; the file
 * seconds; a new pair from an event without one is stamped `now`). The file's own rows keep
 * their order; the new pairs follow in event order.
 */
export function mergeEvents(
  file: InteractionsFile,
  events: readonly EventRow[],
  now = Date.now(),
): { merged: InteractionsFile; report: EventsMerge } {
  const userIds = encoderOf(file.userIds);
  const itemIds = encoderOf(file.itemIds);
  const n = file.users.length;
  const pairs = new Map<number, number>(); // (user, item) → row
  const key = (u: number, i: number) => u * 0x100000000 + i;
  for (let r = 0; r < n; r++) pairs.set(key(file.users[r]!, file.items[r]!), r);
  const users = Array.from(file.users);
  const items = Array.from(file.items);
  const weights = Array.from(file.weights);
  const timestamps = file.timestamps ? Array.from(file.timestamps) : undefined;
  for (const event of events) {
    const u = userIds.encode(event.user);
    const i = itemIds.encode(event.item);
    const k = key(u, i);
    let r = pairs.get(k);
    if (r === undefined) {
      r = users.length;
      pairs.set(k, r);
      users.push(u);
      items.push(i);
      weights.push(0);
      timestamps?.push((event.timestamp ?? now) / 1000);
    }
    weights[r] = weights[r]! + event.weight;
    if (timestamps && event.timestamp !== undefined) timestamps[r] = Math.max(timestamps[r]!, event.timestamp / 1000);
  }
  const merged: InteractionsFile = {
    ...file,
    users: Uint32Array.from(users),
    items: Uint32Array.from(items),
    weights: Float32Array.from(weights),
    userIds: userIds.ids,
    itemIds: itemIds.ids,
  };
  if (timestamps) merged.timestamps = Float64Array.from(timestamps);
  // A ratings file's per-pair ratings do not cover the events' pairs; training reads the weights only.
  delete merged.ratings;
  return {
    merged,
    report: {
      events: events.length,
      newPairs: users.length - n,
      newUsers: userIds.size - file.userIds.length,
      newItems: itemIds.size - file.itemIds.length,
    },
  };
}

/** An id encoder holding `ids` at their indices, which assigns new ids the next ones. */
function encoderOf(ids: readonly string[]): IdEncoder {
  const encoder = createIdEncoder();
  for (const id of ids) encoder.encode(id);
  return encoder;
}
