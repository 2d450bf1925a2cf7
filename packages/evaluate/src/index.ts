/** @deeprec/evaluate: predictions and metrics from saved models -> eval artifacts; top-K recommendations. */
export { runEvaluate, writeEvaluate, rankingLine, type EvaluateInputs, type EvaluateOutput, type FoldInputs } from './run';
export {
  rankingRequest,
  resolveProtocol,
  checkProtocol,
  runRanking,
  rankFold,
  seenItems,
  NegativesIndex,
  SAMPLED_METRICS,
  type RankingRequest,
  type RankingProtocol,
  type RankingFoldInputs,
  type RankingOptions,
  type RankingOutput,
} from './ranking';
export { blockScorer, usersPerBlock } from './scoring';
export { networkItemVectors, similarItems, type SimilarItems } from './similar';
export { classicScorer, loadNetwork, loadScorer, networkScorer, type Scorer, type SplitReader } from './scorer';
export {
  recommendData,
  popularItems,
  recommend,
  recommendMany,
  loadRecommender,
  recommendForUser,
  userRecommendations,
  namedItems,
  recommendAll,
  writeRecommendations,
  type RecommendData,
  type TopK,
  type Recommender,
  type RecommendedItem,
  type UserRecommendations,
} from './recommend';
