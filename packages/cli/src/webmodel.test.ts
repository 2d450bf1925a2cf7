/**
 * The saved network in a browser, end to end through the compiled binary: the report's
 * "Try it" panel (opened from disk, network cut) and the folder `deeprec export` writes
 * (served from a loopback static server to a page that imports it) must give, for three
 * users and an unknown one, the lists `deeprec recommend --json` prints: same items in the
 * same order, scores within 1e-4. Needs /usr/bin/chromium (or DEEPREC_CHROMIUM).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ITEMS_SCHEMA, readMetrics, readTable, writeTable, RATINGS_SCHEMA, USERS_SCHEMA } from '@deeprec/artifacts';

const bin = resolve(__dirname, '../bin/deeprec.js');
const CHROMIUM = process.env.DEEPREC_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const CONFIG = `name: web
seed: 42
data:
  source: synthetic
  synthetic: { users: 40, items: 60, ratings: 700 }
train: { epochs: 2, batchSize: 64, optimizer: { learningRate: 0.01 } }
models:
  mf: { type: mf, embeddingDim: 4 }
  ncf: { type: ncf, embeddingDim: 4, layers: [8, 4] }
  itemknn: { type: itemknn }
evaluate: { metrics: [rmse, mae] }
`;

interface Listed {
  user: string;
  fallback: boolean;
  items: Array<{ item: string; title?: string; score: number }>;
}

function deeprec(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, DEEPREC_BACKEND: 'wasm' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function must(cwd: string, ...args: string[]): string {
  const r = deeprec(cwd, ...args);
  if (r.code !== 0) throw new Error(`deeprec ${args.join(' ')}: expected exit 0, found ${r.code}: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** Same items in the same order, scores within 1e-4, the fallback flag and titles alike. */
function expectSameList(browser: Listed, cli: Listed): void {
  expect({ user: browser.user, fallback: browser.fallback, items: browser.items.map((i) => [i.item, i.title]) }).toEqual({
    user: cli.user,
    fallback: cli.fallback,
    items: cli.items.map((i) => [i.item, i.title]),
  });
  browser.items.forEach((i, j) => expect(Math.abs(i.score - (cli.items[j]?.score ?? Number.NaN))).toBeLessThan(1e-4));
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.bin': 'application/octet-stream', '.md': 'text/markdown' };

/** A static file server on a free loopback port, as a web developer's site would be served. */
function serveStatic(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(root) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('the saved network in a browser', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'deeprec-web-'));
  const page = join(cwd, 'artifacts/web/report/index.html');
  let browser: Browser;
  /** A busy, a middling and a light user (by training ratings), and one the model never saw. */
  let users: string[] = [];
  let cli: Map<string, Listed>;
  let bestNetwork = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set DEEPREC_CHROMIUM`);
    writeFileSync(join(cwd, 'web.yaml'), CONFIG);
    must(cwd, 'run', 'web.yaml');
    // Titles, as MovieLens has them: the page and the export show them.
    const data = join(cwd, 'artifacts/web/data');
    const items = readTable(join(data, 'items.arrow'), ITEMS_SCHEMA);
    writeTable(join(data, 'items.arrow'), ITEMS_SCHEMA, { ...items, title: (items.id as string[]).map((id) => `Film <${id}> & co`) });
    must(cwd, 'report', 'web.yaml');

    const ids = readTable(join(data, 'users.arrow'), USERS_SCHEMA).id as string[];
    const train = readTable(join(data, 'train.arrow'), RATINGS_SCHEMA).user as Int32Array;
    const counts = ids.map((id, u) => ({ id, n: train.filter((x) => x === u).length })).sort((a, b) => b.n - a.n || a.id.localeCompare(b.id));
    users = [counts[0], counts[Math.floor(counts.length / 2)], counts[counts.length - 1]].map((c) => c?.id as string);
    users.push('nobody');
    const rmse = (m: string) => readMetrics(join(cwd, 'artifacts/web/eval', m, 'metrics.json')).rmse;
    bestNetwork = rmse('mf') <= rmse('ncf') ? 'mf' : 'ncf';
    cli = new Map(users.map((u) => [u, JSON.parse(must(cwd, 'recommend', 'web.yaml', '--model', bestNetwork, '--user', u, '--json')) as Listed]));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  /** Opens `url`, records every request that is not `allowed` (aborted) and every console or page error. */
  async function open(url: string, allowed: (url: string) => boolean): Promise<{ page: Page; aborted: string[]; problems: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext();
    const aborted: string[] = [];
    const problems: string[] = [];
    await context.route('**/*', (route) => {
      if (allowed(route.request().url())) return route.continue();
      aborted.push(route.request().url());
      return route.abort();
    });
    const p = await context.newPage();
    p.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
    });
    p.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await p.goto(url);
    return { page: p, aborted, problems, close: () => context.close() };
  }

  it('the report’s Try it panel: the best network’s top-10, computed in the page offline, equals deeprec recommend --json', async () => {
    const { page: p, aborted, problems, close } = await open(pathToFileURL(page).href, (url) => url.startsWith('file:'));
    try {
      await p.waitForSelector('#try-it[data-state="done"], #try-it[data-state="error"]', { timeout: 60_000 });
      expect(await p.textContent('#try-it-status')).not.toMatch(/failed/);
      expect(await p.getAttribute('#try-it', 'data-model')).toBe(bestNetwork);
      expect(await p.textContent('#try-it .note')).toContain('the best network model by test RMSE');
      for (const user of users) {
        await p.fill('#try-it-user', user);
        await p.click('#try-it-form button');
        await p.waitForSelector(`#try-it[data-state="done"][data-user="${user}"]`, { timeout: 30_000 });
        const items = await p.$$eval('#try-it-list li', (els) =>
          els.map((el) => ({ item: el.getAttribute('data-item') ?? '', title: el.firstChild?.textContent ?? '', score: Number(el.getAttribute('data-score')) })),
        );
        const rated = await p.$$eval('#try-it-rated li', (els) => els.length);
        expectSameList({ user, fallback: /most popular/.test((await p.textContent('#try-it-status')) ?? ''), items }, cli.get(user) as Listed);
        expect(items.length).toBeGreaterThan(0);
        // What the user rated highest in training: none for the unknown user.
        expect(rated > 0).toBe(user !== 'nobody');
        // Scored by tfjs's WebAssembly backend, inlined with its binary (CPU only where that fails).
        if (user !== 'nobody') expect(await p.textContent('#try-it-status')).toMatch(/ scored in this page in \d+ ms \(WebAssembly backend\)\.$/);
      }
      expect(problems).toEqual([]);
      expect(aborted).toEqual([]);
    } finally {
      await close();
    }
  });

  it('deeprec export: the folder, imported by a page on a static server, gives the same lists', async () => {
    const site = join(cwd, 'site');
    must(cwd, 'export', 'web.yaml', '--model', bestNetwork, '--out', 'site/recommender');
    expect(readFileSync(join(site, 'recommender/README.md'), 'utf8')).toContain("import { recommend } from './recommender/recommend.js'");
    writeFileSync(
      join(site, 'index.html'),
      `<!doctype html><meta charset="utf-8"><script type="module">
import { recommend } from './recommender/recommend.js';
window.lists = Promise.all(${JSON.stringify(users)}.map((u) => recommend(u, 10)));
</script>`,
    );
    const { server, url } = await serveStatic(site);
    const { page: p, aborted, problems, close } = await open(`${url}/index.html`, (u) => u.startsWith(url));
    try {
      const lists = (await p.evaluate('window.lists')) as Listed[];
      expect(lists.map((l) => l.user)).toEqual(users);
      lists.forEach((list) => expectSameList(list, cli.get(list.user) as Listed));
      expect(problems).toEqual([]);
      expect(aborted).toEqual([]);
    } finally {
      await close();
      await new Promise((done) => server.close(done));
    }
  });

  it('deeprec export: bad arguments exit 2 with one line; an earlier export is replaced, other folders are not', () => {
    const classic = deeprec(cwd, 'export', 'web.yaml', '--model', 'itemknn', '--out', 'x');
    expect({ code: classic.code, lines: classic.stderr.trim().split('\n').length }).toEqual({ code: 2, lines: 1 });
    expect(classic.stderr).toMatch(/--model itemknn: a itemknn model has no tfjs network/);
    const unknown = deeprec(cwd, 'export', 'web.yaml', '--model', 'nope', '--out', 'x');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--model nope: no such model .*expected one of: mf, ncf, itemknn/);
    const noOut = deeprec(cwd, 'export', 'web.yaml', '--model', 'mf');
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/out/);
    mkdirSync(join(cwd, 'mine'));
    writeFileSync(join(cwd, 'mine/keep.txt'), 'mine');
    const foreign = deeprec(cwd, 'export', 'web.yaml', '--model', 'mf', '--out', 'mine');
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/--out .*mine: expected a new or empty folder/);
    expect(readFileSync(join(cwd, 'mine/keep.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(cwd, 'x'))).toBe(false);
    // Over an earlier export: replaced whole (the other model now), no temporary folder left.
    must(cwd, 'export', 'web.yaml', '--model', 'ncf', '--out', 'site/recommender');
    expect(JSON.parse(readFileSync(join(cwd, 'site/recommender/export.json'), 'utf8'))).toMatchObject({ model: 'ncf', type: 'ncf', users: 40, items: 60 });
  });

  it('report.tryIt.maxBytes below the network’s size, or a classic report.tryIt.model: the panel is left out with a note saying why', () => {
    must(cwd, 'report', 'web.yaml', '--set', 'report.tryIt.maxBytes=100');
    const html = readFileSync(page, 'utf8');
    expect(html).not.toContain('id="try-it-data"');
    expect(html).toMatch(/The panel that runs a saved network in this page is left out\. \w+’s saved network is [\d,]+ bytes, above report\.tryIt\.maxBytes \(100\)/);
    must(cwd, 'report', 'web.yaml', '--set', 'report.tryIt.model=itemknn');
    expect(readFileSync(page, 'utf8')).toContain('left out. report.tryIt.model names itemknn, which has no saved tfjs network');
    const bad = deeprec(cwd, 'report', 'web.yaml', '--set', 'report.tryIt.model=nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/report\.tryIt\.model: expected one of the models \(mf, ncf, itemknn\), found 'nope'/);
  });
});
