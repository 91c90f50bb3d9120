import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readEventFiles } from '../data/read-events.js';
import { rejectionOf } from '../test-utils/rejection.js';
import { runCommand } from '../test-utils/run-command.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { eventsCommand } from './events.js';

// A stand-in for the Worker's GET /admin/events: stored events in order, pages of 2, a cursor
// that is the number of events read (the real one is per shard; the CLI treats it as opaque).
const TOKEN = 'admin-token-for-tests';
const stored: { id: string; user: string; item: string; weight: number; timestamp: number }[] = [];
const seenAuth: (string | undefined)[] = [];
let server: Server;
let origin = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seenAuth.push(req.headers.authorization);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/admin/events') return json(404, { error: { code: 'not_found', message: 'no route' } });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      return json(401, { error: { code: 'unauthorized', message: 'invalid admin token' } });
    }
    const from = Number((url.searchParams.get('since') ?? 'c0').slice(1));
    const events = stored.slice(from, from + 2);
    json(200, { events, next: `c${from + events.length}`, more: events.length === 2 });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

const store = (n: number) => {
  for (let j = 0; j < n; j++) {
    const k = stored.length;
    stored.push({ id: `e${k}`, user: `u${k % 2}`, item: `i${k}`, weight: 1 + (k % 3), timestamp: 1764500000000 + k });
  }
};

describe('edgerec events pull', () => {
  const tempDir = useTempDirs();
  const previous = process.env.EDGEREC_TEST_TOKEN;
  afterEach(() => {
    if (previous === undefined) delete process.env.EDGEREC_TEST_TOKEN;
    else process.env.EDGEREC_TEST_TOKEN = previous;
  });
  const pull = (dir: string, out: string, extra: string[] = []) =>
    runCommand(eventsCommand(), [
      'pull',
      '--url',
      origin,
      '--out',
      join(dir, out),
      '--cursor',
      join(dir, 'cursor.txt'),
      '--token-env',
      'EDGEREC_TEST_TOKEN',
      '--quiet',
      ...extra,
    ]);

  it('writes every page as NDJSON that train --events reads, then only what was stored since', async () => {
    process.env.EDGEREC_TEST_TOKEN = TOKEN;
    const dir = await tempDir();
    stored.length = 0;
    store(5);
    const first = await pull(dir, 'a.ndjson', ['--json']);
    expect(JSON.parse(first.stdout)).toMatchObject({ events: 5, pages: 3, cursor: 'c5', complete: true });
    expect((await readFile(join(dir, 'cursor.txt'), 'utf8')).trim()).toBe('c5');
    const read = await readEventFiles([join(dir, 'a.ndjson')]);
    expect(read.events.map((e) => e.id)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(read.events[2]).toEqual({ id: 'e2', user: 'u0', item: 'i2', weight: 3, timestamp: 1764500000002 });
    store(3);
    await pull(dir, 'b.ndjson');
    expect((await readEventFiles([join(dir, 'b.ndjson')])).events.map((e) => e.id)).toEqual(['e5', 'e6', 'e7']);
    expect(seenAuth.at(-1)).toBe(`Bearer ${TOKEN}`);
  });

  it('refuses to replace an events file, needs the token variable, and reports the Worker’s refusal', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.ndjson'), 'keep me\n');
    process.env.EDGEREC_TEST_TOKEN = TOKEN;
    await rejectionOf(pull(dir, 'a.ndjson'), UserError);
    expect(await readFile(join(dir, 'a.ndjson'), 'utf8')).toBe('keep me\n');
    delete process.env.EDGEREC_TEST_TOKEN;
    expect((await rejectionOf(pull(dir, 'b.ndjson'), UserError)).message).toMatch(/set the EDGEREC_TEST_TOKEN/);
    process.env.EDGEREC_TEST_TOKEN = 'wrong';
    expect((await rejectionOf(pull(dir, 'b.ndjson'), UserError)).message).toMatch(/answered 401: invalid admin token/);
    await expect(readFile(join(dir, 'cursor.txt'), 'utf8')).rejects.toThrow(); // nothing written on failure
  });
});
