import { rmSync } from 'node:fs';
import { CHART_KINDS, RANKING_CHART_KINDS } from './charts';
import { tempRoot, writeFixture, type Fixture } from './fixture.testutil';
import { loadExperimentReportInput } from './load';
import { renderExperimentReport, renderIndexReport } from './run';
import type { ExperimentReportInput } from './types';

const HOSTILE = 'Tiny </script><script>alert(1)</script> & <b>co</b>';
let fixture: Fixture;
let input: ExperimentReportInput;
let page: string;

beforeAll(() => {
  fixture = writeFixture(tempRoot(), { title: HOSTILE });
  input = loadExperimentReportInput(fixture.catalogue, fixture.config, { now: new Date('2026-12-01T10:00:00Z') });
  page = renderExperimentReport(input);
});
afterAll(() => rmSync(fixture.root, { recursive: true, force: true }));

/** src/href attribute values of the markup outside <script> and <style> blocks. */
function references(html: string): string[] {
  const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '').replace(/<style\b[^>]*>[\s\S]*?<\/style>/gi, '');
  return [...markup.matchAll(/\b(?:src|href)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/gi)].map((m) => m[2] ?? m[3] ?? m[4] ?? '');
}

function checkSelfContained(html: string): void {
  const refs = references(html);
  expect(refs.filter((r) => /^(https?:)?\/\//i.test(r))).toEqual([]);
  // No <link>, no <script src>, no @import or url() in the CSS: nothing to fetch.
  expect(html).not.toMatch(/<link\b/i);
  expect(html).not.toMatch(/<script\b[^>]*\bsrc=/i);
  const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  expect(css.length).toBeGreaterThan(100);
  expect(css).not.toMatch(/@import|url\(/i);
  // The three bundles are inlined, tagged with their versions.
  expect(html).toMatch(/<script data-bundle="vega@6\.\d+\.\d+">/);
  expect(html).toMatch(/<script data-bundle="vega-lite@6\.\d+\.\d+">/);
  expect(html).toMatch(/<script data-bundle="vega-embed@7\.\d+\.\d+">/);
  expect(html).not.toContain('sourceMappingURL');
  // Every '</script' closes one of our own script elements; none hides in inlined text.
  const opens = html.match(/<script\b/gi)?.length ?? 0;
  const closes = html.match(/<\/script/gi)?.length ?? 0;
  expect(closes).toBe(opens);
  expect(opens).toBe(5);
  expect(html).toContain("{ actions: false, renderer: 'svg' }");
}

describe('experiment page', () => {
  it('is self-contained: inlined bundles, no outside references, script text escaped', () => {
    checkSelfContained(page);
    expect(page.length).toBeGreaterThan(800_000);
  });

  it('escapes the user-supplied title everywhere', () => {
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<b>co</b>');
    expect(page).toContain('<title>Tiny &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;</title>');
    // ...including inside the JSON of the specs and the YAML of the config.
    const json = /<script type="application\/json" id="deeprec-specs">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
    expect(JSON.parse(json)).toHaveProperty('comparison');
  });

  it('has one container per chart kind and every spec it needs', () => {
    const kinds = [...page.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]);
    // A single split with baselines and cold-start ratings: every chart but the k-fold spread, in page order.
    expect(kinds).toEqual(CHART_KINDS.filter((k) => k !== 'folds' && !RANKING_CHART_KINDS.includes(k)));
    const json = /id="deeprec-specs">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '{}';
    expect(Object.keys(JSON.parse(json) as object)).toEqual(kinds);
  });

  it('shows the metrics table and provenance', () => {
    for (const m of input.models) {
      expect(page).toContain(m.metrics.rmse.toFixed(4));
      expect(page).toContain(m.metrics.mae.toFixed(4));
    }
    expect(page).toContain('<td>train mean</td>');
    expect(page).toContain(input.baseline.rmse.toFixed(4));
    expect(page).toMatch(/<span class="tag">best<\/span>/);
    expect(page).toContain('Experiment seed: <strong>7</strong>');
    expect(page).toContain('apache-arrow');
    expect(page).toContain('2026-12-01 10:00 UTC');
    expect(page).toContain('embeddingDim: 8');
    expect(page).toContain('href="../../report/index.html"');
  });

  it('is a pure function of its input', () => {
    expect(renderExperimentReport(input)).toBe(page);
  });
});

describe('index page', () => {
  it('links each experiment by relative path and compares them', () => {
    const other: ExperimentReportInput = { ...input, experiment: 'other', title: 'Other', models: input.models.slice(1) };
    const html = renderIndexReport([input, other]);
    checkSelfContained(html);
    expect(references(html)).toEqual(expect.arrayContaining(['../tiny/report/index.html', '../other/report/index.html']));
    expect([...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1])).toEqual(['experiments']);
    expect(html).toContain(input.models[2]!.metrics.rmse.toFixed(4));
  });

  it('renders an empty list without charts', () => {
    const html = renderIndexReport([]);
    expect(html).toContain('No experiments to show.');
    expect(html).not.toContain('data-chart=');
  });
});
