/** How an interaction's weight becomes its confidence c in the iALS loss c·(1 − ŷ)². */
export const CONFIDENCE_MODES = ['binary', 'linear', 'log'] as const;

/** One of {@link CONFIDENCE_MODES}. */
export type ConfidenceMode = (typeof CONFIDENCE_MODES)[number];

/**
 * The weight → confidence map (Hu, Koren & Volinsky 2008, §4): 'binary' c = 1 whatever the
 * weight; 'linear' c = 1 + α·w; 'log' c = 1 + α·ln(1 + w).
 */
export interface Confidence {
  readonly mode: ConfidenceMode;
  readonly alpha: number;
}

/** Every observed pair counts once, whatever its weight (the right map for ratings read as interactions). */
export const BINARY_CONFIDENCE: Confidence = { mode: 'binary', alpha: 0 };

/** The confidence of one observed (user, item) pair with summed weight `weight` (> 0). */
export function confidenceOf(confidence: Confidence, weight: number): number {
  switch (confidence.mode) {
    case 'binary':
      return 1;
    case 'linear':
      return 1 + confidence.alpha * weight;
    case 'log':
      return 1 + confidence.alpha * Math.log1p(weight);
  }
}

/** Throws a RangeError unless the map is one of the modes with a finite α ≥ 0. */
export function assertValidConfidence(confidence: Confidence): void {
  if (!(CONFIDENCE_MODES as readonly string[]).includes(confidence.mode)) {
    throw new RangeError(
      `confidence mode must be one of ${CONFIDENCE_MODES.join(', ')}, got ${String(confidence.mode)}`,
    );
  }
  if (!(Number.isFinite(confidence.alpha) && confidence.alpha >= 0)) {
    throw new RangeError(`confidence alpha must be a finite number ≥ 0, got ${confidence.alpha}`);
  }
}
