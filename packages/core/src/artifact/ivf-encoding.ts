import type { IvfIndex } from '../ann/ivf-index.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import type { IvfIndexJson } from './schema.js';
import { decodeTable, encodeTable } from './tables.js';

/** An IVF index as the artifact stores it: f32 centroids, list sizes, item indices as little-endian uint32. */
export function encodeIvfIndex(index: IvfIndex): IvfIndexJson {
  const sizes: number[] = [];
  for (let l = 0; l < index.lists; l++) sizes.push(index.offsets[l + 1]! - index.offsets[l]!);
  const bytes = new Uint8Array(index.items.length * 4);
  const view = new DataView(bytes.buffer);
  for (let j = 0; j < index.items.length; j++) view.setUint32(j * 4, index.items[j]!, true);
  return {
    kind: 'ivf',
    version: 1,
    lists: index.lists,
    centroids: encodeTable(index.centroids, 'f32-base64'),
    sizes,
    items: { encoding: 'u32-base64', length: index.items.length, data: bytesToBase64(bytes) },
    ...(index.probe ? { probe: { ...index.probe } } : {}),
    build: { ...index.build },
  };
}

/**
 * Decodes a stored IVF index whose sizes bounds.ts already checked: the centroids (finite), the
 * offsets from the sizes, and the item indices, each below `items` and in exactly one list.
 * Throws an Error naming the first problem (read.ts turns it into an ArtifactError).
 */
export function decodeIvfIndex(json: IvfIndexJson, items: number, width: number): IvfIndex {
  const centroids = decodeTable(json.centroids, width);
  if (centroids.length !== json.lists * width)
    throw new Error(`centroids hold ${centroids.length} values, expected ${json.lists * width}`);
  const offsets = new Uint32Array(json.lists + 1);
  for (let l = 0; l < json.lists; l++) offsets[l + 1] = offsets[l]! + json.sizes[l]!;
  const bytes = base64ToBytes(json.items.data);
  if (bytes.length !== items * 4) throw new Error(`items hold ${bytes.length} bytes, expected ${items * 4}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const listOf = new Uint32Array(items); // 1 + the list an item was found in, 0 while unseen
  const indices = new Uint32Array(items);
  for (let l = 0; l < json.lists; l++) {
    for (let j = offsets[l]!; j < offsets[l + 1]!; j++) {
      const i = view.getUint32(j * 4, true);
      if (i >= items)
        throw new Error(`list ${l} names item ${i}, but the model has ${items} items (0 to ${items - 1})`);
      if (listOf[i] !== 0)
        throw new Error(
          `item ${i} is in list ${listOf[i]! - 1} and in list ${l}; each item belongs to exactly one list`,
        );
      listOf[i] = l + 1;
      indices[j] = i;
    }
  }
  const probe = json.probe ? { probe: { ...json.probe } } : {};
  return { lists: json.lists, width, centroids, offsets, items: indices, ...probe, build: { ...json.build } };
}
