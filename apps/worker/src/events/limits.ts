/**
 * The bounds of event ingestion (`POST /v1/events`), kept beside each other so the README's
 * "Events" table and the OpenAPI document quote the same numbers.
 */

/** Most events one `POST /v1/events` request may carry. */
export const MAX_EVENTS_BATCH = 500;
/** Longest event id (an idempotency key chosen by the client: a UUID, or `<session>-<counter>`). */
export const MAX_EVENT_ID_LENGTH = 128;
/** Longest event `type` label. */
export const MAX_EVENT_TYPE_LENGTH = 64;
/** Events kept per user: the newest ones; an older event is dropped when a newer one arrives. */
export const MAX_EVENTS_PER_USER = 500;
/** Days an event is kept after it was received (unless `EVENTS_RETENTION_DAYS` sets fewer). */
export const DEFAULT_RETENTION_DAYS = 90;
/** How far in the future an event's `timestamp` may lie (clock skew), in milliseconds. */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;
/** Events one user may send per minute (`EVENTS_USER_PER_MINUTE` overrides it), with a burst of the same size. */
export const DEFAULT_USER_EVENTS_PER_MINUTE = 120;
/** Most events one `GET /admin/events` page returns. */
export const MAX_EXPORT_PAGE = 1000;
/** Shards the events are spread over (a user always lands on the same one). Fixed: changing it would hide stored events. */
export const EVENT_SHARDS = 16;
