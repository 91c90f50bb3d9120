/**
 * What a model head was trained to predict: 'rating' (how much a user would like an item, on the
 * rating scale) or 'interaction' (whether a user would pick the item at all: a ranking score).
 */
export const OBJECTIVES = ['rating', 'interaction'] as const;

/** One of {@link OBJECTIVES}. */
export type Objective = (typeof OBJECTIVES)[number];
