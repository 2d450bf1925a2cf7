/** Top-K evaluation: selection, ranking metrics, evaluation protocols, significance tests. */
export { topK, ranksBefore, type ItemExclusion } from './topk';
export {
  RANKING_METRICS,
  type RankingMetric,
  metricKey,
  idealDcg,
  rankingMetricsForUser,
  auc,
  coverage,
  itemPopularity,
  novelty,
  type NoveltyOptions,
} from './metrics';
export {
  evaluateFullRanking,
  evaluateSampled,
  groupByUser,
  type RankingData,
  type FullRankingInput,
  type SampledInput,
  type RankingEvaluation,
  type FullRankingEvaluation,
} from './protocols';
export {
  pairedTTest,
  wilcoxonSignedRank,
  signedRankCounts,
  WILCOXON_EXACT_MAX_N,
  bootstrapMeanCI,
  bootstrapPairedDiffCI,
  quantileSorted,
  holmAdjust,
  compareModels,
  type PairedTTestResult,
  type WilcoxonResult,
  type BootstrapOptions,
  type BootstrapInterval,
  type ModelComparison,
  type CompareOptions,
  type ComparisonMatrix,
} from './significance';
export { logGamma, regularizedBeta, regularizedGammaP, regularizedGammaQ, erfc, normalCdf, normalTwoSidedP, studentTCdf, studentTTwoSidedP } from './distributions';
