/** Rating-prediction error metrics. Empty inputs give NaN rather than a misleading 0. */

export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkLengths(actual, predicted);
  let sum = 0;
  for (let i = 0; i < actual.length; i += 1) {
    const d = (actual[i] as number) - (predicted[i] as number);
    sum += d * d;
  }
  return actual.length === 0 ? Number.NaN : Math.sqrt(sum / actual.length);
}

export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkLengths(actual, predicted);
  let sum = 0;
  for (let i = 0; i < actual.length; i += 1) sum += Math.abs((actual[i] as number) - (predicted[i] as number));
  return actual.length === 0 ? Number.NaN : sum / actual.length;
}

function checkLengths(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`metrics: expected equal lengths, found ${a.length} actual and ${b.length} predicted`);
}
