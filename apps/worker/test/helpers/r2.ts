import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { createApp } from '../../src/app';
import { loadTestArtifact } from './unit-app';

/** Origin of the requests the tests send to an app. */
export const BASE = 'https://edgerec.test';

/** The local R2 bucket of the test worker (vitest.config.ts `miniflare.r2Buckets`). */
export function modelsBucket(): R2Bucket {
  if (!env.MODELS) throw new Error('the test worker has no MODELS R2 binding (see vitest.config.ts)');
  return env.MODELS;
}

/** The admin token the test worker is configured with (vitest.config.ts `miniflare.bindings`). */
export function adminToken(): string {
  if (!env.ADMIN_TOKEN) throw new Error('the test worker has no ADMIN_TOKEN binding (see vitest.config.ts)');
  return env.ADMIN_TOKEN;
}

/** A key prefix of its own for one test: the local bucket is shared by every test of the run. */
export function uniquePrefix(name: string): string {
  return `test/${name}-${crypto.randomUUID()}/`;
}

/** The pointer object's content for an artifact key. */
export function pointerTo(key: string): string {
  return JSON.stringify({ key });
}

/** An R2 bucket that records the keys read through it and can hold reads until released. */
export interface CountingBucket {
  bucket: R2Bucket;
  /** Keys passed to `get`, in order. */
  gets: string[];
  /** When set, every `get` waits for this promise first. */
  gate?: Promise<unknown>;
}

/** Wraps the local bucket: counts `get` (body reads); `head` (the size check before a read) passes through. */
export function countingBucket(inner: R2Bucket = modelsBucket()): CountingBucket {
  const counting: CountingBucket = {
    gets: [],
    bucket: {
      get: async (key: string, options?: R2GetOptions) => {
        counting.gets.push(key);
        if (counting.gate) await counting.gate;
        return inner.get(key, options);
      },
      head: (key: string) => inner.head(key),
    } as unknown as R2Bucket,
  };
  return counting;
}

/**
 * A fresh app (a fresh "isolate": its own model store) configured for MODEL_SOURCE=r2 with the
 * pointer at `<prefix>current.json`, and the worker's bindings. `request` goes through the app's
 * fetch handler, which is the worker's: src/index.ts exports this app.
 */
export function r2App(prefix: string, overrides: Partial<Env> = {}) {
  const app = createApp({ loadModel: (read) => loadTestArtifact({}, read) });
  const bindings: Env = {
    ...env,
    MODEL_SOURCE: 'r2',
    MODEL_KEY: '',
    MODEL_POINTER_KEY: `${prefix}current.json`,
    ...overrides,
  };
  return {
    app,
    env: bindings,
    request(path: string, init?: RequestInit): Promise<Response> {
      return Promise.resolve(app.fetch(new Request(`${BASE}${path}`, init), bindings, createExecutionContext()));
    },
    reload(token: string | undefined = adminToken()): Promise<Response> {
      const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
      return this.request('/admin/reload', { method: 'POST', headers });
    },
  };
}

/** The first 12 characters of a sha256: the x-edgerec-model header. */
export function tag(sha256: string): string {
  return sha256.slice(0, 12);
}

/** A bucket recording whether the worker read an object's content (text, json, arrayBuffer, blob or bytes). */
export interface BodyTrackingBucket {
  bucket: R2Bucket;
  /** Keys whose content was read. */
  bodiesRead: string[];
}

/** Wraps the local bucket so a test can tell whether an object's body was downloaded. */
export function bodyTrackingBucket(inner: R2Bucket = modelsBucket()): BodyTrackingBucket {
  const tracking: BodyTrackingBucket = {
    bodiesRead: [],
    bucket: {
      head: (key: string) => inner.head(key),
      get: async (key: string, options?: R2GetOptions) => {
        const object = await inner.get(key, options);
        if (!object) return object;
        return new Proxy(object, {
          get(target, property) {
            if (['text', 'json', 'arrayBuffer', 'blob', 'bytes'].includes(String(property)))
              tracking.bodiesRead.push(key);
            const value: unknown = Reflect.get(target, property, target);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      },
    } as unknown as R2Bucket,
  };
  return tracking;
}
