/** Root mean squared error between predictions and actual values. */
export function rmse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  assertSameLength(predicted, actual);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = predicted[i]! - actual[i]!;
    sum += e * e;
  }
  return Math.sqrt(sum / actual.length);
}

/** Mean absolute error between predictions and actual values. */
export function mae(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  assertSameLength(predicted, actual);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(predicted[i]! - actual[i]!);
  return sum / actual.length;
}

function assertSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} predictions, ${b.length} actual values`);
  if (a.length === 0) throw new Error('no values to compare');
}
