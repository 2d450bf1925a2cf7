import { escapeHtml, escapeScript, scriptJson, vegaBundles } from './assets';
import { duration, fixed, int, percent } from './format';
import { binCentres, heatmap, histogram, ratingStep } from './stats';

describe('stats', () => {
  it('detects whole, half and continuous rating steps', () => {
    expect(ratingStep([Float32Array.of(1, 2, 5)], 1)).toBe(1);
    expect(ratingStep([Float32Array.of(1, 2), Float32Array.of(3.5)], 1)).toBe(0.5);
    expect(ratingStep([Float32Array.of(1, 2.37)], 1)).toBe(0.25);
    expect(binCentres(0.5, 5, 0.5)).toEqual([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]);
  });

  it('counts every value, clamping outliers into the end bins', () => {
    const h = histogram(Float32Array.of(1, 1.4, 2.6, 5, 7.2, -3, Number.NaN), { min: 1, max: 5 }, 1);
    expect(h.bins.map((b) => b.centre)).toEqual([1, 2, 3, 4, 5]);
    expect(h.bins.map((b) => b.count)).toEqual([3, 0, 1, 0, 2]);
    expect(h.total).toBe(6);
  });

  it('bins (actual, predicted) pairs with shares per actual column', () => {
    const cells = heatmap(Float32Array.of(1, 1, 1, 3), Float32Array.of(1.1, 1.1, 2.0, 9), { min: 1, max: 5 }, 1, 0.25);
    expect(cells.reduce((s, c) => s + c.count, 0)).toBe(4);
    const ones = cells.filter((c) => c.actual === 1);
    expect(ones.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1);
    expect(ones.find((c) => c.predictedStart <= 1.1 && 1.1 < c.predictedEnd)?.count).toBe(2);
    // 9 is beyond the scale: clamped into the top bin, which ends at max + step/2.
    expect(cells.find((c) => c.actual === 3)).toMatchObject({ predictedEnd: 5.5, share: 1 });
  });
});

describe('format', () => {
  it('formats numbers and marks missing ones', () => {
    expect(fixed(0.91234, 3)).toBe('0.912');
    expect(fixed(Number.NaN, 3)).toBe('–');
    expect(int(1234567.4)).toBe('1,234,567');
    expect(percent(-0.0523)).toBe('−5.2%');
    expect(duration(125)).toBe('2 min 05 s');
    expect(duration(3.14159)).toBe('3.14 s');
  });
});

describe('assets', () => {
  it('finds the three UMD bundles, without source-map comments', () => {
    const bundles = vegaBundles();
    expect(bundles.map((b) => b.name)).toEqual(['vega', 'vega-lite', 'vega-embed']);
    for (const b of bundles) {
      expect(b.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(b.source.length).toBeGreaterThan(50_000);
      expect(b.source).not.toMatch(/sourceMappingURL/);
    }
    expect(bundles[2]?.source).toContain('vegaEmbed');
  });

  it('escapes script terminators in JS and JSON', () => {
    expect(escapeScript('a = "</script><!--"; b = "</SCRIPT>"')).toBe('a = "<\\/script><\\!--"; b = "<\\/SCRIPT>"');
    const json = scriptJson({ t: '</script><!-- \u2028' });
    expect(json).not.toMatch(/<\/script|<!--|\u2028/i);
    expect(JSON.parse(json)).toEqual({ t: '</script><!-- \u2028' });
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
