import type { Ratings } from '@deeprec/core';

/** Ratings with dense indices plus the raw ids behind them, before the split. */
export interface RawRatings {
  ratings: Ratings;
  userIds: string[];
  itemIds: string[];
  scale: { min: number; max: number };
}

export interface SplitRatings {
  train: Ratings;
  valid: Ratings;
  test: Ratings;
}
