import { accumulateGram, mirrorLower } from './gram-kernel.js';

/**
 * The Gramian QᵀQ (dim × dim, row-major, both triangles) of the first `rows` rows of a
 * row-major float32 table `dim` wide, times `scale`: what iALS adds for every unobserved pair.
 */
export function gramian(table: Float32Array, rows: number, dim: number, scale = 1): Float64Array {
  if (table.length < rows * dim)
    throw new RangeError(`table has ${table.length} values, fewer than ${rows} rows × ${dim}`);
  const g = new Float64Array(dim * dim);
  accumulateGram(g, table, undefined, 0, rows, undefined, dim);
  if (scale !== 1) for (let k = 0; k < g.length; k++) g[k]! *= scale;
  mirrorLower(g, dim);
  return g;
}
