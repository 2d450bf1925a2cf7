/** The model context from a data set's artifacts: sizes, training mean (0 for implicit data), encoded side features. */
import type { Columns, DataInfo } from '@deeprec/artifacts';
import type { ModelContext } from './contract';
import { encodeFeatures } from './features';

export function modelContext(
  info: DataInfo,
  seed: number,
  sideTables?: { users: Columns; items: Columns },
  itemCounts?: () => Int32Array,
  interactions?: () => { user: Int32Array; item: Int32Array },
): ModelContext {
  // implicit data: the output is a logit, and its bias starts at 0 (probability 1/2), not at the mean interaction (1)
  const trainMean = info.feedback === 'implicit' ? 0 : info.trainMean;
  const context: ModelContext = { numUsers: info.numUsers, numItems: info.numItems, trainMean, seed };
  if (itemCounts) context.itemCounts = itemCounts;
  if (interactions) context.interactions = interactions;
  if (sideTables) context.features = { users: encodeFeatures(sideTables.users), items: encodeFeatures(sideTables.items) };
  return context;
}
