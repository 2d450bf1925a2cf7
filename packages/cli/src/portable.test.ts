/**
 * Portable artifacts: two copies of the same tiny workspace (nx.json, a config, and
 * a CSV beside the workspace as ../shared/, like MovieLens on a developer machine),
 * in folders of different depth, each run end to end through the compiled binary.
 * The reports must be byte-identical once the values read off the clock are masked,
 * and the manifests must hash the same config and name files the same way.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Rng } from '@deeprec/base';

const bin = resolve(__dirname, '../bin/deeprec.js');

/**
 * What may differ between two builds of the same experiment, and nothing else:
 * values read off the clock. On the page, measured() marks them (dates, durations,
 * samples/s: `<span class="measured" ...>...</span>`); in the chart data they are
 * the architecture chart's trainSeconds and trainSamplesPerSecond numbers.
 */
const CLOCK = /<span class="measured"[^>]*>[^<]*<\/span>|"(?:trainSeconds|trainSamplesPerSecond)":[-+.\deE]+/g;
/** Artifacts that hold clock readings (createdAt, wallSeconds, trainSeconds, history's seconds column). */
const CLOCK_FILES = /(manifest|metrics)\.json$|history\.arrow$/;

const CONFIG = `name: portable
seed: 7
data:
  source: csv
  path: ../../../shared/ratings.csv   # beside the workspace, relative to this file
  csv: { invalidRows: skip, maxInvalidShare: 0.05 }
split: { method: random, test: 0.2, valid: 0.1 }
train: { epochs: 3, batchSize: 64, optimizer: { learningRate: 0.01 } }
models:
  ncf: { type: ncf, embeddingDim: 4, layers: [8, 4] }
  mf: { type: mf, embeddingDim: 4 }
evaluate: { metrics: [rmse, mae, ndcg@10] }
`;

/** 600 seeded ratings of 50 users on 40 items, and one malformed row (line 101) the import skips. */
function ratingsCsv(): string {
  const rng = new Rng(7, 'portable-test');
  const seen = new Set<string>();
  const lines = ['user,item,rating'];
  while (seen.size < 600) {
    const [u, i] = [rng.int(50), rng.int(40)];
    if (seen.has(`${u},${i}`)) continue;
    seen.add(`${u},${i}`);
    lines.push(`u${u},i${i},${Math.min(5, Math.max(1, Math.round(3 + Math.sin(u) * Math.cos(i) * 2 + 0.5 * rng.normal())))}`);
  }
  lines.splice(100, 0, 'u1,i1,not-a-rating');
  return `${lines.join('\n')}\n`;
}

/** A workspace at `root` with the config, the CSV in ../shared; runs every stage and the index page. */
function buildAt(root: string): void {
  mkdirSync(join(root, 'configs/experiments'), { recursive: true });
  mkdirSync(join(dirname(root), 'shared'), { recursive: true });
  writeFileSync(join(root, 'nx.json'), '{}\n');
  writeFileSync(join(root, 'configs/experiments/portable.yaml'), CONFIG);
  writeFileSync(join(dirname(root), 'shared/ratings.csv'), ratingsCsv());
  const env: NodeJS.ProcessEnv = { ...process.env, DEEPREC_BACKEND: 'wasm' };
  delete env.DEEPREC_ARTIFACTS;
  for (const args of [['run', 'configs/experiments/portable.yaml'], ['report', '--all']]) {
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`deeprec ${args.join(' ')} in ${root}: expected exit 0, found ${r.status}: ${r.stderr.slice(-2000)}`);
  }
}

function files(dir: string, name: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name === name)
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

describe('two clones in different folders', () => {
  const base = mkdtempSync(join(tmpdir(), 'deeprec-portable-'));
  const a = join(base, 'a/deeprec');
  const b = join(base, 'b/nested/deeper/deeprec');
  beforeAll(() => {
    buildAt(a);
    buildAt(b);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it.each(['portable/report/index.html', 'report/index.html'])('write %s byte-identical apart from clock readings', (page) => {
    const [pageA, pageB] = [a, b].map((root) => readFileSync(join(root, 'artifacts', page), 'utf8'));
    for (const [root, html] of [[a, pageA], [b, pageB]] as const) {
      expect(html).not.toContain(base);
      expect(html).not.toContain(root);
    }
    // The mask hides something real (dates, times, throughputs), and only that.
    expect(pageA!.match(CLOCK)?.length ?? 0).toBeGreaterThanOrEqual(page === 'report/index.html' ? 4 : 10);
    expect(pageA!.replace(CLOCK, '<clock>')).toBe(pageB!.replace(CLOCK, '<clock>'));
  });

  it('show the config, the data and the skipped rows relative to the workspace root', () => {
    const html = readFileSync(join(a, 'artifacts/portable/report/index.html'), 'utf8');
    expect(html).toContain('Resolved from <code>configs/experiments/portable.yaml</code>');
    expect(html).toContain('<code>../shared/ratings.csv</code>');
    // The data section lists the skipped row where the data manifest does.
    expect(html).toContain('<code>../shared/ratings.csv:101</code> expected a numeric rating, found &quot;not-a-rating&quot;');
    // The "Try it" panel inlines a network's weights: the comparison above covers them too.
    expect(html).toMatch(/<script type="application\/json" id="try-it-data">\{"data":.*"weightsBase64":"[A-Za-z0-9+/]{100,}/);
  });

  it('write manifests with the same config hashes, input files and input hashes', () => {
    const names = files(join(a, 'artifacts'), 'manifest.json');
    expect(names).toEqual(files(join(b, 'artifacts'), 'manifest.json'));
    expect(names.length).toBeGreaterThanOrEqual(4);
    for (const name of names) {
      const [ma, mb] = [a, b].map((root) => {
        const text = readFileSync(join(root, 'artifacts', name), 'utf8');
        expect(text).not.toContain(base);
        return JSON.parse(text) as { configHash: string; inputs: Record<string, string> };
      });
      expect({ name, configHash: ma!.configHash, inputs: Object.keys(ma!.inputs) }).toEqual({ name, configHash: mb!.configHash, inputs: Object.keys(mb!.inputs) });
      // Files holding clock readings (createdAt, wallSeconds, trainSeconds, history's seconds) hash differently; every other input alike.
      const timeless = Object.keys(ma!.inputs).filter((file) => !CLOCK_FILES.test(file));
      expect({ name, hashes: timeless.map((f) => ma!.inputs[f]) }).toEqual({ name, hashes: timeless.map((f) => mb!.inputs[f]) });
    }
    const data = JSON.parse(readFileSync(join(a, 'artifacts/portable/data/manifest.json'), 'utf8')) as { details: { invalidRows: unknown } };
    expect(data.details.invalidRows).toEqual({ count: 1, first: [{ file: '../shared/ratings.csv', line: 101, reason: 'expected a numeric rating, found "not-a-rating"' }] });
  });
});
