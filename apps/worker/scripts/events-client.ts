// A small client of the Worker's event routes for the tests and benchmarks that drive a running
// Worker (test/src/events-durability.test.ts, bench/events-bench.ts): post a batch and say whether
// it was acknowledged, page through GET /admin/events, and audit an export against what was sent.
// TypeScript source, exported as is (`@edgerec/worker/events-client`): for vitest and tsx, not plain node.

/** An event as a client sends it to `POST /v1/events`. */
import type { StoredEvent } from '../src/events/types.js';
export interface SentEvent {
  id: string;
  user: string;
  item: string;
  type?: string;
  weight?: number;
}

/** An event as `GET /admin/events` exports it (the shards' own type). */
export type ExportedEvent = StoredEvent;

/** The answer of one `POST /v1/events`. */
export type PostOutcome =
  | { kind: 'acknowledged'; received: number; accepted: number; duplicates: number; ms: number }
  | { kind: 'refused'; status: number; retryAfterSeconds: number | undefined; message: string; ms: number }
  | { kind: 'failed'; message: string; ms: number };

/** Posts one batch; never throws: a network error or a timeout is a `failed` outcome. */
export async function postEvents(
  url: string,
  token: string,
  events: readonly SentEvent[],
  timeoutMs = 15_000,
): Promise<PostOutcome> {
  const started = performance.now();
  const ms = () => performance.now() - started;
  try {
    const response = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ events }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (response.status === 200) {
      const body = JSON.parse(text) as { received: number; accepted: number; duplicates: number };
      return { kind: 'acknowledged', ...body, ms: ms() };
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      kind: 'refused',
      status: response.status,
      retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      message: text.slice(0, 300),
      ms: ms(),
    };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return { kind: 'failed', message: `${error instanceof Error ? error.message : String(error)}${cause}`, ms: ms() };
  }
}

/** Every event stored after cursor `since` (absent: all), page by page; and the cursor after them. */
export async function exportEvents(
  url: string,
  adminToken: string,
  since?: string,
): Promise<{ events: ExportedEvent[]; next: string; pages: number }> {
  const events: ExportedEvent[] = [];
  let cursor = since;
  for (let pages = 1; ; pages++) {
    const query = cursor === undefined ? '' : `&since=${encodeURIComponent(cursor)}`;
    const response = await fetch(`${url}/admin/events?limit=1000${query}`, {
      headers: { authorization: `Bearer ${adminToken}` },
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(`GET /admin/events answered ${response.status}: ${text.slice(0, 300)}`);
    const page = JSON.parse(text) as { events: ExportedEvent[]; next: string; more: boolean };
    events.push(...page.events);
    cursor = page.next;
    if (!page.more) return { events, next: page.next, pages };
  }
}

/** How an export compares with the events that were acknowledged. */
export interface ExportAudit {
  /** Distinct (user, id) pairs expected. */
  expected: number;
  /** Exported events (with repeats). */
  exported: number;
  /** Expected pairs not exported. */
  missing: string[];
  /** Pairs exported more than once. */
  duplicated: string[];
  /** Exported pairs that were never sent. */
  unexpected: string[];
  /** Exported events whose item, type or weight differ from what was sent. */
  altered: string[];
}

/** The (user, id) key of an event: ids are unique per user only. */
export function eventKey(event: { user: string; id: string }): string {
  return `${JSON.stringify(event.user)}/${JSON.stringify(event.id)}`;
}

/**
 * Compares `exported` with `expected` by (user, id): what is missing, repeated, unknown, or stored
 * with other fields than sent (a sent event without `weight` is not checked for it).
 */
export function auditExport(expected: Iterable<SentEvent>, exported: readonly ExportedEvent[]): ExportAudit {
  const sent = new Map<string, SentEvent>();
  for (const event of expected) sent.set(eventKey(event), event);
  const seen = new Map<string, number>();
  const altered: string[] = [];
  const unexpected: string[] = [];
  for (const event of exported) {
    const key = eventKey(event);
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const original = sent.get(key);
    if (!original) unexpected.push(key);
    else if (
      original.item !== event.item ||
      original.type !== event.type ||
      (original.weight !== undefined && original.weight !== event.weight)
    ) {
      altered.push(`${key}: sent ${JSON.stringify(original)}, stored ${JSON.stringify(event)}`);
    }
  }
  return {
    expected: sent.size,
    exported: exported.length,
    missing: [...sent.keys()].filter((key) => !seen.has(key)),
    duplicated: [...seen].filter(([, n]) => n > 1).map(([key, n]) => `${key} x${n}`),
    unexpected,
    altered,
  };
}
