/**
 * A model's hyper-parameter search: the validation objective of each trial in the
 * order they ran with the running best, then one panel per searched parameter
 * (objective against value; log scale for loguniform parameters). Drawn from
 * search/<model>/selected/selected.json: validation figures only.
 */
import type { SelectedRecord } from '@deeprec/artifacts';
import type { ParamSpecInput } from '@deeprec/config';
import { CHART_CONFIG, SCHEMA, title, type VegaLiteSpec } from './common';

export interface TrialPoint {
  trial: number;
  value: number | null;
  best: number | null;
  selected: boolean;
  /** Parameter values as shown: numbers stay numbers, lists become text. */
  [param: string]: unknown;
}

/** Display form of a parameter value: integers as they are, other numbers to 4 significant digits, lists as '[64, 32]'. */
export function paramText(value: unknown): string | number {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(4));
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  return String(value);
}

/** One row per trial with the running best (null until a trial has a value). */
export function trialPoints(record: SelectedRecord): TrialPoint[] {
  let best: number | null = null;
  const better = (a: number, b: number) => (record.direction === 'minimize' ? a < b : a > b);
  return record.history.map((t) => {
    const value = Number.isFinite(t.value) ? t.value : null;
    if (value !== null && (best === null || better(value, best))) best = value;
    const point: TrialPoint = { trial: t.index, value, best, selected: t.index === record.selected };
    for (const [key, v] of Object.entries(t.params)) point[`p:${key}`] = paramText(v);
    return point;
  });
}

export function searchSpec(model: string, record: SelectedRecord, space: Record<string, ParamSpecInput>): VegaLiteSpec {
  const data = trialPoints(record).filter((p) => p.value !== null);
  const objective = record.objective;
  const y = { field: 'value', type: 'quantitative', title: objective, scale: { zero: false } } as const;
  const tooltip = [{ field: 'trial', type: 'quantitative', title: 'Trial' }, { field: 'value', type: 'quantitative', title: objective, format: '.4f' }, ...Object.keys(space).map((k) => ({ field: `p:${k}`, title: k }))];
  const progress = {
    width: 360,
    height: 200,
    title: `${objective} per trial (${record.direction === 'minimize' ? 'lower' : 'higher'} is better)`,
    layer: [
      { mark: { type: 'point', filled: true, size: 40, color: '#4c78a8' }, encoding: { x: { field: 'trial', type: 'quantitative', title: 'Trial (run order)', axis: { tickMinStep: 1, format: 'd' } }, y, tooltip } },
      { mark: { type: 'line', interpolate: 'step-after', color: '#e45756' }, encoding: { x: { field: 'trial', type: 'quantitative' }, y: { field: 'best', type: 'quantitative' } } },
      { transform: [{ filter: 'datum.selected' }], mark: { type: 'point', shape: 'diamond', size: 140, color: '#e45756', filled: true }, encoding: { x: { field: 'trial', type: 'quantitative' }, y } },
    ],
  };
  const panels = Object.entries(space).map(([key, spec]) => {
    const numeric = !('choice' in spec) || spec.choice.every((v) => typeof v === 'number');
    const x = numeric
      ? { field: `p:${key}`, type: 'quantitative', title: key, scale: 'loguniform' in spec ? { type: 'log' } : { zero: false } }
      : { field: `p:${key}`, type: 'nominal', title: key };
    return { width: 200, height: 160, mark: { type: 'point', filled: true, size: 40 }, encoding: { x, y, color: { field: 'selected', type: 'nominal', title: 'Selected', scale: { domain: [false, true], range: ['#4c78a8', '#e45756'] } }, tooltip } };
  });
  return {
    $schema: SCHEMA,
    title: title(`Search of ${model}`, `${record.trials} trials, ${record.algorithm}; selected trial ${record.selected}`),
    data: { values: data },
    config: CHART_CONFIG,
    vconcat: [progress, { columns: 3, concat: panels }],
  } as unknown as VegaLiteSpec;
}
