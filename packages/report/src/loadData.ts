/**
 * The data side of the report: rating histograms and item popularity of the training
 * split (fold 1 for k-fold). The train-mean baseline is not computed here: it is
 * metrics.json `meanBaseline`, computed by evaluate (see load.ts).
 */
import type { Dataset } from '@deeprec/artifacts';
import { longTail } from './popularity';
import { histogram, ratingStep } from './stats';
import type { ExperimentReportInput } from './types';

/** Histograms and long tail of an opened dataset; `step` is the rating granularity used everywhere. */
export function loadData(dataset: Dataset, provenance: ExperimentReportInput['data']['provenance']): { data: ExperimentReportInput['data']; step: number } {
  const { info } = dataset;
  const { invalidRows } = dataset.manifest.details;
  const train = dataset.ratings('train', 0);
  const test = dataset.ratings('test', 0);
  const step = ratingStep([train.rating, test.rating], info.scale.min);
  return {
    data: {
      info,
      train: histogram(train.rating, info.scale, step),
      test: histogram(test.rating, info.scale, step),
      longTail: longTail(train.item, info.numItems),
      provenance,
      ...(invalidRows ? { invalidRows } : {}),
    },
    step,
  };
}
