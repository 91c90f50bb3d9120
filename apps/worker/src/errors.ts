import { unknownIdMessage } from '@edgerec/core';
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every `error.code` the API answers with. */
export const ERROR_CODES = [
  'invalid_request',
  'invalid_json',
  'unsupported_media_type',
  'payload_too_large',
  'batch_too_large',
  'not_found',
  'method_not_allowed',
  'unknown_user',
  'unknown_item',
  'no_known_items',
  'fold_in_unsupported',
  'model_unavailable',
  'internal_error',
  // POST /admin/reload (src/auth.ts, src/routes/admin.ts)
  'unauthorized',
  'admin_disabled',
  'model_rejected',
  // Events (src/routes/events.ts)
  'events_disabled',
  'rate_limited',
  'events_unavailable',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The JSON body of every error response; `reason` only on a failed `POST /admin/reload`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; reason?: string };
}

/** What an {@link ApiError} adds to its body and headers. */
export interface ApiErrorOptions {
  /** Response headers (`Allow` of a 405, `WWW-Authenticate` of a 401, `x-edgerec-model` of a failed reload). */
  headers?: Record<string, string>;
  /** A failed reload's ArtifactError code or source reason (`error.reason`). */
  reason?: string;
}

/** An error that becomes a `{ error: { code, message, reason? } }` response with `status`: the app's one error path. */
export class ApiError<Code extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'ApiError';
  readonly headers: Record<string, string>;
  readonly reason: string | undefined;
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: Code,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message);
    this.headers = options.headers ?? {};
    this.reason = options.reason;
  }
}

/** The error body for a code and message (and a reload's `reason`). */
export function errorBody(code: ErrorCode, message: string, reason?: string): ErrorBody {
  return { error: reason === undefined ? { code, message } : { code, message, reason } };
}

/** Renders an ApiError as a JSON response. */
export function errorResponse(c: Context, error: ApiError): Response {
  return c.json(errorBody(error.code, error.message, error.reason), error.status, error.headers);
}

/** The 404 for an id the model does not know; the message names the id. */
export function unknownIdError(
  kind: 'user' | 'item',
  id: string,
  known: number,
): ApiError<'unknown_user' | 'unknown_item'> {
  const code = kind === 'user' ? 'unknown_user' : 'unknown_item';
  return new ApiError(404, code, unknownIdMessage(kind, id, known));
}

/**
 * The app's error handler: ApiErrors answer as themselves; Hono's own HTTP exceptions (415 from
 * the content-type gate, 400 from the JSON body parser) are mapped into the error shape, unless
 * they carry a response already in it (the admin 401s); anything
 * else is a bug and answers 500 without leaking details.
 */
export const handleError: ErrorHandler = (error, c) => {
  if (error instanceof ApiError) return errorResponse(c, error);
  // An exception that carries its response (hono/bearer-auth's refusals, built by src/auth.ts) answers with it.
  if (error instanceof HTTPException) return error.res ?? errorResponse(c, fromHttpException(error));
  console.error('edgerec: unhandled error', error);
  return errorResponse(c, new ApiError(500, 'internal_error', 'internal error'));
};

function fromHttpException(error: HTTPException): ApiError {
  switch (error.status) {
    case 415:
      return new ApiError(
        415,
        'unsupported_media_type',
        'the request body must be JSON (Content-Type: application/json)',
      );
    case 413:
      return new ApiError(413, 'payload_too_large', 'the request body is too large');
    case 400:
      // Hono's JSON body validator throws this when the body does not parse.
      return /json/i.test(error.message)
        ? new ApiError(400, 'invalid_json', 'the request body is not valid JSON')
        : new ApiError(400, 'invalid_request', error.message || 'bad request');
    default:
      return error.status >= 400 && error.status < 500
        ? new ApiError(error.status, 'invalid_request', error.message || 'bad request')
        : new ApiError(500, 'internal_error', 'internal error');
  }
}
