import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../random.js';
import { loadBackend } from '../backend.js';
import type { Tf } from '../tf.js';
import { segmentSumInto } from './unsorted-segment-sum.js';

/** Reference: TensorFlow's documented semantics, one row at a time in float64. */
function reference(x: number[], ids: number[], rowSize: number, segments: number): number[] {
  const out = new Array<number>(segments * rowSize).fill(0);
  ids.forEach((id, r) => {
    if (id < 0 || id >= segments) return;
    for (let k = 0; k < rowSize; k++) out[id * rowSize + k]! += x[r * rowSize + k]!;
  });
  return out;
}

function randomCase(seed: number, rows: number, rowSize: number, segments: number) {
  const rand = mulberry32(seed);
  const x = Array.from({ length: rows * rowSize }, () => rand() * 2 - 1);
  // Include repeats and a few out-of-range ids (dropped by TF semantics).
  const ids = Array.from({ length: rows }, () => Math.floor(rand() * (segments + 2)) - 1);
  return { x, ids };
}

describe('segmentSumInto', () => {
  it('matches the reference, dropping out-of-range ids', () => {
    const { x, ids } = randomCase(1, 200, 3, 17);
    const out = new Float32Array(17 * 3);
    segmentSumInto(x, ids, 3, out);
    reference(x, ids, 3, 17).forEach((v, j) => expect(out[j]).toBeCloseTo(v, 5));
  });
});

for (const backendName of ['wasm', 'cpu'] as const) {
  describe(`registered UnsortedSegmentSum on ${backendName}`, () => {
    let tf: Tf;
    beforeAll(async () => {
      tf = (await loadBackend(backendName)).tf;
    });

    it('matches the reference for rank-2 input', () => {
      const { x, ids } = randomCase(2, 500, 8, 40);
      const got = tf.tidy(() =>
        tf
          .unsortedSegmentSum(tf.tensor2d(x, [500, 8]), tf.tensor1d(ids, 'int32'), 40)
          .arraySync()
          .flat(),
      );
      reference(x, ids, 8, 40).forEach((v, j) => expect(got[j]).toBeCloseTo(v, 4));
    });

    it('handles int32 input and rank-1 rows', () => {
      const x = [1, 2, 3, 4, 5];
      const ids = [0, 2, 0, 2, 1];
      const got = tf.tidy(() =>
        tf.unsortedSegmentSum(tf.tensor1d(x, 'int32'), tf.tensor1d(ids, 'int32'), 3).arraySync(),
      );
      expect(got).toEqual([4, 5, 6]);
    });

    it('gives the gradient of an embedding lookup', () => {
      const table = tf.variable(
        tf.tensor2d(
          Array.from({ length: 12 }, (_, j) => j / 10),
          [6, 2],
        ),
      );
      const lookups = [5, 1, 5, 0, 5];
      const grads = tf.tidy(() => {
        const g = tf.grad((t: import('@tensorflow/tfjs').Tensor) =>
          tf.sum(
            tf.mul(
              tf.gather(t, tf.tensor1d(lookups, 'int32')),
              tf.tensor2d([
                [1, 2],
                [3, 4],
                [5, 6],
                [7, 8],
                [9, 10],
              ]),
            ),
          ),
        );
        return g(table).arraySync() as number[][];
      });
      // Row 5 is looked up three times: its gradient sums rows 0, 2 and 4 of the multiplier.
      expect(grads).toEqual([
        [7, 8],
        [3, 4],
        [0, 0],
        [0, 0],
        [0, 0],
        [15, 18],
      ]);
      table.dispose();
    });

    it('handles ML-100K-sized gradients', () => {
      // 1024 lookups into 1682 rows of 32: the shipped cpu kernel loops 1682 times over all rows.
      const { x, ids } = randomCase(3, 1024, 32, 1682);
      const result = tf.tidy(() =>
        tf
          .unsortedSegmentSum(tf.tensor2d(x, [1024, 32]), tf.tensor1d(ids, 'int32'), 1682)
          .sum()
          .arraySync(),
      );
      const want = reference(x, ids, 32, 1682).reduce((a, b) => a + b, 0);
      expect(result as number).toBeCloseTo(want, 1);
    });
  });
}
