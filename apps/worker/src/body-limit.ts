import { bodyLimit } from 'hono/body-limit';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env';
import { ApiError } from './errors';
import { MAX_BODY_BYTES } from './limits';

/**
 * Route middleware refusing request bodies over {@link MAX_BODY_BYTES} with 413
 * `payload_too_large`, before anything reads them: Hono's `bodyLimit` checks `Content-Length`
 * when there is one and otherwise counts the bytes as the body streams in.
 */
export function limitBody(maxBytes: number = MAX_BODY_BYTES): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `the request body is larger than ${maxBytes} bytes`);
    },
  });
}
