import type { IdIndex } from '@edgerec/core';
import type { SideFeatures } from '@edgerec/core/model';
import { basename } from 'node:path';
import { alignFeatures, type AlignedFeatures } from '../data/feature-alignment.js';
import { readFeatureFile } from '../data/side-features.js';

/** The side-feature files, read and aligned with the training ids. */
export interface RatingSideFeatures {
  users?: AlignedFeatures;
  items?: AlignedFeatures;
}

/** Reads and aligns the side-feature files, if any, with the training ids, reporting each on onInfo. */
export async function loadSideFeatures(
  paths: { userFeatures?: string; itemFeatures?: string },
  ids: { users: IdIndex; items: IdIndex },
  onInfo: ((line: string) => void) | undefined,
): Promise<RatingSideFeatures> {
  const load = async (path: string | undefined, kind: 'user' | 'item', index: IdIndex) => {
    if (!path) return undefined;
    const aligned = alignFeatures(await readFeatureFile(path, kind), index, kind);
    onInfo?.(
      `${kind} features from ${path}: ${aligned.featureNames.length} feature values` +
        `${aligned.missing > 0 ? `, ${aligned.missing} ${kind}s without a row` : ''}` +
        `${aligned.unknown > 0 ? `, ${aligned.unknown} rows for ${kind}s not in the training data (ignored)` : ''}`,
    );
    return aligned;
  };
  const users = await load(paths.userFeatures, 'user', ids.users);
  const items = await load(paths.itemFeatures, 'item', ids.items);
  return { ...(users ? { users } : {}), ...(items ? { items } : {}) };
}

/** The memberships the trainer takes from aligned side features. */
export function featureMemberships(side: RatingSideFeatures): SideFeatures {
  return {
    ...(side.users ? { users: side.users.memberships } : {}),
    ...(side.items ? { items: side.items.memberships } : {}),
  };
}

/** How the artifact names a side-feature file: its base name and feature count, or null without one. */
export function describeFeatureFile(path: string | undefined, features: AlignedFeatures | undefined): string | null {
  return path ? `${basename(path)} (${features?.featureNames.length ?? 0} features)` : null;
}
