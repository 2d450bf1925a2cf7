/**
 * (e) Architecture comparison: size (parameters, layers) next to cost (training
 * time, throughput), one small bar chart per measure because their units differ
 * by orders of magnitude.
 */
import type { ExperimentReportInput } from '../types';
import { CHART_CONFIG, SCHEMA, modelColourScale, title, type VegaLiteSpec } from './common';

export interface ArchitectureRow {
  model: string;
  type: string;
  params: number;
  layers: number;
  trainSeconds: number;
  trainSamplesPerSecond: number;
  epochs: number;
}

type Measure = Exclude<keyof ArchitectureRow, 'model' | 'type' | 'epochs'>;

const MEASURES: ReadonlyArray<{ field: Measure; title: string; format: string }> = [
  { field: 'params', title: 'Trainable parameters', format: ',d' },
  { field: 'layers', title: 'Layers (dense + embedding)', format: 'd' },
  { field: 'trainSeconds', title: 'Training time (s, loop only)', format: ',.1f' },
  { field: 'trainSamplesPerSecond', title: 'Training samples / second', format: ',.0f' },
];

/** One row per model; train's own record (models/<m>/manifest.json details) is the source. */
export function architectureData(input: ExperimentReportInput): ArchitectureRow[] {
  return input.models.map((m) => ({
    model: m.name,
    type: m.type,
    params: m.train.params,
    layers: m.train.layers,
    trainSeconds: m.train.trainSeconds,
    trainSamplesPerSecond: m.train.trainSamplesPerSecond,
    epochs: m.train.epochs,
  }));
}

export function architectureSpec(input: ExperimentReportInput): VegaLiteSpec {
  const models = input.models.map((m) => m.name);
  const tooltip = [
    { field: 'model', type: 'nominal', title: 'Model' },
    { field: 'type', type: 'nominal', title: 'Type' },
    ...MEASURES.map((m) => ({ field: m.field, type: 'quantitative', title: m.title, format: m.format }) as const),
    { field: 'epochs', type: 'quantitative', title: 'Epochs run' },
  ] as const;
  return {
    $schema: SCHEMA,
    title: title('Architecture and training cost', 'Size of each network and what it cost to train'),
    data: { values: architectureData(input) },
    config: CHART_CONFIG,
    columns: 2,
    concat: MEASURES.map((measure) => ({
      width: 300,
      height: { step: 22 },
      layer: [
        {
          mark: { type: 'bar', cornerRadiusEnd: 2 },
          encoding: {
            y: { field: 'model', type: 'nominal', title: 'Model', sort: models },
            x: { field: measure.field, type: 'quantitative', title: measure.title, axis: { format: measure.format.replace(',d', '~s') } },
            color: { field: 'model', type: 'nominal', title: 'Model', scale: modelColourScale(models), legend: null },
            tooltip: [...tooltip],
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: '#333' },
          encoding: {
            y: { field: 'model', type: 'nominal', sort: models },
            x: { field: measure.field, type: 'quantitative' },
            text: { field: measure.field, type: 'quantitative', format: measure.format },
          },
        },
      ],
    })),
  };
}
