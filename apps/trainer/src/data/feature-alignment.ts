// Aligning a feature file's entities with a model's id index.
import { buildMemberships, type Memberships } from '@edgerec/core/model';
import { DataError } from './data-error.js';
import type { FeatureFile, FeatureKind } from './feature-file.js';

/** A feature file's memberships re-indexed by a model's user or item indices. */
export interface AlignedFeatures {
  /** Owner = the model's user or item index; member = index into featureNames. */
  memberships: Memberships;
  /** The file's features that at least one model entity has, in file order. */
  featureNames: string[];
  /** model ids with no row in the file */
  missing: number;
  /** file ids the model does not know (ignored) */
  unknown: number;
}

/** The id index an alignment needs (an IdIndex from @edgerec/core fits). */
export interface FeatureIdIndex {
  size: number;
  ids: readonly string[];
  indexOf(id: string): number | undefined;
}

/**
 * Aligns a feature file with a model's id index: owners become the model's indices (a model id
 * without a row gets no members and weight 0), file ids the model does not know are dropped, and
 * features no model entity has are dropped. Throws a DataError when the ids clearly do not match.
 */
export function alignFeatures(file: FeatureFile, index: FeatureIdIndex, kind: FeatureKind): AlignedFeatures {
  const modelOf = new Int32Array(file.ids.length).fill(-1);
  const covered = new Uint8Array(index.size);
  const unknownIds: string[] = [];
  for (let e = 0; e < file.ids.length; e++) {
    const id = file.ids[e]!;
    const position = index.indexOf(id);
    if (position === undefined) {
      unknownIds.push(id);
      continue;
    }
    modelOf[e] = position;
    covered[position] = 1;
  }
  const found = covered.reduce((sum, flag) => sum + flag, 0);
  if (found * 2 < index.size) throw mismatchError(file, index, kind, found, covered, unknownIds);

  const used = new Uint8Array(file.features.length);
  for (let r = 0; r < file.owners.length; r++) {
    if (modelOf[file.owners[r]!]! >= 0) used[file.members[r]!] = 1;
  }
  const renumber = new Int32Array(file.features.length).fill(-1);
  const featureNames: string[] = [];
  for (let f = 0; f < file.features.length; f++) {
    if (used[f] === 0) continue;
    renumber[f] = featureNames.length;
    featureNames.push(file.features[f]!);
  }
  const ownerOf: number[] = [];
  const memberOf: number[] = [];
  for (let r = 0; r < file.owners.length; r++) {
    const owner = modelOf[file.owners[r]!]!;
    if (owner < 0) continue;
    ownerOf.push(owner);
    memberOf.push(renumber[file.members[r]!]!);
  }
  return {
    memberships: buildMemberships(index.size, featureNames.length, ownerOf, memberOf),
    featureNames,
    missing: index.size - found,
    unknown: unknownIds.length,
  };
}

/** The DataError for a file whose ids barely overlap the model's, with examples from both sides. */
function mismatchError(
  file: FeatureFile,
  index: FeatureIdIndex,
  kind: FeatureKind,
  found: number,
  covered: Uint8Array,
  unknownIds: readonly string[],
): DataError {
  const EXAMPLES = 3;
  const modelOnly: string[] = [];
  for (let i = 0; i < index.size && modelOnly.length < EXAMPLES; i++) {
    if (covered[i] === 0) modelOnly.push(index.ids[i]!);
  }
  const quote = (ids: readonly string[]): string =>
    ids
      .slice(0, EXAMPLES)
      .map((id) => JSON.stringify(id))
      .join(', ');
  const fileSide =
    unknownIds.length > 0
      ? `this file has ${unknownIds.length} ${kind} ids the model does not know, e.g. ${quote(unknownIds)}`
      : `this file has only ${file.ids.length} ${kind}s`;
  return new DataError(
    file.file,
    `the ${kind} ids do not match the model's: only ${found} of its ${index.size} ${kind}s have a row here ` +
      `(the model has e.g. ${quote(modelOnly)}; ${fileSide}); is this the ${kind} feature file for these ratings?`,
  );
}
