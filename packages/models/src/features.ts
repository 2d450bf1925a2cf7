/**
 * Side features as model inputs. Each attribute column of users.arrow / items.arrow
 * becomes a field: a one-hot block (a category, or a quantile bucket of a number) or a
 * multi-hot block ('|'-separated lists such as genres). Blocks live in the saved
 * network as frozen lookup tables, so the network still takes only (user, item)
 * and a saved model carries everything it needs to score.
 */
import type { Columns } from '@deeprec/artifacts';

export interface FeatureField {
  /** Column name, e.g. occupation or genres. */
  name: string;
  kind: 'category' | 'multi' | 'bucket';
  /** Labels of the block's columns (category values or bucket ranges). */
  labels: string[];
  /** rows x labels.length, row-major. */
  values: Float32Array;
}

/** Columns that identify rather than describe, and free text, are not features. */
const SKIPPED = new Set(['user', 'item', 'id', 'title']);
/** A text column with more distinct values than this is an identifier or free text. */
const MAX_CATEGORIES = 200;
const BUCKETS = 8;

function categoryField(name: string, values: string[]): FeatureField | null {
  const multi = values.some((v) => v.includes('|'));
  const tokensOf = (v: string) => (v === '' ? [] : multi ? v.split('|').filter((t) => t !== '') : [v]);
  const vocabulary = [...new Set(values.flatMap(tokensOf))].sort();
  if (vocabulary.length < 2 || vocabulary.length > MAX_CATEGORIES) return null;
  const index = new Map(vocabulary.map((t, i) => [t, i]));
  const out = new Float32Array(values.length * vocabulary.length);
  values.forEach((v, row) => {
    for (const token of tokensOf(v)) out[row * vocabulary.length + (index.get(token) as number)] = 1;
  });
  return { name, kind: multi ? 'multi' : 'category', labels: vocabulary, values: out };
}

/** Quantile buckets: robust to scale and outliers, and what a wide (linear) part can use. */
function bucketField(name: string, values: ArrayLike<number>): FeatureField | null {
  const finite = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  const edges: number[] = [];
  for (let b = 1; b < BUCKETS; b += 1) {
    const edge = finite[Math.floor((b * finite.length) / BUCKETS)] as number;
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  const lowest = finite[0] as number;
  if (edges.length === 0 || (edges.length === 1 && edges[0] === lowest)) return null;
  const labels = [`< ${edges[0]}`, ...edges.map((e, i) => (i + 1 < edges.length ? `${e} to < ${edges[i + 1]}` : `>= ${e}`))];
  const out = new Float32Array(values.length * labels.length);
  for (let row = 0; row < values.length; row += 1) {
    const v = values[row] as number;
    if (!Number.isFinite(v)) continue;
    let bucket = 0;
    while (bucket < edges.length && v >= (edges[bucket] as number)) bucket += 1;
    out[row * labels.length + bucket] = 1;
  }
  return { name, kind: 'bucket', labels, values: out };
}

/** Encodes the attribute columns of users.arrow or items.arrow (one row per dense index). */
export function encodeFeatures(columns: Columns): FeatureField[] {
  const fields: FeatureField[] = [];
  for (const [name, column] of Object.entries(columns)) {
    if (SKIPPED.has(name)) continue;
    const field = Array.isArray(column)
      ? categoryField(name, column)
      : column instanceof BigInt64Array
        ? bucketField(name, Array.from(column, Number))
        : bucketField(name, column);
    if (field) fields.push(field);
  }
  return fields;
}
