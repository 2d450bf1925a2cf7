/**
 * Opens the written pages from disk in headless Chromium with the network cut,
 * and checks every chart is drawn with no request leaving the machine and no
 * console or page error. Needs /usr/bin/chromium (or DEEPREC_CHROMIUM): it fails,
 * never skips, when the browser is missing.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeSelectedRecord, type SelectedRecord } from '@deeprec/artifacts';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHART_KINDS, RANKING_CHART_KINDS, RATING_CHART_KINDS, experimentCharts } from './charts';
import { tempRoot, writeFixture, type Fixture } from './fixture.testutil';
import { writeRankingFixture } from './rankingFixture.testutil';
import { loadExperimentReportInput } from './load';
import { writeExperimentReport, writeIndexReport } from './write';

const CHROMIUM = process.env.DEEPREC_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Where the experiment page's screenshot goes, for a human to look at. */
const SCREENSHOT = process.env.DEEPREC_REPORT_SCREENSHOT ?? '/tmp/report.png';

/** What a page without ranking metrics can draw. */
const RATING_KINDS = CHART_KINDS.filter((k) => !RANKING_CHART_KINDS.includes(k));

let root: string;
let fixtures: Fixture[];
/** Top-K fixtures: implicit feedback (no rating error) and explicit ratings with ranking metrics. */
let implicit: Fixture;
let explicit: Fixture;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set DEEPREC_CHROMIUM to its path`);
  }
  root = tempRoot();
  fixtures = [
    writeFixture(root, { name: 'tiny' }),
    // No validation split, no baseline model, no cold-start rating: the pages' "nothing to show" paths.
    writeFixture(root, { name: 'second', title: 'Second experiment', testRatings: 250, epochs: 5, noValidation: true, deepOnly: true, noColdStart: true }),
    writeFixture(root, { name: 'kfold', folds: 3, testRatings: 200, epochs: 6 }),
  ];
  implicit = writeRankingFixture(root, { feedback: 'implicit' });
  explicit = writeRankingFixture(root, { feedback: 'explicit' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

interface Visit {
  aborted: string[];
  problems: string[];
  charts: Array<{ kind: string | null; svgs: number; marks: number }>;
  rendered: string | null;
}

/** Chart containers and what each drew. */
function drawn(page: Page): Promise<Visit['charts']> {
  return page.$$eval('[data-chart]', (els) =>
    els.map((el) => ({
      kind: el.getAttribute('data-chart'),
      svgs: el.querySelectorAll('svg').length,
      // Vega draws marks as <g class="mark-rect|mark-line|..."> groups of <path>/<rect>/<text>.
      marks: el.querySelectorAll('svg g[class^="mark-"] path, svg g[class^="mark-"] rect, svg g[class^="mark-"] line').length,
    })),
  );
}

/** Loads a page offline and reports what it fetched, what went wrong, and what it drew; `act` runs on the drawn page. */
async function visit(file: string, screenshot?: string, act?: (page: Page) => Promise<void>): Promise<Visit> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const aborted: string[] = [];
  const problems: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    aborted.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  try {
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-rendered="true"], body[data-rendered="error"]', { timeout: 60_000 });
    const rendered = await page.getAttribute('body', 'data-rendered');
    if (rendered === 'error') problems.push(`data-error: ${await page.getAttribute('body', 'data-error')}`);
    const charts = await drawn(page);
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    if (act) await act(page);
    return { aborted, problems, charts, rendered };
  } finally {
    await context.close();
  }
}

describe('written report pages in Chromium (offline)', () => {
  it('draws every chart of an experiment page without network or errors', async () => {
    const file = await writeExperimentReport(root, fixtures[0]!.config);
    expect(file).toBe(fixtures[0]!.catalogue.report().html);
    const xAxes: Record<string, number> = {};
    const result = await visit(file, SCREENSHOT, async (page) => {
      for (const kind of ['predicted-vs-actual', 'distribution']) {
        xAxes[kind] = await page.locator(`[data-chart="${kind}"] g.role-axis[aria-label^="X-axis"]`).count();
      }
    });
    expect(result.problems).toEqual([]);
    expect(result.aborted).toEqual([]);
    expect(result.rendered).toBe('true');
    // Baselines and cold-start ratings: every chart but the k-fold spread.
    expect(result.charts.map((c) => c.kind)).toEqual(RATING_KINDS.filter((k) => k !== 'folds'));
    for (const chart of result.charts) {
      expect({ kind: chart.kind, svg: chart.svgs >= 1, marks: chart.marks > 10 }).toEqual({ kind: chart.kind, svg: true, marks: true });
    }
    expect(existsSync(SCREENSHOT)).toBe(true);
    // One x axis per model panel (5 models, rows of 3): none drawn under the empty cell of the last row.
    const models = Object.keys(fixtures[0]!.config.models).length;
    expect(xAxes).toEqual({ 'predicted-vs-actual': models, distribution: models });
  });

  it('draws a page without validation split, baseline model or cold-start rating', async () => {
    const file = await writeExperimentReport(root, fixtures[1]!.config);
    const result = await visit(file);
    expect(result.problems).toEqual([]);
    expect(result.aborted).toEqual([]);
    expect(result.charts.map((c) => c.kind)).toEqual(RATING_KINDS.filter((k) => !['baselines', 'cold-start', 'folds'].includes(k)));
    expect(result.charts.every((c) => c.svgs >= 1 && c.marks > 5)).toBe(true);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('No baseline model in this experiment');
    expect(html).toContain('No cold-start test ratings');
  });

  it('draws a k-fold page: the spread over folds, and training curves one fold at a time', async () => {
    const f = fixtures[2]!;
    const expected = Object.keys(experimentCharts(loadExperimentReportInput(f.catalogue, f.config)));
    expect(expected).toEqual(RATING_KINDS);
    let before = '';
    let after = '';
    let redrawn: Visit['charts'] = [];
    const result = await visit(await writeExperimentReport(root, f.config), SCREENSHOT.replace(/(\.png)?$/, '-kfold.png'), async (page) => {
      const curves = page.locator('[data-chart="curves"]');
      before = await curves.locator('svg').innerHTML();
      // The fold menu vega-embed binds under the chart: picking fold 2 redraws fold 2's curves.
      await curves.locator('select').selectOption('2');
      await page.waitForFunction((old) => document.querySelector('[data-chart="curves"] svg')?.innerHTML !== old, before);
      after = await curves.locator('svg').innerHTML();
      redrawn = await drawn(page);
    });
    expect(result.problems).toEqual([]);
    expect(result.aborted).toEqual([]);
    expect(result.rendered).toBe('true');
    expect(result.charts.map((c) => c.kind)).toEqual(expected);
    for (const chart of result.charts) {
      expect({ kind: chart.kind, svg: chart.svgs >= 1, marks: chart.marks > 10 }).toEqual({ kind: chart.kind, svg: true, marks: true });
    }
    expect(after).not.toBe(before);
    expect(redrawn.find((c) => c.kind === 'curves')?.marks).toBeGreaterThan(10);
  });

  it('draws an implicit-feedback page: ranking charts, the comparison on ndcg@10, no rating charts; the matrix follows the metric menu', async () => {
    const file = await writeExperimentReport(root, implicit.config);
    let before = '';
    let after = '';
    const result = await visit(file, SCREENSHOT.replace(/(\.png)?$/, '-implicit.png'), async (page) => {
      const matrix = page.locator('[data-chart="significance"]');
      before = await matrix.locator('svg').innerHTML();
      await matrix.locator('select').selectOption('hr@5');
      await page.waitForFunction((old) => document.querySelector('[data-chart="significance"] svg')?.innerHTML !== old, before);
      after = await matrix.locator('svg').innerHTML();
    });
    expect(result.problems).toEqual([]);
    expect(result.aborted).toEqual([]);
    expect(result.rendered).toBe('true');
    expect(result.charts.map((c) => c.kind)).toEqual(CHART_KINDS.filter((k) => !RATING_CHART_KINDS.includes(k)));
    for (const chart of result.charts) {
      expect({ kind: chart.kind, svg: chart.svgs >= 1, marks: chart.marks > 5 }).toEqual({ kind: chart.kind, svg: true, marks: true });
    }
    expect(after).not.toBe(before);
    expect(after).toContain('hr@5');
  });

  it('draws an explicit page with ranking metrics: every chart but the k-fold spread', async () => {
    const file = await writeExperimentReport(root, explicit.config);
    const result = await visit(file, SCREENSHOT.replace(/(\.png)?$/, '-ranking.png'));
    expect(result.problems).toEqual([]);
    expect(result.aborted).toEqual([]);
    expect(result.rendered).toBe('true');
    expect(result.charts.map((c) => c.kind)).toEqual(CHART_KINDS.filter((k) => k !== 'folds'));
    for (const chart of result.charts) {
      expect({ kind: chart.kind, svg: chart.svgs >= 1, marks: chart.marks > 10 }).toEqual({ kind: chart.kind, svg: true, marks: true });
    }
  });

  it("draws each searched model's search and the equal-budget line", async () => {
    const fixture = fixtures[0]!;
    const search = { space: { embeddingDim: { choice: [4, 8, 16] }, l2: { loguniform: [0.001, 1] as [number, number] } } };
    const config = { ...fixture.config, models: { ...fixture.config.models, mf: { ...fixture.config.models.mf!, search } } } as typeof fixture.config;
    const params = (k: number) => ({ embeddingDim: [4, 8, 16][k % 3], l2: 0.001 * 10 ** (k % 4) });
    const history = Array.from({ length: 6 }, (_, k) => ({ index: k, params: params(k), value: 0.95 - 0.01 * ((k * 7) % 5), trainSeconds: 1.5 }));
    const record: SelectedRecord = { experiment: config.name, model: 'mf', algorithm: 'tpe', objective: 'val_rmse', direction: 'minimize', trials: 6, trainSeconds: 9, selected: 2, params: params(2), value: 0.91, history };
    const paths = fixture.catalogue.search('mf').selected;
    mkdirSync(paths.dir, { recursive: true });
    writeSelectedRecord(paths.json, record);
    try {
      const file = await writeExperimentReport(root, config);
      const result = await visit(file);
      expect(result.problems).toEqual([]);
      const chart = result.charts.find((c) => c.kind === 'search-mf');
      expect(chart?.svgs).toBe(1);
      expect(chart?.marks).toBeGreaterThan(6);
      const html = readFileSync(file, 'utf8');
      expect(html).toContain('<strong>Equal budget:</strong> every searched model ran 6 trials');
      expect(html).toMatch(/selected trial 2 \(0\.9100\)/);
    } finally {
      rmSync(fixture.catalogue.search('mf').dir, { recursive: true, force: true });
    }
  });

  it('draws the index page, whose links reach the experiment pages', async () => {
    const all = [...fixtures, implicit, explicit];
    for (const f of all) await writeExperimentReport(root, f.config);
    const file = await writeIndexReport(
      root,
      all.map((f) => f.config),
    );
    const result = await visit(file);
    expect(result.problems).toEqual([]);
    expect(result.aborted).toEqual([]);
    expect(result.charts).toEqual([{ kind: 'experiments', svgs: 1, marks: expect.any(Number) }]);
    expect(result.charts[0]!.marks).toBeGreaterThan(10);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('Ranking (primary)');
    for (const f of all) {
      const href = `../${f.config.name}/report/index.html`;
      expect(html).toContain(`href="${href}"`);
      expect(existsSync(new URL(href, pathToFileURL(file)))).toBe(true);
    }
  });

  it('flags a failing chart on the page instead of staying blank', async () => {
    const file = await writeExperimentReport(root, fixtures[1]!.config);
    // Corrupt one spec in place: the page must report the failure, not hang.
    const html = readFileSync(file, 'utf8').replace('"hconcat":', '"hconcat":5,"x":');
    const broken = file.replace(/index\.html$/, 'broken.html');
    writeFileSync(broken, html);
    const result = await visit(broken);
    expect(result.rendered).toBe('error');
    expect(result.aborted).toEqual([]);
  });
});
