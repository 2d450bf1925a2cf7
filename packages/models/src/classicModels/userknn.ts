/**
 * userknn: user-based neighbourhood collaborative filtering.
 *
 * J. L. Herlocker, J. A. Konstan, A. Borchers, J. Riedl. An Algorithmic Framework for
 * Performing Collaborative Filtering. SIGIR 1999. Rating form: Y. Koren. Factor in the
 * Neighbors. ACM TKDD 4(1), 2010, section 2.2. Algorithm and saved layout: ../classic/knn.ts.
 */
import { knnFactory } from './knnFactory';

export const userknn = knnFactory(
  'userknn',
  'user',
  'Herlocker et al., An Algorithmic Framework for Performing Collaborative Filtering, SIGIR 1999, doi:10.1145/312624.312682; Koren, Factor in the Neighbors, ACM TKDD 4(1) 2010, doi:10.1145/1644873.1644874',
);
