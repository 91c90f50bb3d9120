// Section 2 of `pnpm bench:serve`: the kernel inside workerd, as the end-to-end latency of
// GET /v1/users/:u/recommendations?k=10 next to GET /health on wrangler dev.
import { progress, tempDir } from '@edgerec/bench-kit/process';
import { fmtInt, type Cell, type Column, type View } from '@edgerec/bench-kit/report';
import { latencyStats, type LatencyStats } from '../request-timing.js';
import { fmtMb1, fmtUs } from '../serve-format.js';
import type { ServeOptions } from '../serve-options.js';
import {
  sectionLoad,
  type SectionRecord,
  type SectionTiming,
  type ServeResults,
  type ServeSection,
} from '../serve-section.js';
import { randomModel, writeArtifact } from '../synthetic-artifacts.js';
import { startServer } from '../wrangler-server.js';
import { floorFor, type KernelResult } from './kernel.js';

/** The workerd section's figures. */
export interface WorkerdResult {
  items: number;
  users: number;
  dim: number;
  artifactBytes: number;
  firstRequestUs: number;
  recommendations: LatencyStats;
  health: LatencyStats;
  kernelEstimateUs: number;
  nodeKernelUs: number | undefined;
  floorUs: number;
}

async function run(options: ServeOptions, results: ServeResults): Promise<WorkerdResult> {
  const { workerdItems } = options;
  const work = await tempDir('edgerec-bench-workerd-');
  try {
    const users = 200;
    const model = randomModel({ users, items: workerdItems, dim: 32, seed: 7 });
    const artifact = await writeArtifact(work.path, 'workerd.model.json', model, 'f32-base64', 'workerd');
    progress(
      `workerd: starting wrangler dev with ${fmtInt(workerdItems)} items (${fmtMb1(artifact.bytes / 2 ** 20)} MB artifact)`,
    );
    const server = await startServer(artifact.path);
    try {
      const get = async (path: string) => {
        const t0 = performance.now();
        const response = await fetch(`${server.url}${path}`);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET ${path}: status ${response.status}`);
        return (performance.now() - t0) * 1000;
      };
      const recs = (u: number) => `/v1/users/u${u % users}/recommendations?k=10`;
      const firstUs = await get(recs(0));
      for (let r = 0; r < 50; r++) {
        await get(recs(r));
        await get('/health');
      }
      const rec: number[] = [];
      const health: number[] = [];
      for (let r = 0; r < 400; r++) {
        rec.push(await get(recs(r)));
        health.push(await get('/health'));
      }
      const stats = latencyStats;
      const kernel = results.sections.kernel as SectionRecord<KernelResult> | undefined;
      const kernelRow = (kernel?.status === 'ok' ? kernel.sizes : undefined)
        ?.find((s) => s.items === workerdItems)
        ?.rows?.find((r) => r.table === 'f32' && r.impl.startsWith('core'));
      return {
        items: workerdItems,
        users,
        dim: 32,
        artifactBytes: artifact.bytes,
        firstRequestUs: firstUs,
        recommendations: stats(rec),
        health: stats(health),
        kernelEstimateUs: stats(rec).medianUs - stats(health).medianUs,
        nodeKernelUs: kernelRow?.medianUs,
        floorUs: floorFor(workerdItems),
      };
    } finally {
      await server.stop();
    }
  } finally {
    await work.remove();
  }
}

function view(r: SectionTiming & WorkerdResult): View {
  const columns: Column[] = [
    { header: 'request (sequential, one connection)', align: 'left' },
    { header: 'median µs', align: 'right' },
    { header: 'p10–p90 µs', align: 'right' },
    { header: 'n', align: 'right' },
  ];
  const rows: Cell[][] = [
    [
      `GET /v1/users/:u/recommendations?k=10`,
      fmtUs(r.recommendations.medianUs),
      `${fmtUs(r.recommendations.p10Us)}–${fmtUs(r.recommendations.p90Us)}`,
      String(r.recommendations.n),
    ],
    [
      'GET /health (no model)',
      fmtUs(r.health.medianUs),
      `${fmtUs(r.health.p10Us)}–${fmtUs(r.health.p90Us)}`,
      String(r.health.n),
    ],
    ['difference: top-K + routing/validation/JSON in workerd (estimate)', fmtUs(r.kernelEstimateUs), '', ''],
  ];
  return [
    `${fmtInt(r.items)} items × dim ${r.dim} (f32-base64, ${fmtMb1(r.artifactBytes / 2 ** 20)} MB), ${r.users} users, no seen lists. ` +
      'workerd cannot be timed from inside (no bench route, no src changes), so this is END-TO-END latency through wrangler dev on 127.0.0.1 ' +
      "(client fetch, wrangler's proxy, workerd, the app) for requests sent one at a time, interleaved recommendations / health; the difference of " +
      "the medians estimates what the recommendations route adds in workerd (the kernel plus the route's validation and JSON).",
    { columns, rows },
    `For comparison: core f32 top-10 at ${fmtInt(r.items)} items in Node ${r.nodeKernelUs ? `${fmtUs(r.nodeKernelUs)} µs` : '(kernel section not run)'}; ` +
      `floor ${fmtUs(r.floorUs)} µs; the very first recommendations request (parses the artifact) took ${fmtUs(r.firstRequestUs)} µs.`,
    sectionLoad(r),
  ];
}

/** The workerd section. */
export const workerdSection: ServeSection<WorkerdResult> = {
  name: 'workerd',
  title: '2. The kernel inside workerd (end to end, wrangler dev)',
  run,
  view,
};
