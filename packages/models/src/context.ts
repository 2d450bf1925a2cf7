/** The model context from a data set's artifacts: sizes, training mean, encoded side features. */
import type { DataInfo, Columns } from '@deeprec/core';
import type { ModelContext } from './contract';
import { encodeFeatures } from './features';

export function modelContext(info: DataInfo, seed: number, sideTables?: { users: Columns; items: Columns }): ModelContext {
  const context: ModelContext = { numUsers: info.numUsers, numItems: info.numItems, trainMean: info.trainMean, seed };
  if (sideTables) context.features = { users: encodeFeatures(sideTables.users), items: encodeFeatures(sideTables.items) };
  return context;
}
