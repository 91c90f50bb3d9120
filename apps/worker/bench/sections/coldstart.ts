// Section 4 of `pnpm bench:serve`: what the first request pays. parseArtifact's time and memory
// per table encoding in fresh Node processes (coldstart-child.ts), then the first GET /v1/model
// on wrangler dev against warm ones.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { lastLine, progress, tempDir } from '@edgerec/bench-kit/process';
import { f1, fmtInt, type Column, type Table, type View } from '@edgerec/bench-kit/report';
import type { TableEncoding } from '@edgerec/core';
import { messageOf } from '../messages.js';
import { fmtMb1 } from '../serve-format.js';
import type { ServeOptions } from '../serve-options.js';
import { sectionLoad, type SectionTiming, type ServeSection } from '../serve-section.js';
import { randomModel, writeArtifact, type BenchModel } from '../synthetic-artifacts.js';
import { startServer, type BenchServer } from '../wrangler-server.js';
import type { ChildMode, ParseFigures, ParsePhases } from './coldstart-child.js';

const CHILD = fileURLToPath(new URL('./coldstart-child.ts', import.meta.url));
const ENCODINGS: TableEncoding[] = ['f32-base64', 'f16-base64', 'int8-base64', 'json'];
const COLD_TARGET = { ms: 300, mb: 40 };

/** A random artifact shape. */
interface ColdShape {
  name: string;
  users: number;
  items: number;
  dim: number;
  seenPairs: number;
  seenNote: string;
}

interface ColdArtifact {
  shape: string;
  encoding: TableEncoding;
  path: string;
  bytes: number;
  gzipBytes: number;
}

/** One artifact's parse figures: with and without the checksum, and where the time goes. */
interface ColdRow {
  shape: string;
  encoding: TableEncoding;
  bytes: number;
  gzipBytes: number;
  checked: ParseFigures & { runsMs: number[] };
  unchecked: ParseFigures & { runsMs: number[] };
  memoryMb: number;
  phases: ParsePhases;
}

/** The first and warm GET /v1/model of one artifact on wrangler dev. */
type FirstRequest =
  | { shape: string; encoding: TableEncoding; status: 'ok'; startSeconds: number; firstMs: number; warmMs: number }
  | { shape: string; encoding: TableEncoding; status: 'error'; message: string };

/** The coldstart section's figures. */
export interface ColdstartResult {
  shapes: ColdShape[];
  rows: ColdRow[];
  wrangler: { status: 'ok'; rows: FirstRequest[] } | { status: 'skipped'; message: string };
  target: typeof COLD_TARGET;
}

async function run(options: ServeOptions): Promise<ColdstartResult> {
  const work = await tempDir('edgerec-bench-coldstart-');
  try {
    const shapes: ColdShape[] = [
      {
        name: 'ML-100K-sized',
        users: 943,
        items: 1682,
        dim: 32,
        seenPairs: 100_000,
        seenNote: '100,000 random seen pairs',
      },
      { name: '7M parameters', users: 160_000, items: 60_000, dim: 32, seenPairs: 0, seenNote: 'no seen lists' },
    ];
    const artifacts: ColdArtifact[] = [];
    for (const shape of shapes) {
      progress(`coldstart: generating ${shape.name} (${fmtInt(shape.users)} x ${fmtInt(shape.items)} x ${shape.dim})`);
      let model: BenchModel | undefined = randomModel({ ...shape, seed: 23 });
      for (const encoding of ENCODINGS) {
        const file = `${shape.name.replace(/\W+/g, '-')}.${encoding}.model.json`;
        const a = await writeArtifact(work.path, file, model, encoding, shape.name);
        artifacts.push({
          shape: shape.name,
          encoding,
          ...a,
          gzipBytes: gzipSync(await readFile(a.path), { level: 6 }).length,
        });
      }
      model = undefined; // let the collector take it before the next shape
    }
    const rows: ColdRow[] = [];
    for (const a of artifacts) {
      const timed = async (mode: 'checksum' | 'skip-checksum'): Promise<ParseFigures & { runsMs: number[] }> => {
        const runs: ParseFigures[] = [];
        for (let r = 0; r < 3; r++) runs.push(await childParseRun<ParseFigures>(a.path, mode));
        runs.sort((x, y) => x.ms - y.ms);
        return { ...runs[1]!, runsMs: runs.map((x) => x.ms) };
      };
      const checked = await timed('checksum');
      const unchecked = await timed('skip-checksum');
      const row: ColdRow = {
        shape: a.shape,
        encoding: a.encoding,
        bytes: a.bytes,
        gzipBytes: a.gzipBytes,
        checked,
        unchecked,
        memoryMb: checked.heapMb + checked.arrayBuffersMb + checked.externalMb,
        phases: await childParseRun<ParsePhases>(a.path, 'phases'),
      };
      rows.push(row);
      progress(
        `  ${a.shape.padEnd(14)} ${a.encoding.padEnd(12)} ${fmtMb1(a.bytes / 2 ** 20).padStart(7)} MB  parse ${f1(row.checked.ms)} ms ` +
          `(no checksum ${f1(row.unchecked.ms)} ms), +${f1(row.checked.heapMb)} MB heap +${f1(row.checked.arrayBuffersMb)} MB arrayBuffers`,
      );
    }
    let wrangler: ColdstartResult['wrangler'] = { status: 'skipped', message: '--no-wrangler-coldstart' };
    if (options.wranglerColdstart) {
      const first: FirstRequest[] = [];
      for (const a of artifacts) {
        progress(`coldstart: wrangler dev, ${a.shape} ${a.encoding}`);
        first.push(await firstRequest(a));
      }
      wrangler = { status: 'ok', rows: first };
    }
    return { shapes, rows, wrangler, target: COLD_TARGET };
  } finally {
    await work.remove();
  }
}

/** One run of coldstart-child.ts in a fresh `node --expose-gc` (with this process's loader flags, i.e. tsx). */
function childParseRun<T>(file: string, mode: ChildMode): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', CHILD, file, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c;
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`parse child exited ${code}: ${err.trim().split('\n').pop()}`));
      try {
        resolvePromise(JSON.parse(lastLine(out)) as T);
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Starts wrangler dev on one artifact; times the first GET /v1/model (the isolate parses the artifact) and warm ones. */
async function firstRequest(a: ColdArtifact): Promise<FirstRequest> {
  const t0 = performance.now();
  let server: BenchServer;
  try {
    server = await startServer(a.path, 300_000);
  } catch (error) {
    return {
      shape: a.shape,
      encoding: a.encoding,
      status: 'error',
      message: lastLine(messageOf(error)).slice(0, 200),
    };
  }
  const startSeconds = (performance.now() - t0) / 1000;
  try {
    const get = async () => {
      const t = performance.now();
      const response = await fetch(`${server.url}/v1/model`);
      const text = await response.text();
      if (response.status !== 200) throw new Error(`GET /v1/model: ${response.status} ${text.slice(0, 200)}`);
      return performance.now() - t;
    };
    const firstMs = await get();
    const warm: number[] = [];
    for (let r = 0; r < 20; r++) warm.push(await get());
    warm.sort((x, y) => x - y);
    const row: FirstRequest = {
      shape: a.shape,
      encoding: a.encoding,
      status: 'ok',
      startSeconds,
      firstMs,
      warmMs: warm[10]!,
    };
    progress(`  first ${f1(firstMs)} ms, warm ${f1(row.warmMs)} ms (server start ${f1(startSeconds)} s)`);
    return row;
  } catch (error) {
    return {
      shape: a.shape,
      encoding: a.encoding,
      status: 'error',
      message: messageOf(error).slice(0, 200),
    };
  } finally {
    await server.stop();
  }
}

function view(r: SectionTiming & ColdstartResult): View {
  const columns: Column[] = [
    { header: 'artifact', align: 'left' },
    { header: 'encoding', align: 'left' },
    { header: 'MB', align: 'right' },
    { header: 'gzip MB', align: 'right' },
    { header: 'parse ms', align: 'right' },
    { header: 'no checksum ms', align: 'right' },
    { header: 'heap MB', align: 'right' },
    { header: 'arrayBuffers MB', align: 'right' },
    { header: 'total MB', align: 'right' },
    { header: `< ${r.target.ms} ms & < ${r.target.mb} MB`, align: 'left' },
  ];
  const rows = r.rows.map((x) => [
    x.shape,
    x.encoding,
    fmtMb1(x.bytes / 2 ** 20),
    fmtMb1(x.gzipBytes / 2 ** 20),
    f1(x.checked.ms),
    f1(x.unchecked.ms),
    f1(x.checked.heapMb),
    f1(x.checked.arrayBuffersMb),
    f1(x.memoryMb),
    x.checked.ms < r.target.ms && x.memoryMb < r.target.mb ? 'yes' : 'no',
  ]);
  const blocks: Array<string | Table> = [
    `Shapes: ${r.shapes.map((s) => `${s.name} = ${fmtInt(s.users)} users × ${fmtInt(s.items)} items × dim ${s.dim} (${fmtInt((s.users + s.items) * s.dim)} factors; ${s.seenNote})`).join('; ')}. ` +
      'Random tables (no MovieLens). Each figure: a fresh `node --expose-gc` process reads the file, runs a full GC, times one parseArtifact ' +
      '(JSON.parse, zod schema, sha256 of the content unless skipped, table decoding, id indexes), runs a full GC again while holding the result; ' +
      'times are the median of 3 processes. heap = heapUsed growth (ids, id maps, metadata, number arrays), arrayBuffers = typed-array growth ' +
      '(the decoded tables); the artifact text itself (MB column; in a Worker, the bundled Text module) is not counted.',
    { columns, rows },
    "Where the time goes (one more process per artifact, each step timed separately with core's own pieces: JSON.parse, artifactSchema.safeParse, " +
      'sha256Hex(JSON.stringify(content)), decodeFactorTable/decodeTable of the four tables, createIdIndex of both id lists):',
    {
      columns: [
        { header: 'artifact', align: 'left' },
        { header: 'encoding', align: 'left' },
        { header: 'JSON.parse ms', align: 'right' },
        { header: 'schema ms', align: 'right' },
        { header: 'sha256 ms', align: 'right' },
        { header: 'tables ms', align: 'right' },
        { header: 'id indexes ms', align: 'right' },
      ],
      rows: r.rows
        .filter((x) => x.phases)
        .map((x) => [
          x.shape,
          x.encoding,
          f1(x.phases.jsonParse),
          f1(x.phases.schema),
          f1(x.phases.sha256),
          f1(x.phases.tables),
          f1(x.phases.ids),
        ]),
    },
  ];
  if (r.wrangler.status === 'ok') {
    blocks.push({
      columns: [
        { header: 'artifact', align: 'left' },
        { header: 'encoding', align: 'left' },
        { header: 'first GET /v1/model ms', align: 'right' },
        { header: 'warm ms', align: 'right' },
        { header: 'first − warm ms', align: 'right' },
        { header: 'server start s', align: 'right' },
      ],
      rows: r.wrangler.rows.map((x) =>
        x.status === 'ok'
          ? [x.shape, x.encoding, f1(x.firstMs), f1(x.warmMs), f1(x.firstMs - x.warmMs), f1(x.startSeconds)]
          : [x.shape, x.encoding, { span: `${x.status}: ${x.message}` }],
      ),
    });
    blocks.push(
      'wrangler dev (workerd) per artifact: a server per artifact, readiness by /health (which never loads the model), then the first ' +
        'GET /v1/model, which parses the bundled artifact in the isolate, against the median of 20 warm ones. Server start includes bundling the artifact as a Text module.',
    );
  } else blocks.push(`wrangler dev first requests: ${r.wrangler.status} (${r.wrangler.message})`);
  blocks.push(sectionLoad(r));
  return blocks;
}

/** The coldstart section. */
export const coldstartSection: ServeSection<ColdstartResult> = {
  name: 'coldstart',
  title: '4. Cold start: parseArtifact time and memory, per table encoding',
  run,
  view,
};
