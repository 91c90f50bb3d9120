// `edgerec data fetch|list` against a MovieLens look-alike served from 127.0.0.1 (made-up ratings, built here).
import { strToU8, zipSync, type Zippable } from 'fflate';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { readRatingsFile } from '../data/read-ratings.js';
import { SOURCE_FILE, type DatasetSource } from '../datasets/cache.js';
import { findDataset, type DatasetInfo } from '../datasets/catalog.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { fetchDataset, type FetchDatasetOptions } from '../pipeline/fetch-dataset.js';
import { dataCommand, listDatasets } from './data.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A tiny server on 127.0.0.1: routes by path, 404 otherwise, and counts requests per path. */
interface TestServer {
  base: string;
  routes: Map<string, Handler>;
  hits: Map<string, number>;
}

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

async function startServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const handler = routes.get(path);
    if (handler) handler(req, res);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  servers.push(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/movielens`, routes, hits };
}

function bytes(body: Uint8Array | string): Handler {
  return (_req, res) => {
    const data = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
    res.writeHead(200, { 'content-length': String(data.length), 'content-type': 'application/zip' }).end(data);
  };
}

const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex');
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A zip shaped like ml-100k.zip with a few invented ratings (not MovieLens data). */
function fake100k(
  extra: Zippable = {},
  udata = '1\t10\t4\t881250949\n1\t20\t3\t881250950\n2\t10\t5\t881250951\n3\t30\t1\t881250952\n',
): Uint8Array {
  return zipSync({
    'ml-100k': {
      'u.data': strToU8(udata),
      'u1.base': strToU8('1\t10\t4\t881250949\n2\t10\t5\t881250951\n3\t30\t1\t881250952\n'),
      'u1.test': strToU8('1\t20\t3\t881250950\n'),
      README: strToU8('Made-up ratings for edgerec tests; not MovieLens.\n'),
    },
    ...extra,
  });
}

/** Serves `zip` as ml-100k.zip with a BSD-style .md5 companion (GroupLens's layout). */
function publish(server: TestServer, zip: Uint8Array, digest = md5(zip), name = 'ml-100k'): void {
  server.routes.set(`/movielens/${name}.zip`, bytes(zip));
  server.routes.set(`/movielens/${name}.zip.md5`, bytes(`MD5 (${name}.zip) = ${digest}\n`));
}

/** ml-100k as in the catalog but with no pinned digest, so the published .md5 is used. */
const UNPINNED_100K: DatasetInfo = { ...findDataset('ml-100k'), md5: null, sha256: null, bytes: null };

/** Collects what a stream receives. */
function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('edgerec data fetch', () => {
  const tempDir = useTempDirs();

  /** Runs fetchDataset against `server` with captured output. */
  async function setup(server: TestServer) {
    const cache = join(await tempDir(), 'cache');
    const out = sink();
    const err = sink();
    const run = (options: Partial<FetchDatasetOptions> = {}) =>
      fetchDataset({
        dataset: 'ml-100k',
        dir: cache,
        catalog: [UNPINNED_100K],
        env: { EDGEREC_DATASETS_URL: server.base },
        stdout: out.stream,
        stderr: err.stream,
        ...options,
      });
    return { cache, out, err, run };
  }

  it('downloads, verifies against the published .md5, unpacks, and says how to train', async () => {
    const server = await startServer();
    const zip = fake100k();
    publish(server, zip);
    const { cache, out, err, run } = await setup(server);

    const result = await run();
    expect(result.status).toBe('fetched');
    expect(result.ratings).toBe(join(cache, 'ml-100k', 'u.data'));
    expect(await readdir(cache)).toEqual(['ml-100k']); // no temp files or folders left
    expect((await readdir(join(cache, 'ml-100k'))).sort()).toEqual([
      SOURCE_FILE,
      'README',
      'u.data',
      'u1.base',
      'u1.test',
    ]);

    const table = await readRatingsFile(result.ratings);
    expect(table.format).toBe('movielens-100k');
    expect(table.ratings.length).toBe(4);
    expect(table.userIds).toEqual(['1', '2', '3']);
    expect((await readRatingsFile(result.test!)).ratings.length).toBe(1);

    const source = JSON.parse(await readFile(join(cache, 'ml-100k', SOURCE_FILE), 'utf8')) as DatasetSource;
    expect(source).toMatchObject({
      name: 'ml-100k',
      url: `${server.base}/ml-100k.zip`,
      md5: md5(zip),
      sha256: sha256(zip),
      bytes: zip.length,
    });
    expect(source.verified).toContain(`${server.base}/ml-100k.zip.md5`);

    expect(err.text()).toMatch(/research use only/);
    expect(err.text()).toContain('https://grouplens.org/datasets/movielens/');
    expect(err.text()).toContain(`sha256 ${sha256(zip)}  ml-100k.zip`);
    expect(err.text()).toContain(`verified md5 against the MD5 published at ${server.base}/ml-100k.zip.md5`);
    expect(err.text()).toMatch(/ml-100k\.zip: 100%/); // not a TTY: percentage lines
    expect(out.text()).toContain(`ratings file: ${result.ratings} (movielens-100k)`);
    expect(out.text()).toContain(
      `edgerec train --ratings ${join(cache, 'ml-100k', 'u1.base')} --test ${join(cache, 'ml-100k', 'u1.test')} --out ml-100k.json`,
    );
  });

  it('does nothing when the dataset is already cached, and downloads again with --force', async () => {
    const server = await startServer();
    publish(server, fake100k());
    const { cache, out, run } = await setup(server);
    await run();
    expect(server.hits.get('/movielens/ml-100k.zip')).toBe(1);

    const again = await run();
    expect(again.status).toBe('cached');
    expect(server.hits.get('/movielens/ml-100k.zip')).toBe(1);
    expect(out.text()).toContain(`ml-100k is already cached in ${join(cache, 'ml-100k')} (--force downloads it again)`);

    const updated = fake100k({}, '7\t70\t2\t881250949\n8\t80\t4\t881250950\n');
    publish(server, updated);
    const forced = await run({ force: true });
    expect(forced.status).toBe('fetched');
    expect(server.hits.get('/movielens/ml-100k.zip')).toBe(2);
    expect((await readRatingsFile(forced.ratings)).userIds).toEqual(['7', '8']);
    expect(await readdir(cache)).toEqual(['ml-100k']);
  });

  it('prints only the ratings path with --quiet', async () => {
    const server = await startServer();
    publish(server, fake100k());
    const { cache, out, err, run } = await setup(server);
    await run({ quiet: true });
    expect(out.text()).toBe(`${join(cache, 'ml-100k', 'u.data')}\n`);
    expect(err.text()).toBe('');
    await run({ quiet: true });
    expect(out.text()).toBe(`${join(cache, 'ml-100k', 'u.data')}\n`.repeat(2));
  });

  it('deletes a download whose checksum does not match the published .md5, keeping the cached copy', async () => {
    const server = await startServer();
    const { cache, run } = await setup(server);
    const wrong = 'ffffffffffffffffffffffffffffffff';
    const zip = fake100k();
    publish(server, zip, wrong);
    const failure = run();
    await expect(failure).rejects.toThrow(UserError);
    await expect(failure).rejects.toThrow(
      `checksum mismatch for ${server.base}/ml-100k.zip: expected md5 ${wrong} (the MD5 published at ${server.base}/ml-100k.zip.md5), got ${md5(zip)}`,
    );
    expect(await readdir(cache)).toEqual([]);

    publish(server, zip);
    await run();
    publish(server, fake100k({}, '9\t9\t1\t0\n'), wrong);
    await expect(run({ force: true })).rejects.toThrow(/checksum mismatch/);
    expect(await readdir(cache)).toEqual(['ml-100k']);
    expect((await readRatingsFile(join(cache, 'ml-100k', 'u.data'))).userIds).toEqual(['1', '2', '3']);
  });

  it('checks pinned digests without asking for the .md5, so a different zip is refused', async () => {
    const server = await startServer();
    const zip = fake100k();
    publish(server, zip);
    const { cache, run } = await setup(server);
    const pinned = findDataset('ml-100k');
    await expect(run({ catalog: [pinned] })).rejects.toThrow(
      `checksum mismatch for ${server.base}/ml-100k.zip: expected sha256 ${pinned.sha256} (the digest pinned in edgerec), got ${sha256(zip)}`,
    );
    expect(server.hits.get('/movielens/ml-100k.zip.md5')).toBeUndefined();
    expect(await readdir(cache)).toEqual([]);
  });

  it('suggests the canonical split only when the zip has it', async () => {
    const server = await startServer();
    publish(server, zipSync({ 'ml-100k': { 'u.data': strToU8('1\t10\t4\t881250949\n') } }));
    const { cache, out, run } = await setup(server);
    await run();
    expect(out.text()).toContain(`edgerec train --ratings ${join(cache, 'ml-100k', 'u.data')} --out ml-100k.json\n`);
    expect(out.text()).not.toContain('--test');
  });

  it('says which URL answered 404', async () => {
    const server = await startServer();
    server.routes.set('/movielens/ml-100k.zip.md5', bytes('MD5 (ml-100k.zip) = 0e33842e24a9c977be4e0107933c0723\n'));
    const { cache, run } = await setup(server);
    await expect(run()).rejects.toThrow(`GET ${server.base}/ml-100k.zip failed: HTTP 404 Not Found`);
    expect(await readdir(cache)).toEqual([]);
  });

  it('refuses to go on without a checksum unless --no-verify, and then still prints the sha256', async () => {
    const server = await startServer();
    const zip = fake100k();
    server.routes.set('/movielens/ml-100k.zip', bytes(zip));
    const { cache, err, run } = await setup(server);
    await expect(run()).rejects.toThrow(
      `no checksum is known for ml-100k and ${server.base}/ml-100k.zip.md5 does not exist, so the download cannot be verified; pass --no-verify`,
    );
    expect(server.hits.get('/movielens/ml-100k.zip')).toBeUndefined();
    expect(existsSync(cache) ? await readdir(cache) : []).toEqual([]);

    const result = await run({ verify: false });
    expect(result.source?.verified).toBe('not verified (--no-verify)');
    expect(err.text()).toContain('warning: --no-verify');
    expect(err.text()).toContain(`sha256 ${sha256(zip)}  ml-100k.zip`);
  });

  it('leaves nothing behind when the connection drops mid-body', async () => {
    const server = await startServer();
    const zip = fake100k({ 'ml-100k/padding.bin': new Uint8Array(40_000).map((_, i) => (i * 7919) % 256) });
    publish(server, zip);
    server.routes.set('/movielens/ml-100k.zip', (_req, res) => {
      res.writeHead(200, { 'content-length': String(zip.length) });
      res.write(zip.subarray(0, zip.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
    });
    const { cache, run } = await setup(server);
    await expect(run()).rejects.toThrow(
      /the connection to 127\.0\.0\.1:\d+ was lost after .*; nothing was kept, try again/,
    );
    expect(await readdir(cache)).toEqual([]);
  });

  it('leaves nothing behind when cancelled (Ctrl-C)', async () => {
    const server = await startServer();
    const zip = fake100k();
    publish(server, zip);
    const controller = new AbortController();
    const reason = Object.assign(new Error('fetching ml-100k cancelled by Ctrl-C; nothing was kept'), {
      name: 'AbortError',
    });
    server.routes.set('/movielens/ml-100k.zip', (_req, res) => {
      res.writeHead(200, { 'content-length': String(zip.length) });
      res.write(zip.subarray(0, 100), () => setTimeout(() => controller.abort(reason), 50)); // then stall
    });
    const { cache, run } = await setup(server);
    await expect(run({ signal: controller.signal })).rejects.toBe(reason);
    expect(await readdir(cache)).toEqual([]);
  });

  it('refuses a zip with a zip-slip entry even when its checksum matches, writing nothing', async () => {
    const server = await startServer();
    publish(server, fake100k({ '../evil.txt': strToU8('pwned') }));
    const { cache, run } = await setup(server);
    await expect(run()).rejects.toThrow(
      /refusing to unpack ml-100k\.zip: entry "\.\.\/evil\.txt" climbs out of the target folder/,
    );
    expect(await readdir(cache)).toEqual([]);
    expect(existsSync(join(cache, '..', 'evil.txt'))).toBe(false);
  });

  it('refuses a corrupt zip and one without the ratings file', async () => {
    const server = await startServer();
    publish(server, strToU8('<html>this is not a zip</html>'));
    const { cache, run } = await setup(server);
    await expect(run()).rejects.toThrow(/ml-100k\.zip is not a valid zip \(corrupt or truncated download\?\)/);
    publish(server, zipSync({ 'ml-100k': { README: strToU8('no ratings here') } }));
    await expect(run()).rejects.toThrow(`ml-100k.zip from ${server.base}/ml-100k.zip has no ml-100k/u.data`);
    expect(await readdir(cache)).toEqual([]);
  });

  it('names the known datasets for an unknown one, without touching the network', async () => {
    const server = await startServer();
    const { run } = await setup(server);
    await expect(run({ dataset: 'ml-20m', catalog: undefined })).rejects.toThrow(
      'unknown dataset "ml-20m"; known datasets: ml-100k, ml-1m, ml-latest-small (see `edgerec data list`)',
    );
    expect(server.hits.size).toBe(0);
  });

  it('reports a datasets folder it cannot create', async () => {
    const server = await startServer();
    publish(server, fake100k());
    const file = join(await tempDir(), 'a-file');
    await writeFile(file, 'x');
    const { run } = await setup(server);
    await expect(run({ dir: join(file, 'cache') })).rejects.toThrow(
      `cannot create the datasets folder ${join(file, 'cache')}: ${file} is not a directory`,
    );
  });

  it('will not replace a folder it did not fetch unless --force', async () => {
    const server = await startServer();
    publish(server, fake100k());
    const { cache, run } = await setup(server);
    await mkdir(join(cache, 'ml-100k'), { recursive: true });
    await writeFile(join(cache, 'ml-100k', 'notes.txt'), 'mine');
    await expect(run()).rejects.toThrow(
      `${join(cache, 'ml-100k')} exists but has no u.data; remove it or pass --force`,
    );
    expect(await readFile(join(cache, 'ml-100k', 'notes.txt'), 'utf8')).toBe('mine');
    await run({ force: true });
    expect(existsSync(join(cache, 'ml-100k', 'notes.txt'))).toBe(false);
  });
});

describe('edgerec data (commander)', () => {
  const tempDir = useTempDirs();

  /** Runs `edgerec data <args>` in-process with captured output. */
  async function edgerecData(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
    const out = sink();
    const err = sink();
    await dataCommand({ stdout: out.stream, stderr: err.stream, env }).parseAsync(args, { from: 'user' });
    return { stdout: out.text(), stderr: err.text() };
  }

  it('fetch --quiet prints the ratings path; list shows what is cached and where', async () => {
    const server = await startServer();
    const zip = zipSync({
      'ml-latest-small': {
        'ratings.csv': strToU8(
          'userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.5,964981247\n2,1,3.5,964982224\n',
        ),
      },
    });
    publish(server, zip, md5(zip), 'ml-latest-small');
    const cache = join(await tempDir(), 'datasets');
    const env = { EDGEREC_DATASETS_URL: server.base, EDGEREC_DATA_DIR: cache };

    const before = await edgerecData(['list'], env);
    expect(before.stdout).toMatch(/^dataset\s+zip\s+ratings file\s+train\/test split\s+cached$/m);
    expect(before.stdout).toMatch(/^ml-100k\s+4\.9 MB\s+ml-100k\/u\.data\s+u1\.base \/ u1\.test\s+no$/m);
    expect(before.stdout).toMatch(/^ml-latest-small\s+~1\.0 MB\s+ml-latest-small\/ratings\.csv\s+-\s+no$/m);
    expect(before.stdout).toContain(`cache folder: ${cache}\n`);

    const fetched = await edgerecData(['fetch', 'ml-latest-small', '--quiet'], env);
    expect(fetched.stdout).toBe(`${join(cache, 'ml-latest-small', 'ratings.csv')}\n`);
    expect((await readRatingsFile(fetched.stdout.trim())).ratings.length).toBe(3);

    const after = await edgerecData(['list'], env);
    expect(after.stdout).toMatch(/^ml-latest-small\s+~1\.0 MB\s+ml-latest-small\/ratings\.csv\s+-\s+yes$/m);
    expect(after.stdout).toMatch(/^ml-1m\s+5\.9 MB\s+ml-1m\/ratings\.dat\s+-\s+no$/m);
    const listed = JSON.parse((await edgerecData(['list', '--json'], env)).stdout) as {
      cacheFolder: string;
      datasets: Array<{ name: string; cached: boolean; split: unknown; bytesExact: boolean }>;
    };
    expect(listed.cacheFolder).toBe(cache);
    expect(listed.datasets.map((d) => [d.name, d.cached])).toEqual([
      ['ml-100k', false],
      ['ml-1m', false],
      ['ml-latest-small', true],
    ]);
    expect(listed.datasets[0]).toMatchObject({
      split: { train: 'ml-100k/u1.base', test: 'ml-100k/u1.test' },
      bytesExact: true,
    });
    const elsewhere = await edgerecData(['list', '--dir', join(cache, 'other')], env);
    expect(elsewhere.stdout).toContain(`cache folder: ${join(cache, 'other')}\n`);
    expect(elsewhere.stdout).not.toMatch(/\syes$/m);
  });

  it('documents the mirror variable and the terms in fetch --help', () => {
    const fetch = dataCommand({ env: {} }).commands.find((c) => c.name() === 'fetch')!;
    let help = '';
    fetch.configureOutput({ writeOut: (text) => (help += text) });
    fetch.outputHelp();
    expect(help).toContain('Usage: data fetch [options] <dataset>');
    for (const text of [
      '--dir <folder>',
      '--force',
      '--no-verify',
      '--quiet',
      'EDGEREC_DATASETS_URL',
      'for mirrors',
      'EDGEREC_DATA_DIR',
      'research use only',
    ]) {
      expect(help).toContain(text);
    }
  });
});

describe('listDatasets', () => {
  it('lists a given catalog', async () => {
    const out = sink();
    await listDatasets({ stdout: out.stream, dir: '/nonexistent/edgerec-datasets', catalog: [UNPINNED_100K], env: {} });
    expect(out.text()).toMatch(/^ml-100k\s+~4\.9 MB\s+ml-100k\/u\.data\s+u1\.base \/ u1\.test\s+no$/m);
    expect(out.text()).not.toContain('ml-1m');
  });
});
