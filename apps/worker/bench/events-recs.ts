// The cost of the events lookup on GET /v1/users/{user}/recommendations: users of the model with
// 0, 10 or 100 stored events (one Durable Object call per request, then the iALS fold-in of the
// events when there are some), against the same route on a second Worker with events disabled (no
// EVENTS_TOKEN: no Durable Object call). Requests go one at a time, the groups interleaved round by
// round, so that a change in the machine's load hits every group alike.
import { postEvents } from '../scripts/events-client.js';
import { ascending, quantile } from './bench-stats.js';

/** Users whose recommendations are timed, and how many stored events each must report. */
export interface RecsGroup {
  label: string;
  /** The Worker that serves the group. */
  url: string;
  users: readonly string[];
  /** `events.stored` every answer must report (0: no `events` field). */
  stored: number;
}

/** One group's latencies. */
export interface RecsResult {
  label: string;
  requests: number;
  p50: number;
  p99: number;
  mean: number;
  /** Answers that were not 200 or reported another `events.stored`. */
  wrong: number;
}

/** Stores `perUser` events (distinct items, in batches of up to 100) for each of `users`. */
export async function seedEvents(
  url: string,
  token: string,
  users: readonly string[],
  perUser: number,
  items: readonly string[],
): Promise<void> {
  const events = users.flatMap((user, u) =>
    Array.from({ length: perUser }, (_, j) => ({
      id: `seed-${perUser}-${j}`,
      user,
      item: items[(u * 131 + j * 17) % items.length]!,
      type: 'click',
    })),
  );
  for (let start = 0; start < events.length; start += 100) {
    const outcome = await postEvents(url, token, events.slice(start, start + 100));
    if (outcome.kind !== 'acknowledged') throw new Error(`seeding events failed: ${JSON.stringify(outcome)}`);
  }
}

/** Times `rounds` requests per group, interleaved (see the top of this file). */
export async function timeRecommendations(groups: readonly RecsGroup[], rounds: number): Promise<RecsResult[]> {
  const latencies = groups.map(() => [] as number[]);
  const wrong = groups.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (const g of rotate(groups.length, round)) {
      const group = groups[g]!;
      const user = group.users[round % group.users.length]!;
      const started = performance.now();
      const response = await fetch(`${group.url}/v1/users/${encodeURIComponent(user)}/recommendations?k=10`);
      const body = (await response.json()) as { events?: { stored: number } };
      latencies[g]!.push(performance.now() - started);
      if (response.status !== 200 || (body.events?.stored ?? 0) !== group.stored) wrong[g]!++;
    }
  }
  return groups.map((group, g) => {
    const sorted = ascending(latencies[g]!);
    return {
      label: group.label,
      requests: sorted.length,
      p50: quantile(sorted, 0.5),
      p99: quantile(sorted, 0.99),
      mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
      wrong: wrong[g]!,
    };
  });
}

/** 0..n-1 starting at `round % n`, so that no group always goes first. */
function rotate(n: number, round: number): number[] {
  return Array.from({ length: n }, (_, j) => (round + j) % n);
}
