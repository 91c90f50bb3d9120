import { EVENT_SHARDS } from './limits';

/** The shard (0 to EVENT_SHARDS - 1) holding `user`'s events: FNV-1a of the id's UTF-16 code units. */
export function shardOf(user: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < user.length; i++) {
    hash ^= user.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % EVENT_SHARDS;
}

/** The Durable Object name of shard `index`. */
export function shardName(index: number): string {
  return `events-shard-${index}`;
}
