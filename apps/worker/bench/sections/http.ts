// Section 3 of `pnpm bench:serve`: the Worker under load on wrangler dev --log-level warn, with
// autocannon: recommendations?k=10 vs /health, same server, same connections.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Options as AutocannonOptions } from 'autocannon';
import { progress, REPO, tempDir } from '@edgerec/bench-kit/process';
import { f2, fmtInt, type Column, type View } from '@edgerec/bench-kit/report';
import type { ServeOptions } from '../serve-options.js';
import { sectionLoad, type SectionTiming, type ServeSection } from '../serve-section.js';
import { randomModel, writeArtifact } from '../synthetic-artifacts.js';
import { startServer } from '../wrangler-server.js';

const HTTP_RATIO_TARGET = 0.8;

type RouteName = 'recommendations' | 'health';

/** One autocannon run against one route. */
interface HttpRun {
  route: string;
  requests: number;
  seconds: number;
  reqPerSec: number;
  reqPerSecMean: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  load1: number;
}

/** The http section's figures. */
export interface HttpResult {
  shape: { users: number; items: number; dim: number; seenPairs: number };
  artifactBytes: number;
  client: string;
  connections: number;
  duration: number | undefined;
  amount: number | undefined;
  runs: HttpRun[];
  ratio: number;
  target: number;
}

async function run(options: ServeOptions): Promise<HttpResult> {
  const { http } = options;
  const { default: autocannon } = await import('autocannon');
  const work = await tempDir('edgerec-bench-http-');
  try {
    const shape = { users: 943, items: 1682, dim: 32, seenPairs: 100_000 };
    const model = randomModel({ ...shape, seed: 11 });
    const artifact = await writeArtifact(work.path, 'http.model.json', model, 'f32-base64', 'http');
    progress(
      `http: starting wrangler dev --log-level warn (${shape.users} users x ${shape.items} items, dim ${shape.dim})`,
    );
    const server = await startServer(artifact.path);
    try {
      let next = 0;
      const routes: Record<RouteName, () => string> = {
        recommendations: () => `/v1/users/u${next++ % shape.users}/recommendations?k=10`,
        health: () => '/health',
      };
      const cannon = async (name: RouteName, overrides: Partial<AutocannonOptions> = {}): Promise<HttpRun> => {
        const opts: AutocannonOptions = {
          url: server.url,
          connections: http.connections,
          pipelining: 1,
          ...(http.amount ? { amount: http.amount } : { duration: http.duration }),
          requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: routes[name]() }) }],
          ...overrides,
        };
        const load1 = os.loadavg()[0]!;
        const r = await autocannon(opts);
        return {
          route: name === 'health' ? 'GET /health' : 'GET /v1/users/:u/recommendations?k=10',
          requests: r.requests.total,
          seconds: r.duration,
          reqPerSec: r.requests.total / r.duration,
          reqPerSecMean: r.requests.average,
          latency: {
            p50: r.latency.p50,
            p90: r.latency.p90,
            p99: r.latency.p99,
            max: r.latency.max,
            mean: r.latency.average,
          },
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          load1,
        };
      };
      progress('http: warm-up (2 s each)');
      await cannon('recommendations', { duration: 2, amount: undefined });
      await cannon('health', { duration: 2, amount: undefined });
      const runs: HttpRun[] = [];
      for (const name of ['recommendations', 'health'] as const) {
        progress(
          `http: ${name}, ${http.connections} connections, ${http.amount ? `${fmtInt(http.amount)} requests` : `${http.duration} s`}`,
        );
        const run = await cannon(name);
        runs.push(run);
        progress(
          `  ${fmtInt(run.reqPerSec)} req/s, p50 ${run.latency.p50} ms, p99 ${run.latency.p99} ms, non-2xx ${run.non2xx}, errors ${run.errors}`,
        );
      }
      return {
        shape,
        artifactBytes: artifact.bytes,
        client: `autocannon ${autocannonVersion()} in the benchmark's Node process (same machine, same cores)`,
        connections: http.connections,
        duration: http.amount ? undefined : http.duration,
        amount: http.amount,
        runs,
        ratio: runs[0]!.reqPerSec / runs[1]!.reqPerSec,
        target: HTTP_RATIO_TARGET,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await work.remove();
  }
}

function autocannonVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO, 'node_modules/autocannon/package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return '';
  }
}

function view(r: SectionTiming & HttpResult): View {
  const columns: Column[] = [
    { header: 'route', align: 'left' },
    { header: 'requests', align: 'right' },
    { header: 'req/s', align: 'right' },
    { header: 'p50 ms', align: 'right' },
    { header: 'p90 ms', align: 'right' },
    { header: 'p99 ms', align: 'right' },
    { header: 'max ms', align: 'right' },
    { header: 'non-2xx', align: 'right' },
    { header: 'errors', align: 'right' },
    { header: 'load', align: 'right' },
  ];
  const rows = r.runs.map((x) => [
    x.route,
    fmtInt(x.requests),
    fmtInt(x.reqPerSec),
    String(x.latency.p50),
    String(x.latency.p90),
    String(x.latency.p99),
    String(x.latency.max),
    fmtInt(x.non2xx),
    fmtInt(x.errors + x.timeouts),
    f2(x.load1),
  ]);
  return [
    `${r.shape.users} users × ${r.shape.items} items × dim ${r.shape.dim} (random, ${fmtInt(r.shape.seenPairs)} seen pairs), f32-base64; ` +
      `${r.connections} connections, ${r.amount ? `${fmtInt(r.amount)} requests` : `${r.duration} s`} per route after a 2 s warm-up of each, the user rotating per request; ${r.client}.`,
    { columns, rows },
    `recommendations ÷ health throughput: ${f2(r.ratio)} (target ≥ ${r.target}: ${r.ratio >= r.target ? 'met' : 'MISSED'}). ` +
      'Both routes go through the same wrangler dev proxy and the same app (routing, CORS middleware, error handling); /health skips the model. ' +
      'The load generator shares the 2 cores with workerd, wrangler and anything else running; load = 1-min load average when the run started.',
    sectionLoad(r),
  ];
}

/** The http section. */
export const httpSection: ServeSection<HttpResult> = {
  name: 'http',
  title: '3. HTTP under load (wrangler dev --log-level warn, autocannon)',
  run,
  view,
};
