import type { Confidence } from './confidence.js';

/**
 * What the closed-form iALS fold-in of a new user needs besides the item table: the training
 * objective's w0, λ, ν and confidence map, and the item table's Gramian QᵀQ.
 */
export interface InteractionFoldIn {
  readonly method: 'ials';
  readonly unobservedWeight: number;
  readonly l2: number;
  readonly regExponent: number;
  readonly confidence: Confidence;
  /** QᵀQ of the item factor table as stored (dim × dim, row-major, both triangles). */
  readonly gramian: Float64Array;
}
