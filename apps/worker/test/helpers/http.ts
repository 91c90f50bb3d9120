import { expect } from 'vitest';
import type { ErrorBody, ErrorCode } from '../../src/errors';

/** Parses a response body as JSON of the expected shape (the tests check the shape). */
export async function readJson<T>(response: Response): Promise<T> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as T;
}

/** Asserts an error response: status, the `{ error: { code, message } }` shape, and the message. */
export async function expectError(
  response: Response,
  status: number,
  code: ErrorCode,
  message?: RegExp | string,
): Promise<ErrorBody['error']> {
  const body = await readJson<ErrorBody>(response);
  expect({ status: response.status, code: body.error?.code }).toEqual({ status, code });
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.message).toBe('string');
  if (message !== undefined) expect(body.error.message).toMatch(message);
  return body.error;
}

/** A JSON POST request init. */
export function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}
