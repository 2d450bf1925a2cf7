/**
 * Learning-rate schedules and early stopping as small state machines over the
 * per-epoch monitor value (lower is better, or higher for a ranking monitor such as
 * val_hr@10), kept apart from the loop so their rules can be tested epoch by epoch.
 */
import type { TrainConfig } from '@deeprec/config';

/** Whether a monitored value is better than the best so far by more than `delta`. */
function better(value: number, best: number, delta: number, higherIsBetter: boolean): boolean {
  return higherIsBetter ? value > best + delta : value < best - delta;
}

export class LrSchedule {
  private best: number;
  private wait = 0;
  rate: number;

  constructor(
    private readonly config: TrainConfig['lrSchedule'],
    initialRate: number,
    private readonly higherIsBetter = false,
  ) {
    this.rate = initialRate;
    this.best = higherIsBetter ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }

  /** Called after each epoch with the monitored value; returns the rate for the next epoch. */
  step(monitored: number): number {
    const { type, factor, patience, decayRate, minLearningRate } = this.config;
    if (type === 'exponential') {
      this.rate = Math.max(minLearningRate, this.rate * decayRate);
    } else if (type === 'plateau') {
      if (better(monitored, this.best, 0, this.higherIsBetter)) {
        this.best = monitored;
        this.wait = 0;
      } else {
        this.wait += 1;
        if (this.wait >= patience) {
          this.rate = Math.max(minLearningRate, this.rate * factor);
          this.wait = 0;
        }
      }
    }
    return this.rate;
  }
}

export class EarlyStopping {
  best: number;
  bestEpoch = 0;
  private wait = 0;

  constructor(
    private readonly config: TrainConfig['earlyStopping'],
    private readonly higherIsBetter = false,
  ) {
    this.best = higherIsBetter ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }

  /** Records an epoch; `improved` says whether its weights are the best so far. */
  update(epoch: number, monitored: number): { improved: boolean; stop: boolean } {
    const improved = better(monitored, this.best, this.config.minDelta, this.higherIsBetter) || (this.bestEpoch === 0 && Number.isFinite(monitored));
    if (improved) {
      this.best = monitored;
      this.bestEpoch = epoch;
      this.wait = 0;
    } else {
      this.wait += 1;
    }
    return { improved, stop: this.config.enabled && this.wait >= this.config.patience };
  }
}
