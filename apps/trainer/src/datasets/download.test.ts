import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { createDownloadProgress, downloadToFile, fetchPublishedMd5, formatBytes, parseMd5File } from './download.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

/** Starts a server on 127.0.0.1 with one handler per path (anything else is a 404); returns its base URL. */
async function serve(routes: Record<string, Handler>): Promise<string> {
  const server = createServer((req, res) => {
    const handler = routes[req.url ?? ''];
    if (handler) handler(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  servers.push(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Serves `body` in full with a Content-Length. */
function bytes(body: Uint8Array | string): Handler {
  return (_req, res) => {
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(200, { 'content-length': String(data.length) }).end(data);
  };
}

const BODY = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 31) % 251));
const hex = (algorithm: string, data: Uint8Array) => createHash(algorithm).update(data).digest('hex');

describe('downloadToFile', () => {
  const tempDir = useTempDirs();

  it('streams to a hidden temp file, hashing as it goes, and reports progress', async () => {
    const base = await serve({ '/a.zip': bytes(BODY) });
    const dir = await tempDir();
    const seen: Array<[number, number | null]> = [];
    const result = await downloadToFile(`${base}/a.zip`, dir, 'a.zip', {
      maxBytes: 1e6,
      onProgress: (r, t) => seen.push([r, t]),
    });
    expect(result.bytes).toBe(BODY.length);
    expect(result.sha256).toBe(hex('sha256', BODY));
    expect(result.md5).toBe(hex('md5', BODY));
    expect(result.path.startsWith(`${dir}/.a.zip.tmp-`)).toBe(true);
    expect(Buffer.compare(await readFile(result.path), BODY)).toBe(0);
    expect(seen[0]).toEqual([0, BODY.length]);
    expect(seen.at(-1)).toEqual([BODY.length, BODY.length]);
  });

  it('says which URL failed with which status, and keeps nothing', async () => {
    const base = await serve({});
    const dir = await tempDir();
    const download = downloadToFile(`${base}/missing.zip`, dir, 'missing.zip', { maxBytes: 1e6 });
    await expect(download).rejects.toThrow(UserError);
    await expect(download).rejects.toThrow(`GET ${base}/missing.zip failed: HTTP 404 Not Found`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a connection dropped mid-body and removes the partial file', async () => {
    const base = await serve({
      '/a.zip': (_req, res) => {
        res.writeHead(200, { 'content-length': String(BODY.length) });
        res.write(BODY.subarray(0, 20_000), () => setTimeout(() => res.socket?.destroy(), 20));
      },
    });
    const dir = await tempDir();
    await expect(downloadToFile(`${base}/a.zip`, dir, 'a.zip', { maxBytes: 1e6 })).rejects.toThrow(
      /the connection to 127\.0\.0\.1:\d+ was lost after .* of 50\.0 kB .*nothing was kept/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses bodies over the limit, announced or streamed', async () => {
    const base = await serve({
      '/big.zip': bytes(BODY),
      '/chunked.zip': (_req, res) => {
        res.writeHead(200); // no Content-Length: chunked
        res.write(BODY.subarray(0, 25_000));
        res.end(BODY.subarray(25_000));
      },
    });
    const dir = await tempDir();
    await expect(downloadToFile(`${base}/big.zip`, dir, 'big.zip', { maxBytes: 10_000 })).rejects.toThrow(
      /big\.zip is 50\.0 kB, more than the 10\.0 kB allowed/,
    );
    await expect(downloadToFile(`${base}/chunked.zip`, dir, 'chunked.zip', { maxBytes: 30_000 })).rejects.toThrow(
      /larger than the 30\.0 kB allowed; stopped/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives up on a stalled server', async () => {
    const base = await serve({
      '/slow.zip': (_req, res) => {
        res.writeHead(200, { 'content-length': String(BODY.length) });
        res.write(BODY.subarray(0, 100)); // and then nothing
      },
    });
    const dir = await tempDir();
    await expect(
      downloadToFile(`${base}/slow.zip`, dir, 'slow.zip', { maxBytes: 1e6, idleTimeoutMs: 200 }),
    ).rejects.toThrow(/no data from .*slow\.zip for 0\.2 s; gave up/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects with the cancel reason when its signal aborts, and keeps nothing', async () => {
    const base = await serve({
      '/a.zip': (_req, res) => {
        res.writeHead(200, { 'content-length': String(BODY.length) });
        res.write(BODY.subarray(0, 1000));
      },
    });
    const dir = await tempDir();
    const controller = new AbortController();
    const reason = Object.assign(new Error('cancelled by Ctrl-C'), { name: 'AbortError' });
    const download = downloadToFile(`${base}/a.zip`, dir, 'a.zip', {
      maxBytes: 1e6,
      signal: controller.signal,
      onProgress: (received) => {
        if (received > 0) controller.abort(reason);
      },
    });
    await expect(download).rejects.toBe(reason);
    expect(await readdir(dir)).toEqual([]);
  });

  it('says the host is unreachable (offline?) when nothing listens', async () => {
    const base = await serve({});
    const port = new URL(base).port;
    await Promise.all(servers.splice(0).map((close) => close()));
    const dir = await tempDir();
    await expect(downloadToFile(`http://127.0.0.1:${port}/a.zip`, dir, 'a.zip', { maxBytes: 1e6 })).rejects.toThrow(
      new RegExp(`could not reach 127\\.0\\.0\\.1:${port} to download .*: ECONNREFUSED \\(offline\\?`),
    );
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('published MD5 files', () => {
  it('parses BSD and GNU layouts and nothing else', () => {
    expect(parseMd5File('MD5 (ml-100k.zip) = 0E33842E24A9C977BE4E0107933C0723\n')).toBe(
      '0e33842e24a9c977be4e0107933c0723',
    );
    expect(parseMd5File('0e33842e24a9c977be4e0107933c0723  ml-100k.zip\n')).toBe('0e33842e24a9c977be4e0107933c0723');
    expect(parseMd5File('0e33842e24a9c977be4e0107933c0723 *ml-100k.zip')).toBe('0e33842e24a9c977be4e0107933c0723');
    expect(parseMd5File('0e33842e24a9c977be4e0107933c0723')).toBe('0e33842e24a9c977be4e0107933c0723');
    expect(parseMd5File('<html>oops</html>')).toBeNull();
    expect(parseMd5File('sha256 = 50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229')).toBeNull();
  });

  it('fetches <url>.md5, or returns null when the server has none', async () => {
    const base = await serve({
      '/a.zip.md5': bytes('MD5 (a.zip) = 0e33842e24a9c977be4e0107933c0723\n'),
      '/c.zip.md5': bytes('nope'),
    });
    expect(await fetchPublishedMd5(`${base}/a.zip`)).toBe('0e33842e24a9c977be4e0107933c0723');
    expect(await fetchPublishedMd5(`${base}/b.zip`)).toBeNull();
    await expect(fetchPublishedMd5(`${base}/c.zip`)).rejects.toThrow(/c\.zip\.md5 does not contain an MD5 digest/);
  });
});

describe('createDownloadProgress', () => {
  it('prints one line per 10 % when not on a TTY, and nothing when quiet', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const progress = createDownloadProgress({ label: 'a.zip', stream });
    for (let received = 0; received <= 1_000_000; received += 16_384) progress.update(received, 1_000_000);
    progress.update(1_000_000, 1_000_000);
    progress.stop();
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^a\.zip: 10% \(1\d\d\.\d kB of 1\.0 MB\)$/);
    expect(lines[9]).toBe('a.zip: 100% (1.0 MB of 1.0 MB)');

    const quiet = new PassThrough();
    let quietText = '';
    quiet.on('data', (chunk: Buffer) => (quietText += chunk.toString()));
    const silent = createDownloadProgress({ label: 'a.zip', stream: quiet, quiet: true });
    silent.update(1, 1);
    silent.stop();
    expect(quietText).toBe('');
  });

  it('formats sizes in decimal units', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(4_924_029)).toBe('4.9 MB');
    expect(formatBytes(50_000)).toBe('50.0 kB');
  });
});
