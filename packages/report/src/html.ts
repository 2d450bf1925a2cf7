/**
 * The page shell shared by the experiment page and the index page: CSS, the
 * inlined Vega bundles, the chart specs as JSON, and the script that draws every
 * `[data-chart]` container and then flags `body[data-rendered]` ('true' or
 * 'error') so tests and headless tools know when the page is done.
 */
import { escapeHtml, escapeScript, scriptJson, vegaBundles } from './assets';
import type { VegaLiteSpec } from './charts';

/** Plain CSS, system fonts only: nothing to fetch, readable printed or on screen. */
const CSS = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #0b5cad; --good: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; line-height: 1.5;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { background: var(--soft); border-bottom: 1px solid var(--line); }
header .wrap, main { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header .wrap { padding-top: 20px; padding-bottom: 16px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 6px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 16px; margin: 20px 0 6px; }
p { margin: 6px 0 10px; }
.sub, .note { color: var(--muted); }
.note { font-size: 13.5px; max-width: 860px; }
nav { margin-top: 10px; font-size: 14px; }
nav a { margin-right: 16px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 20px 0 4px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 170px; background: #fff; }
.card .label { color: var(--muted); font-size: 12.5px; text-transform: uppercase; letter-spacing: .03em; }
.card .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .detail { color: var(--muted); font-size: 13px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13.5px; margin: 8px 0 12px; }
th, td { padding: 5px 10px; white-space: nowrap; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.best td { background: #eef7f0; }
table.facts td { white-space: normal; }
tr.baseline td { color: var(--muted); font-style: italic; }
.tag { display: inline-block; font-size: 11.5px; padding: 0 6px; border-radius: 10px; background: #dafbe1; color: var(--good); margin-left: 6px; font-style: normal; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
.chart { margin: 10px 0 6px; overflow-x: auto; min-height: 60px; }
.chart .chart-error { color: #b42318; }
#render-error { color: #b42318; background: #fef3f2; border: 1px solid #fecdca; padding: 8px 12px; border-radius: 6px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow-x: auto; font-size: 12.5px; line-height: 1.45; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
details summary { cursor: pointer; font-weight: 600; margin: 10px 0; }
caption { caption-side: top; text-align: left; color: var(--muted); font-size: 13px; padding: 0 0 6px; white-space: normal; max-width: 860px; }
.muted { color: var(--muted); font-weight: normal; }
tr.primary td:first-child { font-weight: 600; }
table.ranking-table td.num { line-height: 1.25; }
.mean.top { font-weight: 700; }
.ci { display: block; color: var(--muted); font-size: 11.5px; }
tr.significant td:last-child strong { color: var(--good); }
.rec-user { border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 8px; margin: 14px 0; }
.rec-user h3 { margin-top: 10px; }
.rec-user h4 { font-size: 13px; margin: 4px 0; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.rec-grid { display: flex; flex-wrap: wrap; gap: 8px 40px; }
ol.rated, ul.rated { margin: 0 0 8px; padding-left: 22px; font-size: 13.5px; columns: 2; column-gap: 32px; }
ul.rated { columns: 1; }
.stars { color: #9a6700; font-variant-numeric: tabular-nums; }
.item, .rec { display: inline-block; max-width: 230px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom; }
table.recs td { padding: 3px 10px; }
.rec.hit { background: #dafbe1; color: var(--good); border-radius: 3px; padding: 0 4px; }
#try-it h4 { font-size: 13px; margin: 10px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
#try-it ol.rated, #try-it ul.rated { columns: 1; padding-left: 30px; }
#try-it .score { color: var(--muted); margin-left: 10px; font-size: 12.5px; font-variant-numeric: tabular-nums; }
#try-it input { font: inherit; padding: 2px 6px; }
footer { max-width: 1180px; margin: 40px auto 30px; padding: 0 24px; color: var(--muted); font-size: 13px; }
`;

/**
 * Draws each container with its spec; failures mark the page and the container
 * instead of leaving a silent blank. Plain ES5-style JS: it runs as written.
 */
const BOOTSTRAP = `
(function () {
  var body = document.body;
  function fail(message) {
    if (body.getAttribute('data-rendered') === 'error') return;
    body.setAttribute('data-rendered', 'error');
    body.setAttribute('data-error', message);
    var box = document.getElementById('render-error');
    if (box) { box.textContent = 'Some charts could not be drawn: ' + message; box.hidden = false; }
  }
  window.addEventListener('error', function (event) { fail(event.message || 'script error'); });
  try {
    if (typeof vegaEmbed !== 'function') throw new Error('vega-embed did not load');
    var specs = JSON.parse(document.getElementById('deeprec-specs').textContent);
    var containers = Array.prototype.slice.call(document.querySelectorAll('[data-chart]'));
    Promise.all(containers.map(function (el) {
      var kind = el.getAttribute('data-chart');
      var spec = specs[kind];
      if (!spec) return Promise.reject(new Error('no spec for chart "' + kind + '"'));
      return vegaEmbed(el, spec, { actions: false, renderer: 'svg' }).catch(function (error) {
        var note = document.createElement('p');
        note.className = 'chart-error';
        note.textContent = 'Chart "' + kind + '" failed: ' + (error && error.message ? error.message : String(error));
        el.appendChild(note);
        throw error;
      });
    })).then(function () {
      if (body.getAttribute('data-rendered') !== 'error') body.setAttribute('data-rendered', 'true');
    }, function (error) {
      fail(error && error.message ? error.message : String(error));
    });
  } catch (error) {
    fail(error && error.message ? error.message : String(error));
  }
})();
`;

export interface PageOptions {
  /** <title> and <h1>. */
  title: string;
  /** Already-escaped HTML under the heading. */
  subtitleHtml: string;
  nav: ReadonlyArray<{ href: string; label: string }>;
  /** Already-escaped HTML of the sections. */
  mainHtml: string;
  /** Specs by the `data-chart` value of their container. */
  specs: Record<string, VegaLiteSpec>;
  footerHtml: string;
}

/**
 * Marks a value read off the clock (a date, a duration, a throughput): the one part
 * of a page that differs between two runs of the same config, seed and data. The
 * tooltip tells the reader; the class lets a comparison of two pages mask exactly
 * these (packages/cli/src/portable.test.ts). `text` is HTML-safe already.
 */
export function measured(text: string): string {
  return `<span class="measured" title="measured on the clock: differs from run to run">${text}</span>`;
}

/** A chart container; the bootstrap finds it by its `data-chart` kind. */
export function chartDiv(kind: string, label: string): string {
  return `<div class="chart" data-chart="${escapeHtml(kind)}" role="img" aria-label="${escapeHtml(label)}"></div>`;
}

export function renderPage(options: PageOptions): string {
  const nav = options.nav.map((n) => `<a href="${escapeHtml(n.href)}">${escapeHtml(n.label)}</a>`).join('');
  const bundles = vegaBundles()
    .map((b) => `<script data-bundle="${escapeHtml(b.name)}@${escapeHtml(b.version)}">\n${escapeScript(b.source)}\n</script>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="deeprec report">
<title>${escapeHtml(options.title)}</title>
<style>${CSS}</style>
</head>
<body data-rendered="pending">
<header><div class="wrap">
<h1>${escapeHtml(options.title)}</h1>
<div class="sub">${options.subtitleHtml}</div>
<nav>${nav}</nav>
</div></header>
<main>
<p id="render-error" hidden></p>
${options.mainHtml}
</main>
<footer>${options.footerHtml}</footer>
${bundles}
<script type="application/json" id="deeprec-specs">${scriptJson(options.specs)}</script>
<script>${escapeScript(BOOTSTRAP)}</script>
</body>
</html>
`;
}

/** A table from already-escaped cells; `num` columns align right; `html` replaces a header's escaped label; `caption` is already-escaped HTML. */
export function table(
  headers: ReadonlyArray<{ label: string; num?: boolean; html?: string }>,
  rows: ReadonlyArray<{ cells: readonly string[]; className?: string }>,
  className?: string,
  caption?: string,
): string {
  const head = headers.map((h) => `<th${h.num ? ' class="num"' : ''}>${h.html ?? escapeHtml(h.label)}</th>`).join('');
  const body = rows
    .map((r) => {
      const cells = r.cells.map((c, i) => `<td${headers[i]?.num ? ' class="num"' : ''}>${c}</td>`).join('');
      return `<tr${r.className ? ` class="${r.className}"` : ''}>${cells}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table${className ? ` class="${className}"` : ''}>\n${caption ? `<caption>${caption}</caption>\n` : ''}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}
