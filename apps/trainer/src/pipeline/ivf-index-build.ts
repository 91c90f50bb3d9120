/**
 * `edgerec index build`: an IVF index over the items of the head that ranks (core's
 * ann/ivf-build.ts), its recall measured on sampled training users to pick the default nprobe,
 * stored in a copy of the artifact. By default the copy lays the catalogue out list by list
 * (core's orderByLists: each list a contiguous run of the item table, which probing reads several
 * times faster than scattered rows) and is re-serialized in the tables' encoding; with
 * `reorder: false` every other field stays as it was (core's withIvfIndex).
 */
import {
  TABLE_ENCODINGS,
  buildIvfIndex,
  ivfRecall,
  mulberry32,
  nprobeLadder,
  orderByLists,
  rankingHead,
  serializeArtifact,
  userQuery,
  withIvfIndex,
  type IvfBuildInfo,
  type IvfIndex,
  type IvfRecallPoint,
  type LoadedArtifact,
  type RecommenderModel,
  type TableEncoding,
  type UserQuery,
} from '@edgerec/core';
import { writeFileAtomic } from '../io/atomic-write.js';
import { UserError } from '../user-error.js';

/** The recall@10 the default nprobe must reach on the sampled users. */
export const IVF_TARGET_RECALL = 0.95;
/** Users sampled to measure recall (every user when fewer). */
export const IVF_RECALL_USERS = 200;

/** Options of {@link buildIndexFile}. */
export interface IndexBuildOptions {
  out: string;
  lists?: number;
  seed: number;
  kmeans: IvfBuildInfo['kmeans'];
  maxIterations: number;
  /** Lay the catalogue out list by list (default true). */
  reorder?: boolean;
  log: (line: string) => void;
}

/** What was built and written. */
export interface IndexBuildResult {
  index: IvfIndex;
  /** Recall@10 against the exact top-10 at each measured nprobe. */
  recall: IvfRecallPoint[];
  /** Whether the input's signature was dropped (it signed the old sha256). */
  droppedSignature: boolean;
  bytes: number;
}

/**
 * Builds the index of the artifact's ranking head, measures recall@10 at nprobe 1, 2, 4 … lists
 * on up to IVF_RECALL_USERS seeded training users, records as default the smallest nprobe reaching
 * IVF_TARGET_RECALL (else every list), and writes the artifact with the index to `out` (laid out
 * list by list unless `reorder: false`).
 */
export async function buildIndexFile(
  text: string,
  artifact: LoadedArtifact,
  options: IndexBuildOptions,
): Promise<IndexBuildResult> {
  const head = rankingHead(artifact.model);
  if (options.lists !== undefined && options.lists > head.items.size) {
    throw new UserError(`--lists ${options.lists} is more than the model's ${head.items.size} items`);
  }
  const built = buildIvfIndex(head, {
    ...(options.lists === undefined ? {} : { lists: options.lists }),
    seed: options.seed,
    kmeans: options.kmeans,
    maxIterations: options.maxIterations,
    onProgress: options.log,
  });
  const laid =
    options.reorder === false
      ? { model: withIndex(artifact.model, built), index: built }
      : orderByLists(artifact.model, built);
  options.log(`measuring recall@10 on up to ${IVF_RECALL_USERS} training users`);
  const queries = sampledQueries(rankingHead(laid.model), options.seed);
  const recall = ivfRecall(rankingHead(laid.model), queries, nprobeLadder(built.lists));
  const chosen = recall.find((point) => point.recall >= IVF_TARGET_RECALL) ?? recall[recall.length - 1]!;
  const index: IvfIndex =
    queries.length > 0
      ? { ...laid.index, probe: { nprobe: chosen.nprobe, recall: chosen.recall, k: 10, users: queries.length } }
      : laid.index;
  const written =
    options.reorder === false
      ? await withIvfIndex(text, index)
      : {
          text: await reserialize(withIndex(laid.model, index), artifact, text),
          droppedSignature: artifact.meta.signature !== undefined,
        };
  await writeFileAtomic(options.out, written.text);
  return { index, recall, droppedSignature: written.droppedSignature, bytes: Buffer.byteLength(written.text) };
}

/** The model with `index` on the head that ranks. */
function withIndex(model: RecommenderModel, index: IvfIndex): RecommenderModel {
  return model.ranking ? { ...model, ranking: { ...model.ranking, ivf: index } } : { ...model, ivf: index };
}

/** The laid-out model as artifact text: the input's metadata, table encoding and seen lists. */
function reserialize(model: RecommenderModel, artifact: LoadedArtifact, text: string): Promise<string> {
  const { meta } = artifact;
  return serializeArtifact(
    model,
    {
      createdAt: meta.createdAt,
      stats: meta.stats,
      training: meta.training,
      ...(meta.ranking ? { rankingTraining: meta.ranking.training } : {}),
    },
    { tableEncoding: storedTableEncoding(text) },
  );
}

/**
 * The encoding of the artifact's first factor table (the writer uses one for every factor table).
 * Found in the text: outside a JSON string a key is never preceded by an unescaped quote inside one.
 */
function storedTableEncoding(text: string): TableEncoding {
  const key = '"factors":{"encoding":"';
  const at = text.indexOf(key);
  const value = at < 0 ? '' : text.slice(at + key.length, text.indexOf('"', at + key.length));
  return (TABLE_ENCODINGS as readonly string[]).includes(value) ? (value as TableEncoding) : 'f32-base64';
}

/** Up to IVF_RECALL_USERS distinct training users of the head, seeded. */
function sampledQueries(head: RecommenderModel, seed: number): UserQuery[] {
  const users = head.users.size;
  const random = mulberry32(seed + 1);
  const picked = new Set<number>();
  const wanted = Math.min(users, IVF_RECALL_USERS);
  while (picked.size < wanted) picked.add(Math.floor(random() * users));
  return [...picked].sort((a, b) => a - b).map((u) => userQuery(head, u));
}
