/**
 * `edgerec index build`: an IVF index over the items of the head that ranks (core's
 * ann/ivf-build.ts), its recall measured on sampled training users to pick the default nprobe,
 * stored in a copy of the artifact (core's withIvfIndex: every other field as it was).
 */
import {
  buildIvfIndex,
  ivfRecall,
  mulberry32,
  nprobeLadder,
  rankingHead,
  userQuery,
  withIvfIndex,
  type IvfBuildInfo,
  type IvfIndex,
  type IvfRecallPoint,
  type LoadedArtifact,
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
 * IVF_TARGET_RECALL (else every list), and writes the artifact with the index to `out`.
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
  options.log(`measuring recall@10 on up to ${IVF_RECALL_USERS} training users`);
  const queries = sampledQueries(artifact, options.seed);
  const recall = ivfRecall({ ...head, ivf: built }, queries, nprobeLadder(built.lists));
  const chosen = recall.find((point) => point.recall >= IVF_TARGET_RECALL) ?? recall[recall.length - 1]!;
  const index: IvfIndex =
    queries.length > 0
      ? { ...built, probe: { nprobe: chosen.nprobe, recall: chosen.recall, k: 10, users: queries.length } }
      : built;
  const written = await withIvfIndex(text, index);
  await writeFileAtomic(options.out, written.text);
  return { index, recall, droppedSignature: written.droppedSignature, bytes: Buffer.byteLength(written.text) };
}

/** Up to IVF_RECALL_USERS distinct training users of the ranking head, seeded. */
function sampledQueries(artifact: LoadedArtifact, seed: number): UserQuery[] {
  const head = rankingHead(artifact.model);
  const users = head.users.size;
  const random = mulberry32(seed + 1);
  const picked = new Set<number>();
  const wanted = Math.min(users, IVF_RECALL_USERS);
  while (picked.size < wanted) picked.add(Math.floor(random() * users));
  return [...picked].sort((a, b) => a - b).map((u) => userQuery(head, u));
}
