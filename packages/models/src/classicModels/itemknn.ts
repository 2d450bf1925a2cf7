/**
 * itemknn: item-based neighbourhood collaborative filtering.
 *
 * B. Sarwar, G. Karypis, J. Konstan, J. Riedl. Item-Based Collaborative Filtering
 * Recommendation Algorithms. WWW 2001. Rating form: Y. Koren. Factor in the Neighbors.
 * ACM TKDD 4(1), 2010, section 2.2. Algorithm and saved layout: ../classic/knn.ts.
 */
import { knnFactory } from './knnFactory';

export const itemknn = knnFactory(
  'itemknn',
  'item',
  'Sarwar et al., Item-Based Collaborative Filtering Recommendation Algorithms, WWW 2001, doi:10.1145/371920.372071; Koren, Factor in the Neighbors, ACM TKDD 4(1) 2010, doi:10.1145/1644873.1644874',
);
