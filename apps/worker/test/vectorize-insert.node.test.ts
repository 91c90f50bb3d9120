/**
 * `wrangler vectorize insert` reads what `edgerec export vectorize` writes: wrangler 4.86 runs
 * against a local stand-in of the Cloudflare API (CLOUDFLARE_API_BASE_URL) that records what it
 * uploads. Node only (it spawns the trainer's CLI and wrangler), skipped inside workerd. What the
 * real API then does with the lines could not be checked here (no Cloudflare account or network).
 */
import { describe, expect, it } from 'vitest';
import { makeInteractionArtifact } from './helpers/interaction-model';
import { inNode, packagePath, readText, run, withTempDir, writeText } from './helpers/node';

interface Upload {
  path: string;
  lines: string[];
}

interface RecordingServer {
  url: string;
  uploads: Upload[];
  close(): Promise<void>;
}

interface NodeRequest extends AsyncIterable<Uint8Array> {
  url?: string;
}
interface NodeResponse {
  setHeader(name: string, value: string): void;
  end(body: string): void;
}
interface NodeServer {
  listen(port: number, host: string, callback: () => void): void;
  address(): { port: number };
  close(callback: () => void): void;
}

/** An HTTP server answering every request as the Vectorize insert endpoint does, keeping the NDJSON lines it got. */
async function recordingApi(): Promise<RecordingServer> {
  const specifier = 'node:http'; // a string, so that neither tsc nor the Workers bundler resolves it
  const http = (await import(/* @vite-ignore */ specifier)) as {
    createServer(handler: (req: NodeRequest, res: NodeResponse) => void): NodeServer;
  };
  const uploads: Upload[] = [];
  const server = http.createServer(async (req, res) => {
    let body = '';
    const decoder = new TextDecoder();
    for await (const chunk of req) body += decoder.decode(chunk, { stream: true });
    const lines = body.split(/\r?\n/).filter((line) => line.startsWith('{'));
    uploads.push({ path: req.url ?? '', lines });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ success: true, errors: [], messages: [], result: { mutationId: `m${uploads.length}` } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/client/v4`,
    uploads,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const ACCOUNT = '0123456789abcdef0123456789abcdef';

/** Runs `wrangler vectorize insert edgerec-items --file=<file>` against the recording API. */
async function insert(api: RecordingServer, file: string) {
  return run(packagePath('node_modules/.bin/wrangler'), ['vectorize', 'insert', 'edgerec-items', `--file=${file}`], {
    env: {
      CLOUDFLARE_API_BASE_URL: api.url,
      CLOUDFLARE_API_TOKEN: 'test-token',
      CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
      WRANGLER_SEND_METRICS: 'false',
      CI: '1',
    },
  });
}

describe.skipIf(!inNode)('wrangler vectorize insert and the export', () => {
  it('uploads every line of `edgerec export vectorize` unchanged to the V2 insert endpoint', async () => {
    await withTempDir(async (dir) => {
      await writeText(`${dir}/model.json`, await makeInteractionArtifact());
      const cli = packagePath('node_modules/@edgerec/trainer/dist/cli.js');
      const exported = await run('node', [
        cli,
        'export',
        'vectorize',
        '--model',
        `${dir}/model.json`,
        '--out',
        `${dir}/items.ndjson`,
      ]);
      expect(exported.code, exported.stderr).toBe(0);
      const lines = (await readText(`${dir}/items.ndjson`)).trim().split('\n');
      expect(lines).toHaveLength(80);
      const api = await recordingApi();
      try {
        const result = await insert(api, `${dir}/items.ndjson`);
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain("Successfully enqueued 80 vectors into index 'edgerec-items'");
        expect(api.uploads.map((u) => u.path)).toEqual([
          `/client/v4/accounts/${ACCOUNT}/vectorize/v2/indexes/edgerec-items/insert`,
        ]);
        expect(api.uploads[0]!.lines).toEqual(lines);
      } finally {
        await api.close();
      }
    });
  }, 120_000);

  it('uploads a file of 100,000 vectors whole but stops a bigger one after 101,000: why the export splits at 100,000', async () => {
    await withTempDir(async (dir) => {
      const file = (n: number) =>
        Array.from({ length: n }, (_, i) => `{"id":"v-${i}","values":[${i % 7},1]}\n`).join('');
      await writeText(`${dir}/100k.ndjson`, file(100_000));
      await writeText(`${dir}/150k.ndjson`, file(150_000));
      const api = await recordingApi();
      try {
        expect((await insert(api, `${dir}/100k.ndjson`)).code).toBe(0);
        const whole = api.uploads.splice(0).flatMap((u) => u.lines);
        expect(whole).toHaveLength(100_000);
        const big = await insert(api, `${dir}/150k.ndjson`);
        expect(big.code).toBe(0);
        expect(api.uploads.flatMap((u) => u.lines)).toHaveLength(101_000);
        expect(big.stderr + big.stdout).toMatch(/limited uploads to 100k vectors per run/);
      } finally {
        await api.close();
      }
    });
  }, 180_000);
});
