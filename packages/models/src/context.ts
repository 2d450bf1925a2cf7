/** The model context from a data set's artifacts: sizes, training mean, encoded side features. */
import type { Columns, DataInfo, Ratings } from '@deeprec/core';
import type { ModelContext } from './contract';
import { encodeFeatures } from './features';

export function modelContext(info: DataInfo, seed: number, sideTables?: { users: Columns; items: Columns }, train?: Ratings): ModelContext {
  const context: ModelContext = { numUsers: info.numUsers, numItems: info.numItems, trainMean: info.trainMean, seed };
  if (train) {
    const counts = new Int32Array(info.numItems);
    for (const item of train.item) counts[item] = (counts[item] as number) + 1;
    context.itemCounts = counts;
  }
  if (sideTables) context.features = { users: encodeFeatures(sideTables.users), items: encodeFeatures(sideTables.items) };
  return context;
}
