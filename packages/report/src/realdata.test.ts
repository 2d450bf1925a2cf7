/**
 * The real-data parts of the report on a single split: item popularity, the
 * training-mean predictor, baselines vs deep models, cold start, and the data
 * section; plus the "nothing to show" lines of an experiment without baselines
 * or cold-start ratings.
 */
import { rmSync } from 'node:fs';
import { baselinesData, baselinesSpec, coldStartData, coldStartSpec, experimentCharts, foldsSpec, longTailSpec, ratingHistogramData } from './charts';
import { TRAIN_MEAN, modelGroup, versusBaseline } from './compare';
import { loadFixture as loadInput, tempRoot, writeFixture } from './fixture.testutil';
import { gini, itemCounts, longTail } from './popularity';
import { renderExperimentReport } from './run';
import { share } from './sections/data';
import type { ExperimentReportInput } from './types';

let root: string;
let input: ExperimentReportInput;
let bare: ExperimentReportInput;

beforeAll(() => {
  root = tempRoot();
  input = loadInput(writeFixture(root, { name: 'tiny' }));
  bare = loadInput(writeFixture(root, { name: 'bare', deepOnly: true, noColdStart: true }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('item popularity', () => {
  it('counts, ranks and accumulates ratings per item', () => {
    expect(Array.from(itemCounts([0, 2, 2, 7, -1], 3))).toEqual([1, 0, 2]);
    const lt = longTail([0, 0, 0, 0, 0, 0, 1, 1, 1, 2], 4);
    expect(lt).toMatchObject({ items: 4, ratings: 10, unrated: 1, top20: 0.6 });
    expect(lt.points.map((p) => [p.rank, p.count, p.ratingShare])).toEqual([
      [1, 6, 0.6],
      [2, 3, 0.9],
      [3, 1, 1],
      [4, 0, 1],
    ]);
    // The short head: the single most-rated item already holds half the ratings.
    expect(lt.head).toEqual({ items: 1, itemShare: 0.25, ratingShare: 0.6 });
  });

  it('Gini: 0 when every item is rated alike, near 1 when one item has them all', () => {
    expect(gini([5, 5, 5])).toBe(0);
    expect(gini([0, 0, 0, 10])).toBeCloseTo(0.75);
    expect(gini([])).toBe(0);
  });

  it('thins a large catalogue to a few hundred points, keeping the ends and the head boundary', () => {
    const items = Array.from({ length: 40_000 }, (_, i) => Math.floor(5000 * ((i * 7919) % 40_000) ** 3 / 40_000 ** 3));
    const lt = longTail(items, 6000);
    expect(lt.points.length).toBeLessThan(650);
    const ranks = lt.points.map((p) => p.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBe(ranks.length);
    expect(ranks).toEqual(expect.arrayContaining([1, 6000, lt.head.items, lt.items - lt.unrated]));
    expect(lt.unrated).toBeGreaterThanOrEqual(1000);
    expect(lt.points.at(-1)?.ratingShare).toBeCloseTo(1);
    expect(lt.head.ratingShare).toBeGreaterThanOrEqual(0.5);
  });
});

describe('training-mean predictor', () => {
  it('is metrics.json meanBaseline, split into warm and cold start like the data manifest counts them', () => {
    expect(input.baseline.coldStart.warm.count + input.baseline.coldStart.cold.count).toBe(input.data.info.counts.test);
    expect(input.baseline.coldStart.cold.count).toBe(input.data.info.coldStart.ratings);
    expect(input.baseline.folds).toBeUndefined();
  });
});

describe('baselines vs deep models', () => {
  it('classifies model types', () => {
    expect(['baseline', 'mf', 'ncf', 'widedeep', 'neumf'].map(modelGroup)).toEqual(['baseline', 'baseline', 'deep', 'deep', 'deep']);
  });

  it('measures every model and the train mean against the best baseline, best first', () => {
    const { best, rows } = versusBaseline(input);
    const baselines = input.models.filter((m) => m.type === 'baseline' || m.type === 'mf');
    expect(best?.metrics.rmse).toBe(Math.min(...baselines.map((m) => m.metrics.rmse)));
    expect(rows.map((x) => x.model).sort()).toEqual([...input.models.map((m) => m.name), TRAIN_MEAN].sort());
    expect(rows.map((x) => x.rmse)).toEqual([...rows.map((x) => x.rmse)].sort((a, b) => a - b));
    expect(rows.filter((x) => x.bestBaseline).map((x) => x.model)).toEqual([best!.name]);
    for (const x of rows) {
      expect(x.rmseDelta).toBeCloseTo(x.rmse - best!.metrics.rmse, 12);
      expect(x.rmseRelative).toBeCloseTo(x.rmse / best!.metrics.rmse - 1, 12);
    }
    const neumf = baselinesData(input).find((x) => x.model === 'neumf')!;
    expect(neumf.label).toMatch(/^[−+]\d+\.\d% \([−+]0\.\d{4}\) vs /);
    expect(neumf.low).toBeNull();
  });

  it('has no chart without a baseline model; the page says so in one line', () => {
    expect(versusBaseline(bare)).toEqual({ best: null, rows: [] });
    expect(baselinesSpec(bare)).toBeNull();
    expect(renderExperimentReport(bare)).toContain('No baseline model in this experiment');
  });
});

describe('cold start', () => {
  it('gives warm and cold errors of every model and of the train mean', () => {
    const rows = coldStartData(input);
    expect(new Set(rows.map((x) => x.model))).toEqual(new Set([...input.models.map((m) => m.name), TRAIN_MEAN]));
    for (const m of input.models) {
      expect(rows.find((x) => x.model === m.name && x.segment === 'cold')).toMatchObject(m.metrics.coldStart.cold);
      expect(rows.find((x) => x.model === m.name && x.segment === 'warm')?.count).toBe(m.metrics.coldStart.warm.count);
    }
    expect(coldStartSpec(input)).not.toBeNull();
  });

  it('has no chart without cold-start ratings; the page says so in one line', () => {
    expect(coldStartData(bare).every((x) => x.segment === 'warm')).toBe(true);
    expect(coldStartSpec(bare)).toBeNull();
    expect(renderExperimentReport(bare)).toContain('No cold-start test ratings');
    expect(Object.keys(experimentCharts(bare))).not.toEqual(expect.arrayContaining(['baselines']));
  });
});

describe('data section', () => {
  it('histograms train and test as shares of each split', () => {
    const rows = ratingHistogramData(input);
    expect(rows.filter((x) => x.split === 'train').reduce((s, x) => s + x.count, 0)).toBe(input.data.info.counts.train);
    expect(rows.filter((x) => x.split === 'test').reduce((s, x) => s + x.share, 0)).toBeCloseTo(1);
  });

  it('draws the long tail from the training ratings and marks the short head', () => {
    const { longTail: lt } = input.data;
    expect(lt.ratings).toBe(input.data.info.counts.train);
    expect(lt.unrated).toBe(2); // the fixture's two cold items
    const spec = JSON.stringify(longTailSpec(input));
    expect(spec).toContain('"type":"log"');
    expect(spec).toContain(`short head: ${lt.head.items} items`);
    expect(foldsSpec(input)).toBeNull();
  });

  it('states source, split, size, density, scale, importer stats and cold start', () => {
    const page = renderExperimentReport(input);
    const { info } = input.data;
    const total = info.counts.train + info.counts.valid + info.counts.test;
    expect(page).toContain('<section id="data">');
    expect(page).toContain(`${share(total / (info.numUsers * info.numItems))} of all user–item pairs are rated`);
    expect(page).toContain('2,040 rows read · 3 duplicate (user, item) pairs merged');
    expect(page).toContain('1 to 5 in steps of 1');
    expect(page).toContain('Short head');
    expect(page).toContain(`${info.coldStart.ratings} (${share(info.coldStart.ratings / info.counts.test)})`);
    // A single split: a cold-start RMSE column, no sd columns.
    expect(page).toContain('<th class="num">Cold-start RMSE</th>');
    expect(page).not.toContain('RMSE sd');
    expect(share(0.0631)).toBe('6.3%');
    expect(share(0.00012)).toBe('0.012%');
  });
});
