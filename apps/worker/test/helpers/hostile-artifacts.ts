import {
  createIdIndex,
  decodeTable,
  encodeTable,
  serializeArtifact,
  sha256Hex,
  type EncodedTable,
  type RecommenderModel,
} from '@edgerec/core';
import { makeTestModel, testMetadata } from './test-model';

/** Artifact JSON as an editor sees it: any field may be rewritten. */
type ArtifactEdit = Record<string, any>;

/**
 * Recomputes the sha256 of an edited artifact, as anyone with write access to the file could (the
 * same as core's test-utils `reseal`): the checksum passes again, a kept signature does not.
 */
export async function reseal(json: Record<string, unknown>): Promise<string> {
  const { sha256: _old, signature, ...body } = json;
  const sha256 = await sha256Hex(JSON.stringify(body));
  return JSON.stringify({ ...body, sha256, ...(signature === undefined ? {} : { signature }) });
}

/** Parses artifact text, applies `change`, and reseals it. */
export async function resealedEdit(text: string, change: (json: ArtifactEdit) => void): Promise<string> {
  const json = JSON.parse(text) as ArtifactEdit;
  change(json);
  return reseal(json);
}

/** Sets one item's bias (any table encoding; written back as f32-base64). */
export function setItemBias(json: ArtifactEdit, item: number, value: number): void {
  const bias = Float32Array.from(decodeTable(json.items.bias as EncodedTable, 1));
  bias[item] = value;
  json.items.bias = encodeTable(bias, 'f32-base64');
}

/** A hostile artifact: its sha256 is right, yet the reader must refuse it with `code`. */
export interface HostileArtifact {
  name: string;
  text: string;
  code: string;
  message: RegExp;
}

const emptySide = (side: ArtifactEdit): void => {
  side.ids = [];
  side.factors = { encoding: 'f32-base64', length: 0, data: '' };
  side.bias = { encoding: 'f32-base64', length: 0, data: '' };
};

/**
 * The hostile classes, built from a valid artifact and resealed: seen pairs far past what
 * the bytes hold (the 19.6 s / 4 GB and 104 s / 16.7 GB reloads), dim 1e9 with empty tables (one
 * Float32Array(dim) per cold start), no items, a threshold outside the scale, an over-long id.
 */
export async function hostileArtifacts(text: string): Promise<HostileArtifact[]> {
  const inconsistent = 'inconsistent';
  return [
    {
      name: 'seen.pairs = 1e9',
      text: await resealedEdit(text, (json) => (json.seen.pairs = 1e9)),
      code: inconsistent,
      message: /seen declares 1000000000 pairs, more than users × items \(50 × 80\)/,
    },
    {
      name: 'seen.pairs = 4e9',
      text: await resealedEdit(text, (json) => (json.seen.pairs = 4e9)),
      code: inconsistent,
      message: /seen declares 4000000000 pairs/,
    },
    {
      name: 'dim 1e9 with 0 users and 0 items',
      text: await resealedEdit(text, (json) => {
        json.model.dim = 1e9;
        emptySide(json.users);
        emptySide(json.items);
        delete json.seen;
      }),
      code: 'schema',
      message: /model\.dim: Too big: expected number to be <=1024/,
    },
    {
      name: '0 items',
      text: await resealedEdit(text, (json) => {
        emptySide(json.items);
        delete json.seen;
      }),
      code: inconsistent,
      message: /items\.ids is empty; a model needs at least one item/,
    },
    {
      name: 'recommendThreshold 99',
      text: await resealedEdit(text, (json) => (json.recommendThreshold = 99)),
      code: inconsistent,
      message: /recommendThreshold 99 is outside the rating scale \[1, 5\]/,
    },
    {
      name: 'a 257-character id',
      text: await resealedEdit(text, (json) => (json.users.ids[3] = 'u'.repeat(257))),
      code: inconsistent,
      message: /users\.ids\[3\] is 257 characters long, more than the 256 an id may have/,
    },
  ];
}

/**
 * A valid rating artifact with a wide catalogue (`items` items, the test model's 50 users, no seen
 * lists): a few MiB once decoded, to run into a small MODEL_MAX_DECODED_MB.
 */
export function makeWideArtifact(items: number): Promise<string> {
  const base = makeTestModel({ seen: false });
  const model: RecommenderModel = {
    ...base,
    items: createIdIndex(Array.from({ length: items }, (_, i) => `item-${i}`)),
    itemFactors: Float32Array.from({ length: items * base.dim }, (_, i) => Math.sin(i) * 0.5),
    itemBias: new Float32Array(items),
  };
  return serializeArtifact(model, testMetadata(model), { includeSeen: false });
}
