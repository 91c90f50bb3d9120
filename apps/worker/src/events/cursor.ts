/**
 * The export cursor of `GET /admin/events`: the last sequence number read from each shard, as
 * `v1.<seq0>.<seq1>...` (one number per shard). Opaque to clients: they send back what `next` said.
 */
import { EVENT_SHARDS } from './limits';

/** The cursor before any event. */
export function startCursor(): number[] {
  return new Array<number>(EVENT_SHARDS).fill(0);
}

/** The text form of a cursor. */
export function formatCursor(positions: readonly number[]): string {
  return `v1.${positions.join('.')}`;
}

/** Parses a cursor; undefined when it is not one this Worker wrote. */
export function parseCursor(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts[0] !== 'v1' || parts.length !== EVENT_SHARDS + 1) return undefined;
  const positions = parts.slice(1).map((part) => (/^\d{1,15}$/.test(part) ? Number(part) : Number.NaN));
  return positions.every(Number.isSafeInteger) ? positions : undefined;
}
