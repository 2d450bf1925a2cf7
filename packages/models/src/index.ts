/** @deeprec/models: one file per model, a typed registry, and the model contract. */
export { modelParams, trainableParams, type ModelContext, type ItemTableSpec, type ItemTablesCombine, type ModelFactory, type RecModel, type TrainingPass, type WholeVectorTraining, type WholeVectorStage } from './contract';
export { pairsFromRows, storedValues, type ClassicContext, type ClassicFactory, type FittedClassic } from './classicContract';
export { type SavedColumns } from './classic/columns';
export { type ItemRepresentation } from './itemRepresentation';
export { modelContext } from './context';
export { MODEL_REGISTRY, buildModel, classicFactory, isClassic, isNetworkConfig, itemTablesOf, type ModelRegistry } from './registry';
export { ncf } from './ncf';
export { widedeep } from './widedeep';
export { neumf } from './neumf';
export { baseline } from './baseline';
export { mf } from './mf';
export { encodeFeatures, type FeatureField } from './features';
export { popularity } from './popularity';
export { lightgcn } from './lightgcn';
export { autorec } from './autorec';
export { glocalk } from './glocalk';
export { multdae } from './multdae';
export { multvae } from './multvae';
export { denseRows, sparseRows, type SparseRows } from './wholeVector';
export { propagate, propagationGraph, type PropagationGraph } from './lightgcnGraph';
export { type EmbedOverride, type ForwardOptions } from './pass';
export { type KernelPlan } from './kernelPlan';
export { dropoutMask } from './fusedTower';
export { type Csr, type Interactions, buildCsr, checkInteractions } from './classic/sparse';
export {
  IALS_DEFAULTS,
  type FittedIals,
  type IalsMeta,
  type IalsOptions,
  fitIals,
  ialsFromColumns,
  ialsInitialFactors,
  ialsToColumns,
  scoreIals,
} from './classic/ials';
export {
  PURESVD_DEFAULTS,
  type FittedPureSvd,
  type PureSvdMeta,
  type PureSvdOptions,
  fitPureSvd,
  puresvdFromColumns,
  puresvdToColumns,
  scorePureSvd,
} from './classic/puresvd';
export {
  SVDPP_DEFAULTS,
  type FittedSvdpp,
  type SvdppInit,
  type SvdppMeta,
  type SvdppOptions,
  fitSvdpp,
  scorePairsSvdpp,
  scoreSvdpp,
  svdppEffectiveFactors,
  svdppEpochOrder,
  svdppFromColumns,
  svdppInitialFactors,
  svdppToColumns,
} from './classic/svdpp';
export { type LatentFactors } from './classic/latent';
export {
  KNN_DEFAULTS,
  KNN_SIMILARITIES,
  type FittedKnn,
  type KnnKind,
  type KnnMeta,
  type KnnOptions,
  type KnnSimilarity,
  fitItemKnn,
  fitUserKnn,
  knnFromColumns,
  knnToColumns,
} from './classic/knn';
export { scoreItemKnn, scorePairsItemKnn, scorePairsUserKnn, scoreUserKnn } from './classic/knnScore';
export { type RankedRows } from './classic/topk';
export { type NormScope } from './classic/similarity';
export {
  RP3BETA_DEFAULTS,
  type FittedRp3beta,
  type Rp3betaMeta,
  type Rp3betaOptions,
  fitRp3beta,
  rp3betaFromColumns,
  rp3betaToColumns,
  scoreRp3beta,
} from './classic/rp3beta';
export {
  EASE_DEFAULTS,
  type EaseMeta,
  type EaseOptions,
  type EaseSolver,
  type FittedEase,
  easeFitBytes,
  easeFromColumns,
  easeToColumns,
  fitEase,
  scoreEase,
} from './classic/ease';
