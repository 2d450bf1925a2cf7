/** @deeprec/evaluate: predictions and metrics from saved models -> eval artifacts. */
export { runEvaluate, writeEvaluate, loadNetwork, rankingLine, type EvaluateInputs, type EvaluateOutput, type FoldInputs } from './run';
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
export { scoreUsersAllItems, blockScorer, usersPerBlock } from './scoring';
