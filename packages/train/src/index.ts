/** @deeprec/train: the seeded training loop, schedules, early stopping -> model artifacts. */
export { runTrain, writeTrain, trainSection, modelConfigOf, disposeModel, type TrainInputs, type TrainOutput } from './run';
export { fit, type FitResult, type FitOptions, type HistoryRow } from './loop';
export { matmulPeakGflops } from './kernels/module';
export { resolveEngine, type EngineChoice, type EngineName, type EngineRecord, type EngineSetting } from './engine';
export { LrSchedule, EarlyStopping } from './callbacks';
export { resolveLoss, LOSSES_FOR, type Loss, type Feedback } from './loss';
export { checkMonitor, rankingMonitor, type RankingMonitor } from './monitor';
export { NegativeSampler, type NegativeSampling } from './negatives';
export { createOptimizer, setLearningRate } from './optimizers';
export { runTrainClassic, type ClassicTrainInputs, type ClassicTrainOutput } from './classic';
export { checkObjective, rankingKey, runTrial, type TrialInputs, type TrialOutcome } from './trial';
export { configValues, requireSearch, samplerLoss, samplerSpace, selectTrial, trialHash, writeSelected, writeTrial, type TrialRequest } from './search';
