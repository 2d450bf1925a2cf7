/**
 * Opens the written pages from disk in headless Chromium with the network cut,
 * and checks every chart is drawn with no request leaving the machine and no
 * console or page error. Needs /usr/bin/chromium (or DEEPREC_CHROMIUM): it fails,
 * never skips, when the browser is missing.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { CHART_KINDS } from './charts';
import { tempRoot, writeFixture, type Fixture } from './fixture.testutil';
import { writeExperimentReport, writeIndexReport } from './write';

const CHROMIUM = process.env.DEEPREC_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Where the experiment page's screenshot goes, for a human to look at. */
const SCREENSHOT = process.env.DEEPREC_REPORT_SCREENSHOT ?? '/tmp/report.png';

let root: string;
let fixtures: Fixture[];
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set DEEPREC_CHROMIUM to its path`);
  }
  root = tempRoot();
  fixtures = [writeFixture(root, { name: 'tiny' }), writeFixture(root, { name: 'second', title: 'Second experiment', testRatings: 250, epochs: 5, noValidation: true })];
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

/** Loads a page offline and reports what it fetched, what went wrong, and what it drew. */
async function visit(file: string, screenshot?: string): Promise<Visit> {
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
    const charts = await page.$$eval('[data-chart]', (els) =>
      els.map((el) => ({
        kind: el.getAttribute('data-chart'),
        svgs: el.querySelectorAll('svg').length,
        // Vega draws marks as <g class="mark-rect|mark-line|..."> groups of <path>/<rect>/<text>.
        marks: el.querySelectorAll('svg g[class^="mark-"] path, svg g[class^="mark-"] rect, svg g[class^="mark-"] line').length,
      })),
    );
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return { aborted, problems, charts, rendered };
  } finally {
    await context.close();
  }
}

describe('written report pages in Chromium (offline)', () => {
  it('draws every chart of an experiment page without network or errors', async () => {
    const file = await writeExperimentReport(root, fixtures[0]!.config);
    expect(file).toBe(fixtures[0]!.catalogue.report().html);
    const result = await visit(file, SCREENSHOT);
    expect(result.problems).toEqual([]);
    expect(result.aborted).toEqual([]);
    expect(result.rendered).toBe('true');
    expect(result.charts.map((c) => c.kind).sort()).toEqual([...CHART_KINDS].sort());
    for (const chart of result.charts) {
      expect({ kind: chart.kind, svg: chart.svgs >= 1, marks: chart.marks > 10 }).toEqual({ kind: chart.kind, svg: true, marks: true });
    }
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('draws a page whose models trained without a validation split', async () => {
    const result = await visit(await writeExperimentReport(root, fixtures[1]!.config));
    expect(result.problems).toEqual([]);
    expect(result.aborted).toEqual([]);
    expect(result.charts.every((c) => c.svgs >= 1 && c.marks > 5)).toBe(true);
  });

  it('draws the index page, whose links reach the experiment pages', async () => {
    for (const f of fixtures) await writeExperimentReport(root, f.config);
    const file = await writeIndexReport(
      root,
      fixtures.map((f) => f.config),
    );
    const result = await visit(file);
    expect(result.problems).toEqual([]);
    expect(result.aborted).toEqual([]);
    expect(result.charts).toEqual([{ kind: 'experiments', svgs: 1, marks: expect.any(Number) }]);
    expect(result.charts[0]!.marks).toBeGreaterThan(10);
    const html = readFileSync(file, 'utf8');
    for (const f of fixtures) {
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
