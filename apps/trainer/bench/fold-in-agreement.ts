// The fold-in check of `pnpm bench:rank`: does folding a training user's own items into an iALS
// model (core's foldInInteractions, what the edge does for a new user) give the top-K that the
// user's trained vector gives?
import { readFile } from 'node:fs/promises';
import { foldInInteractions, parseArtifact, seenBy, topKItems, userQuery } from '@edgerec/core';

/** How far the fold-in's top-k agrees with the trained vectors'. */
export interface FoldInAgreement {
  k: number;
  users: number;
  meanOverlap: number;
  minOverlap: number;
  /** The overlap counted as good, and the share of users at or above it. */
  atLeast: number;
  shareAtLeast: number;
  /** Users by overlap 0…k. */
  histogram: number[];
  seconds: number;
}

/**
 * For every user of an iALS artifact (or the iALS ranking head of a rating artifact) with seen
 * items: the top-k of the fold-in of those items and the top-k of the trained vector, both
 * excluding the seen items; how many of the k they share.
 */
export async function foldInAgreement(
  artifactFile: string,
  { k = 10, good = 8 }: { k?: number; good?: number } = {},
): Promise<FoldInAgreement> {
  const { model: loaded } = await parseArtifact(await readFile(artifactFile, 'utf8'), { source: artifactFile });
  const model = loaded.foldIn ? loaded : loaded.ranking;
  if (!model?.foldIn) throw new Error(`${artifactFile}: no iALS fold-in parameters (not an iALS model or head)`);
  if (!model.seen) throw new Error(`${artifactFile}: no seen items stored (trained with --no-seen)`);
  const started = performance.now();
  const overlaps: number[] = [];
  for (let u = 0; u < model.users.size; u++) {
    const seen = seenBy(model.seen, u);
    if (seen.length === 0) continue;
    const options = { k, excludeSorted: seen };
    const trained = topKItems(model, userQuery(model, u), options);
    const folded = topKItems(
      model,
      foldInInteractions(
        model,
        Array.from(seen, (item) => ({ item })),
      ),
      options,
    );
    const trainedItems = new Set(trained.map((r) => r.index));
    overlaps.push(folded.reduce((n, r) => n + (trainedItems.has(r.index) ? 1 : 0), 0));
  }
  const users = overlaps.length;
  return {
    k,
    users,
    meanOverlap: overlaps.reduce((a, b) => a + b, 0) / users,
    minOverlap: Math.min(...overlaps),
    atLeast: good,
    shareAtLeast: overlaps.filter((n) => n >= good).length / users,
    histogram: Array.from({ length: k + 1 }, (_, n) => overlaps.filter((x) => x === n).length),
    seconds: (performance.now() - started) / 1000,
  };
}
