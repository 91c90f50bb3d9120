import * as z from 'zod';
import type { App } from '../app-env';
import { requireAdminToken, requireEventsToken } from '../auth';
import { limitBody } from '../body-limit';
import { ApiError } from '../errors';
import { formatCursor, parseCursor, startCursor } from '../events/cursor';
import {
  DEFAULT_RETENTION_DAYS,
  MAX_EVENT_ID_LENGTH,
  MAX_EVENT_TYPE_LENGTH,
  MAX_EVENTS_BATCH,
  MAX_EVENTS_PER_USER,
  MAX_EXPORT_PAGE,
  MAX_FUTURE_SKEW_MS,
} from '../events/limits';
import { eventStoreOf, shardLimits, type EventStore } from '../events/store';
import { limitByToken } from '../events/token-rate';
import type { IncomingEvent } from '../events/types';
import { parseEventWeights } from '../events/weights';
import { MAX_BODY_BYTES, MAX_INTERACTION_WEIGHT } from '../limits';
import { defineRoute } from '../openapi/route';
import {
  ADMIN_SECURITY,
  EVENTS_SECURITY,
  errorContent,
  idSchema,
  interactionWeightSchema,
  jsonContent,
  required,
} from '../schemas';

/** One event of `POST /v1/events`. */
export const EventSchema = z
  .strictObject(
    {
      id: z
        .string({ error: required('a string') })
        .min(1, 'must not be empty')
        .max(MAX_EVENT_ID_LENGTH, `must be at most ${MAX_EVENT_ID_LENGTH} characters`)
        .meta({
          description:
            'The idempotency key, unique per user (a UUID, or `<session>-<counter>`): an id already stored for the user is not counted again, so a batch can always be retried.',
          example: '6f1c2a10-0c0e-4a57-9d3f-4b8f0b1c2d3e',
        }),
      user: idSchema('user'),
      item: idSchema('item'),
      type: z
        .string({ error: 'must be a string' })
        .min(1, 'must not be empty')
        .max(MAX_EVENT_TYPE_LENGTH, `must be at most ${MAX_EVENT_TYPE_LENGTH} characters`)
        .optional()
        .meta({
          description:
            'The kind of interaction; its weight comes from EVENT_WEIGHTS (default `view=1,click=1,like=2,cart=3,purchase=5`) unless `weight` is given.',
          example: 'click',
        }),
      weight: interactionWeightSchema(
        `How much the user interacted (default: the type's weight, else 1; at most ${MAX_INTERACTION_WEIGHT}). The model's confidence map turns it into the fold-in's weight.`,
        1,
      ),
      timestamp: z
        .union([
          z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' }),
          z.number().int('must be whole milliseconds').positive('must be after 1970'),
        ])
        .optional()
        .meta({
          description:
            'When the event happened: an ISO 8601 date-time with a zone, or epoch milliseconds. Default: when it was received. At most a day ahead of the Worker’s clock.',
          example: '2026-12-02T10:15:00Z',
        }),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.map((key) => `"${key}"`).join(', ')} (an event has id, user, item, type, weight and timestamp)`
          : 'must be an object { id, user, item, type?, weight?, timestamp? }',
    },
  )
  .meta({ id: 'Event' });

/** `POST /v1/events` body. */
export const EventsRequestSchema = z
  .object({
    events: z
      .array(EventSchema, { error: required('an array') })
      .min(1, 'must hold at least one event')
      .max(MAX_EVENTS_BATCH, {
        error: (issue) =>
          `at most ${MAX_EVENTS_BATCH} events per request${Array.isArray(issue.input) ? ` (got ${issue.input.length})` : ''}`,
      }),
  })
  .meta({ id: 'EventsBatch' });

/** `POST /v1/events` response. */
export const EventsAcceptedSchema = z
  .object({
    received: z.number().int().meta({ description: 'Events in the request.' }),
    accepted: z.number().int().meta({ description: 'New events stored.' }),
    duplicates: z
      .number()
      .int()
      .meta({ description: 'Events whose id was already stored for their user (or repeated in the request).' }),
  })
  .meta({ id: 'EventsAccepted' });

/** `DELETE /v1/users/{user}` response. */
export const UserDeletedSchema = z
  .object({
    user: z.string(),
    deleted: z.number().int().meta({ description: 'Stored events removed.' }),
  })
  .meta({ id: 'UserDeleted' });

/** One exported event. */
export const StoredEventSchema = z
  .object({
    seq: z.number().int().meta({ description: 'Its shard’s sequence number (increasing, never reused).' }),
    id: z.string(),
    user: z.string(),
    item: z.string(),
    weight: z.number().meta({ description: 'The weight the event was stored with (given, or its type’s).' }),
    type: z.string().optional(),
    timestamp: z.number().int().meta({ description: 'When the event happened, epoch milliseconds.' }),
    received: z.number().int().meta({ description: 'When it was stored, epoch milliseconds.' }),
  })
  .meta({ id: 'StoredEvent' });

/** `GET /admin/events` query. */
export const ExportQuerySchema = z.object({
  since: z.string({ error: 'must be a cursor from a previous page (give the parameter once)' }).optional().meta({
    description: 'The `next` cursor of the previous page; absent: from the first stored event.',
    example: 'v1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0',
  }),
  limit: z
    .preprocess(
      (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
      z
        .number({ error: `must be an integer from 1 to ${MAX_EXPORT_PAGE}` })
        .int(`must be an integer from 1 to ${MAX_EXPORT_PAGE}`)
        .min(1, `must be an integer from 1 to ${MAX_EXPORT_PAGE}`)
        .max(MAX_EXPORT_PAGE, `must be an integer from 1 to ${MAX_EXPORT_PAGE}`),
    )
    .default(MAX_EXPORT_PAGE)
    .meta({ description: `Most events in the page (1 to ${MAX_EXPORT_PAGE}).`, example: MAX_EXPORT_PAGE }),
});

/** `GET /admin/events` response. */
export const EventsPageSchema = z
  .object({
    events: z.array(StoredEventSchema).meta({ description: 'Stored events after `since`, shard by shard.' }),
    next: z.string().meta({ description: 'The cursor to send as `since` next time (store it with the events).' }),
    more: z.boolean().meta({ description: 'True when the page is full: ask again right away.' }),
  })
  .meta({ id: 'EventsPage' });

const DeleteParamsSchema = z.object({ user: idSchema('user') });

const writerErrors = {
  401: errorContent(
    'The `Authorization: Bearer <EVENTS_TOKEN>` header is missing, malformed or wrong (`unauthorized`, with `WWW-Authenticate: Bearer`).',
  ),
  404: errorContent(
    'No EVENTS_TOKEN secret is set, or no EVENTS Durable Object namespace is bound (`events_disabled`).',
  ),
  429: errorContent(
    'Too many requests for this token (`rate_limited`, with `Retry-After`), or too many events for a user: their new events were not stored, the others were; retry the same batch later (stored events count as duplicates).',
  ),
  503: errorContent('The event store could not be reached, or EVENT_WEIGHTS is malformed (`events_unavailable`).'),
};

const postEventsRoute = defineRoute({
  method: 'post',
  path: '/v1/events',
  operationId: 'postEvents',
  tags: ['Events'],
  summary: 'Record interaction events',
  description:
    `Stores 1 to ${MAX_EVENTS_BATCH} events durably (Durable Objects with SQLite, sharded by user): answered 200 only once every event is stored. ` +
    `Idempotent by event id per user: a retried batch is never counted twice. Each user keeps their newest ${MAX_EVENTS_PER_USER} events, for at most EVENTS_RETENTION_DAYS (default ${DEFAULT_RETENTION_DAYS}) days; GET /v1/users/{user}/recommendations folds them in at once. ` +
    `Behind the EVENTS_TOKEN writer token. Bodies over ${MAX_BODY_BYTES} bytes are refused with 413 \`payload_too_large\`.`,
  security: EVENTS_SECURITY,
  modelFree: true,
  middleware: [requireEventsToken(), limitByToken(), limitBody()],
  request: { body: EventsRequestSchema },
  responses: {
    200: jsonContent(EventsAcceptedSchema, 'Every event is stored (new or duplicate).'),
    400: errorContent(
      'The body is not valid JSON (`invalid_json`), or an event is malformed: a missing or over-long id, user or item, an unknown field, an unknown `type`, a weight out of range, a timestamp that is not a date or lies more than a day ahead (`invalid_request`; the message names each event and field).',
    ),
    ...writerErrors,
    413: errorContent(
      `More than ${MAX_EVENTS_BATCH} events (\`batch_too_large\`) or an oversized body (\`payload_too_large\`).`,
    ),
    415: errorContent('The body is not sent as application/json (`unsupported_media_type`).'),
  },
});

const deleteUserRoute = defineRoute({
  method: 'delete',
  path: '/v1/users/{user}',
  operationId: 'deleteUserEvents',
  tags: ['Events'],
  summary: "Delete a user's stored events",
  description:
    "Removes every event stored for the user (the edge keeps no other per-user state: recommendations fold the events in per request). The model's own training data is not changed: the user's trained vector stays until the next training run without them.",
  security: EVENTS_SECURITY,
  modelFree: true,
  middleware: [requireEventsToken(), limitByToken()],
  request: { params: DeleteParamsSchema },
  responses: {
    200: jsonContent(UserDeletedSchema, 'The events are gone (0 when there were none).'),
    400: errorContent('The user id is over-long (`invalid_request`).'),
    ...writerErrors,
  },
});

const exportRoute = defineRoute({
  method: 'get',
  path: '/admin/events',
  operationId: 'exportEvents',
  tags: ['Admin'],
  summary: 'Export stored events, incrementally',
  description:
    'Pages through the stored events for the next training run (`edgerec train --events FILE`): send each page’s `next` as `since` to get the events stored after it; an empty page with `more: false` means you are up to date. ' +
    'Events dropped by the per-user cap or the retention period, or deleted with DELETE /v1/users/{user}, are not exported after that.',
  security: ADMIN_SECURITY,
  middleware: [requireAdminToken()],
  request: { query: ExportQuerySchema },
  responses: {
    200: jsonContent(EventsPageSchema, 'A page of events.'),
    400: errorContent('`since` is not a cursor this Worker wrote, or `limit` is out of range (`invalid_request`).'),
    401: errorContent('The admin bearer token is missing or wrong (`unauthorized`).'),
    404: errorContent('No ADMIN_TOKEN is set (`admin_disabled`) or no EVENTS namespace is bound (`events_disabled`).'),
    503: errorContent('The event store could not be reached (`events_unavailable`).'),
  },
});

/** Registers `POST /v1/events`, `DELETE /v1/users/{user}` and `GET /admin/events`. */
export function registerEventRoutes(app: App): void {
  app.openapi(postEventsRoute, async (c, { body, ok }) => {
    const store = requireStore(c.env);
    const events = resolveEvents(body.events, c.env?.EVENT_WEIGHTS, Date.now());
    const outcome = await store.append(events, shardLimits(c.env));
    if (outcome.limited.length > 0) {
      const sample = outcome.limited.slice(0, 3).map((user) => JSON.stringify(user));
      const more = outcome.limited.length > 3 ? ` and ${outcome.limited.length - 3} more` : '';
      throw new ApiError(
        429,
        'rate_limited',
        `too many events for user ${sample.join(', ')}${more} (EVENTS_USER_PER_MINUTE): their new events were not stored; ` +
          `${outcome.accepted} other new events were. Retry the same batch later: stored events count as duplicates`,
        { headers: { 'Retry-After': '60' } },
      );
    }
    return ok({ received: body.events.length, accepted: outcome.accepted, duplicates: outcome.duplicates });
  });

  app.openapi(deleteUserRoute, async (c, { params: { user }, ok }) => {
    const deleted = await requireStore(c.env).deleteUser(user);
    return ok({ user, deleted });
  });

  app.openapi(exportRoute, async (c, { query, ok }) => {
    const store = requireStore(c.env);
    const positions = query.since === undefined ? startCursor() : parseCursor(query.since);
    if (!positions) {
      throw new ApiError(
        400,
        'invalid_request',
        `query parameter "since": not a cursor from GET /admin/events (send a page's "next", e.g. ${formatCursor(startCursor())})`,
      );
    }
    return ok(await store.exportPage(positions, query.limit));
  });
}

function requireStore(env: Env | undefined): EventStore {
  const store = eventStoreOf(env);
  if (!store) {
    throw new ApiError(
      404,
      'events_disabled',
      'events are disabled: no EVENTS Durable Object namespace is bound (durable_objects in wrangler.jsonc)',
    );
  }
  return store;
}

/** Validated events with their weights (given, or their type's) and timestamps (given, or now). */
function resolveEvents(
  events: readonly z.output<typeof EventSchema>[],
  weightsVar: string | undefined,
  now: number,
): IncomingEvent[] {
  const parsed = parseEventWeights(weightsVar);
  if (!parsed.ok) throw new ApiError(503, 'events_unavailable', parsed.message);
  const problems: string[] = [];
  const resolved = events.map((event, j) => {
    let weight = event.weight;
    if (weight === undefined && event.type !== undefined) {
      weight = parsed.weights.get(event.type);
      if (weight === undefined) {
        problems.push(
          `body field "events[${j}].type": unknown event type "${event.type}" (known: ${[...parsed.weights.keys()].join(', ')}; or give a "weight")`,
        );
      }
    }
    const timestamp =
      event.timestamp === undefined
        ? now
        : typeof event.timestamp === 'number'
          ? event.timestamp
          : Date.parse(event.timestamp);
    if (timestamp > now + MAX_FUTURE_SKEW_MS) {
      problems.push(`body field "events[${j}].timestamp": lies more than a day ahead of the Worker's clock`);
    }
    return { id: event.id, user: event.user, item: event.item, weight: weight ?? 1, type: event.type, timestamp };
  });
  if (problems.length > 0) {
    const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
    throw new ApiError(400, 'invalid_request', `${problems.slice(0, 5).join('; ')}${more}`);
  }
  return resolved;
}
