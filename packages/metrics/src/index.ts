/** @deeprec/metrics: Rating-error and ranking metrics, top-K selection, significance tests and the baselines every report compares with. */
export { mae, rmse } from './errorMetrics';
export { RANKING_METRICS, auc, checkKs, coverage, discount, idealDcg, itemPopularity, metricKey, novelty, rankingMetricsForUser, type NoveltyOptions, type RankingMetric } from './ranking';
export { isExcluded, ranksBefore, topK, type ItemExclusion } from './topk';
export { WILCOXON_EXACT_MAX_N, bootstrapMeanCI, bootstrapPairedDiffCI, compareModels, holmAdjust, pairedTTest, quantileSorted, signedRankCounts, wilcoxonSignedRank, type BootstrapInterval, type BootstrapOptions, type CompareOptions, type ComparisonMatrix, type ModelComparison, type PairedTTestResult, type WilcoxonResult } from './significance';
export { erfc, logGamma, normalCdf, normalTwoSidedP, regularizedBeta, regularizedGammaP, regularizedGammaQ, studentTCdf, studentTTwoSidedP } from './distributions';
export { evaluateFullRanking, evaluateSampled, groupByUser, type FullRankingEvaluation, type FullRankingInput, type RankingData, type RankingEvaluation, type SampledInput } from './protocols';
export { errorSummary, meanBaseline, ratingErrors, sampleStd, warmRatings, withoutRatingErrors, type FoldPredictions, type UserItemPairs } from './baselines';
export { BLOCK_PAIRS, blockScorer, usersPerBlock } from './blocks';
