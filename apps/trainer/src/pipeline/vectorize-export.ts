/**
 * A model's items as the NDJSON `wrangler vectorize insert --file` reads: one
 * `{"id", "namespace", "values"}` object a line, in core's Vectorize format (item vector
 * `[v_i..., b_i]` of the head that ranks, per-model ids and namespace; see
 * packages/core/src/ann/vectorize.ts), split into files that wrangler inserts whole.
 */
import {
  VECTORIZE_MAX_DIMENSIONS,
  VECTORIZE_MAX_VECTORS,
  VECTORIZE_METRIC,
  rankingHead,
  vectorizeDimensions,
  vectorizeId,
  vectorizeItemValues,
  vectorizeNamespace,
  type LoadedArtifact,
  type RecommenderModel,
} from '@edgerec/core';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { UserError } from '../user-error.js';

/**
 * Most vectors one `wrangler vectorize insert` run uploads: wrangler 4.86 stops reading a file
 * after 100,000 (its VECTORIZE_MAX_UPSERT_VECTOR_RECORDS), so a bigger catalogue is split.
 */
export const WRANGLER_MAX_VECTORS_PER_RUN = 100_000;

/** A progress line every this many vectors, by default. */
const PROGRESS_EVERY = 100_000;

/** Options of {@link exportVectorize}. */
export interface VectorizeExportOptions {
  /** The output file; with more than `vectorsPerFile` items, `<stem>-<n><ext>` files beside it. */
  out: string;
  vectorsPerFile: number;
  /** Receives progress lines (for stderr). */
  log: (line: string) => void;
  /** A progress line every this many vectors (default 100,000). */
  progressEvery?: number;
}

/** One written NDJSON file. */
export interface VectorizeFile {
  path: string;
  vectors: number;
  bytes: number;
}

/** What {@link exportVectorize} wrote, and the index it needs. */
export interface VectorizeExport {
  sha256: string;
  /** `ranking`: the interaction head beside a rating head; `model`: the model's own head. */
  head: 'ranking' | 'model';
  objective: 'rating' | 'interaction';
  dim: number;
  items: number;
  dimensions: number;
  metric: typeof VECTORIZE_METRIC;
  namespace: string;
  files: VectorizeFile[];
}

/** The files an export of `items` vectors goes to: `out` alone, or `<stem>-<n><ext>` parts of `vectorsPerFile`. */
export function vectorizeFilePaths(out: string, items: number, vectorsPerFile: number): string[] {
  const parts = Math.max(1, Math.ceil(items / vectorsPerFile));
  if (parts === 1) return [out];
  const ext = extname(out);
  const stem = ext ? out.slice(0, -ext.length) : out;
  const width = String(parts).length;
  return Array.from({ length: parts }, (_, p) => `${stem}-${String(p + 1).padStart(width, '0')}${ext}`);
}

/** Writes the ranking head's item vectors, each file atomically, and says what was written. */
export async function exportVectorize(
  artifact: LoadedArtifact,
  options: VectorizeExportOptions,
): Promise<VectorizeExport> {
  const { model, meta } = artifact;
  const head = rankingHead(model);
  const items = head.items.size;
  const dimensions = vectorizeDimensions(head);
  if (dimensions > VECTORIZE_MAX_DIMENSIONS) {
    throw new UserError(
      `the ranking head is ${head.dim} wide: ${dimensions} dimensions with the bias, over Vectorize's ${VECTORIZE_MAX_DIMENSIONS}`,
    );
  }
  if (items > VECTORIZE_MAX_VECTORS) {
    throw new UserError(`the model has ${items} items; a Vectorize index holds at most ${VECTORIZE_MAX_VECTORS}`);
  }
  const paths = vectorizeFilePaths(options.out, items, options.vectorsPerFile);
  const files: VectorizeFile[] = [];
  for (const [p, path] of paths.entries()) {
    const first = p * options.vectorsPerFile;
    const count = Math.min(options.vectorsPerFile, items - first);
    const progress = { every: options.progressEvery ?? PROGRESS_EVERY, log: options.log };
    await writeFileAtomic(path, vectorLines(head, meta.sha256, first, count, progress));
    files.push({ path, vectors: count, bytes: (await stat(path)).size });
  }
  return {
    sha256: meta.sha256,
    head: model.ranking ? 'ranking' : 'model',
    objective: head.objective ?? 'rating',
    dim: head.dim,
    items,
    dimensions,
    metric: VECTORIZE_METRIC,
    namespace: vectorizeNamespace(meta.sha256),
    files,
  };
}

/** The NDJSON lines of items `first` … `first + count - 1`, logging progress every `progress.every` items. */
function* vectorLines(
  head: RecommenderModel,
  sha256: string,
  first: number,
  count: number,
  progress: { every: number; log: (line: string) => void },
): Generator<string> {
  const namespace = JSON.stringify(vectorizeNamespace(sha256));
  for (let i = first; i < first + count; i++) {
    const values = Array.from(vectorizeItemValues(head, i), shortestFloat32).join(',');
    yield `{"id":${JSON.stringify(vectorizeId(sha256, i))},"namespace":${namespace},"values":[${values}]}\n`;
    if ((i + 1) % progress.every === 0) progress.log(`exported ${i + 1} of ${head.items.size} vectors`);
  }
}

/** A float32 value in at most 9 significant digits: it reads back as the same float32 (Vectorize stores float32). */
export function shortestFloat32(value: number): number {
  return Number(value.toPrecision(9));
}
