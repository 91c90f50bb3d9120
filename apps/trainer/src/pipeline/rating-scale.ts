import type { RatingScale } from '@edgerec/core';
import { UserError } from '../user-error.js';

/** The ends of the rating scale the user set (--rating-min, --rating-max); the others are inferred from the data. */
export interface GivenScale {
  ratingMin?: number;
  ratingMax?: number;
}

/** A rating scale and what to tell the user about it. */
export interface ScaleChoice {
  scale: RatingScale;
  /** The `rating scale: …` progress line when an end was inferred, and warning lines for suspicious extremes. */
  notes: string[];
}

/** An extreme that holds fewer than this share of the rows, next to a value holding ≥ 10× as many, is suspect. */
const RARE_SHARE = 0.001;
const RARE_RATIO = 10;
/** An extreme as far from the next value as the values between the two ends span, holding at most this share (or one row), is suspect. */
const ISOLATED_SHARE = 0.01;

/** The recommend threshold a rating scale gets by default: 62.5% of the way up (3.5 on 1–5). */
export function defaultThreshold(scale: Pick<RatingScale, 'min' | 'max'>): number {
  return scale.min + 0.625 * (scale.max - scale.min);
}

/**
 * The scale training ratings are min-max scaled on: the given ends, else the lowest and highest
 * training rating. When an end is inferred the choice is reported, with a warning when that end
 * is a lone outlier (a typo such as one -3 among 1–5 stretches the scale and moves the threshold);
 * ratings outside given ends are counted too. An empty range is a UserError.
 */
export function chooseRatingScale(ratings: Float32Array, given: GivenScale, threshold?: number): ScaleChoice {
  const ends = extremes(ratings);
  const min = given.ratingMin ?? ends.low.value;
  const max = given.ratingMax ?? ends.high.value;
  if (!(min < max)) {
    throw new UserError(
      `cannot scale ratings: the range is empty (min ${min}, max ${max}); set --rating-min and --rating-max`,
    );
  }
  // Every head fits min-max-scaled [0, 1] targets (the L2 defaults are tuned on that scale).
  const scale: RatingScale = { min, max, targetMin: 0, targetMax: 1 };
  const inferMin = given.ratingMin === undefined;
  const inferMax = given.ratingMax === undefined;
  const notes: string[] = [];
  const shownThreshold = show(threshold ?? defaultThreshold(scale));
  if (inferMin || inferMax) {
    const source =
      inferMin && inferMax
        ? 'the lowest and highest training ratings'
        : inferMin
          ? 'the lowest training rating to --rating-max'
          : '--rating-min to the highest training rating';
    notes.push(
      `rating scale: ${show(min)} to ${show(max)} (${source}; --rating-min/--rating-max set it), recommend threshold ${shownThreshold}`,
    );
  }
  const inner = ends.high.next - ends.low.next;
  const comparable = ends.low.next !== ends.high.value; // at least three distinct values
  const suspects = [
    comparable && inferMin && isOutlier(ends.low, inner, ratings.length) ? ('low' as const) : undefined,
    comparable && inferMax && isOutlier(ends.high, inner, ratings.length) ? ('high' as const) : undefined,
  ].filter((side) => side !== undefined);
  if (suspects.length > 0) {
    const fixMin = inferMin ? (suspects.includes('low') ? ends.low.next : min) : undefined;
    const fixMax = inferMax ? (suspects.includes('high') ? ends.high.next : max) : undefined;
    const fix = [
      fixMin !== undefined ? `--rating-min ${show(fixMin)}` : '',
      fixMax !== undefined ? `--rating-max ${show(fixMax)}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    for (const side of suspects) {
      const end = side === 'low' ? ends.low : ends.high;
      notes.push(
        `warning: the ${side === 'low' ? 'lowest' : 'highest'} rating, ${show(end.value)}, is on ${end.count} of ${ratings.length} training rows ` +
          `(${percent(end.count / ratings.length)}), ${show(Math.abs(end.next - end.value))} ${side === 'low' ? 'below' : 'above'} the next ` +
          `(${show(end.next)}): it stretches the scale to ${show(min)} to ${show(max)} (recommend threshold ${shownThreshold}). ` +
          `If it is a mistake, fix or drop the row, or set the scale: ${fix}`,
      );
    }
  }
  if (!inferMin && !inferMax) {
    const outside = countOutside(ratings, min, max);
    if (outside > 0) {
      notes.push(
        `warning: ${outside} training ${outside === 1 ? 'rating lies' : 'ratings lie'} outside the scale --rating-min ${show(min)} --rating-max ${show(max)} (lowest ${show(ends.low.value)}, highest ${show(ends.high.value)})`,
      );
    }
  }
  return { scale, notes };
}

/** One end of the ratings: its value and row count, and the nearest other value inward with its count. */
interface Extreme {
  value: number;
  count: number;
  next: number;
  nextCount: number;
}

/**
 * Whether an end is a lone outlier: rare next to its neighbour, or few rows as far from their
 * neighbour as the values strictly inside the two ends span (`inner`), so two typos at both ends
 * do not hide each other.
 */
function isOutlier(end: Extreme, inner: number, rows: number): boolean {
  const rare = end.count < RARE_SHARE * rows && end.nextCount >= RARE_RATIO * end.count;
  const isolated = Math.abs(end.next - end.value) >= inner && end.count <= Math.max(1, ISOLATED_SHARE * rows);
  return rare || isolated;
}

/** The lowest and highest rating with their counts and inward neighbours, in three passes. */
function extremes(ratings: Float32Array): { low: Extreme; high: Extreme } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const r of ratings) {
    if (r < min) min = r;
    if (r > max) max = r;
  }
  let minCount = 0;
  let maxCount = 0;
  let above = max;
  let below = min;
  for (const r of ratings) {
    if (r === min) minCount++;
    else if (r < above) above = r;
    if (r === max) maxCount++;
    else if (r > below) below = r;
  }
  let aboveCount = 0;
  let belowCount = 0;
  for (const r of ratings) {
    if (r === above) aboveCount++;
    if (r === below) belowCount++;
  }
  return {
    low: { value: min, count: minCount, next: above, nextCount: aboveCount },
    high: { value: max, count: maxCount, next: below, nextCount: belowCount },
  };
}

/** Ratings below `min` or above `max`. */
function countOutside(ratings: Float32Array, min: number, max: number): number {
  let n = 0;
  for (const r of ratings) if (r < min || r > max) n++;
  return n;
}

/** A float32 rating without float noise (0.1, not 0.10000000149011612). */
function show(x: number): string {
  return String(Number(x.toPrecision(7)));
}

/** A share as a percentage with two significant digits. */
function percent(share: number): string {
  return `${Number((share * 100).toPrecision(2))}%`;
}
