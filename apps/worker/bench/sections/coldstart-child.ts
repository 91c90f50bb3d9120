// The child process of the coldstart section: one parseArtifact of one file in a fresh
// `node --expose-gc`, printed as one JSON line. Usage: coldstart-child.ts FILE checksum|skip-checksum|phases
import { readFile } from 'node:fs/promises';
import { artifactSchema, createIdIndex, decodeFactorTable, decodeTable, parseArtifact, sha256Hex } from '@edgerec/core';
import type { z } from 'zod';

/** What the child measures. */
export type ChildMode = 'checksum' | 'skip-checksum' | 'phases';

/** One parseArtifact: its time and what it added to the heap and to array buffers, after a full GC. */
export interface ParseFigures {
  ms: number;
  heapMb: number;
  arrayBuffersMb: number;
  externalMb: number;
  rssMb: number;
  items: number;
}

/** parseArtifact's steps, each timed alone (ms). */
export interface ParsePhases {
  jsonParse: number;
  schema: number;
  sha256: number;
  tables: number;
  ids: number;
  schemaOk: boolean;
}

type ArtifactJson = z.infer<typeof artifactSchema>;

/**
 * The steps of parseArtifact timed one by one with core's own pieces (an approximation of its
 * internals, for where the time goes): JSON.parse, the zod schema, the sha256 of the content
 * (JSON.stringify + hash), decoding the four tables, building the two id indexes.
 */
async function childPhases(file: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const clock = () => Number(process.hrtime.bigint()) / 1e6;
  const phases: Partial<ParsePhases> = {};
  let t = clock();
  const parsed = JSON.parse(text) as ArtifactJson;
  phases.jsonParse = clock() - t;
  t = clock();
  const ok = artifactSchema.safeParse(parsed).success;
  phases.schema = clock() - t;
  t = clock();
  const { sha256: _stored, ...body } = parsed;
  await sha256Hex(JSON.stringify(body));
  phases.sha256 = clock() - t;
  const dim = parsed.model.dim;
  t = clock();
  decodeFactorTable(parsed.users.factors, dim);
  decodeFactorTable(parsed.items.factors, dim);
  decodeTable(parsed.users.bias, 1);
  decodeTable(parsed.items.bias, 1);
  phases.tables = clock() - t;
  t = clock();
  createIdIndex(parsed.users.ids);
  createIdIndex(parsed.items.ids);
  phases.ids = clock() - t;
  process.stdout.write(`${JSON.stringify({ ...phases, schemaOk: ok })}\n`);
}

/** Reads the file, then measures one parseArtifact: time and memory growth after a full GC. */
async function childParse(file: string, skipChecksum: boolean): Promise<void> {
  const text = await readFile(file, 'utf8');
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  gc();
  gc();
  const before = process.memoryUsage();
  const t0 = process.hrtime.bigint();
  const loaded = await parseArtifact(text, { skipChecksum });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  gc();
  gc();
  const after = process.memoryUsage();
  const mb = (x: number) => x / 2 ** 20;
  process.stdout.write(
    `${JSON.stringify({
      ms,
      heapMb: mb(after.heapUsed - before.heapUsed),
      arrayBuffersMb: mb(after.arrayBuffers - before.arrayBuffers),
      externalMb: mb(after.external - after.arrayBuffers - (before.external - before.arrayBuffers)),
      rssMb: mb(after.rss),
      items: loaded.model.items.size,
    })}\n`,
  );
}

const [file, mode] = process.argv.slice(2);
if (!file) throw new Error('usage: coldstart-child.ts FILE checksum|skip-checksum|phases');
if (mode === 'phases') await childPhases(file);
else await childParse(file, mode === 'skip-checksum');
