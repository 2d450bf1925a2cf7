/** Workspace invariants: one pinned tfjs everywhere, and the lockfile agrees. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const json = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<string, Record<string, string> | undefined>;
const manifests = ['package.json', ...readdirSync(join(root, 'packages')).map((p) => `packages/${p}/package.json`)];

describe('tfjs', () => {
  it('is pinned to one exact version in every package.json, native packages included', () => {
    const versions = new Set<string>();
    for (const file of manifests) {
      const pkg = json(file);
      for (const field of ['dependencies', 'devDependencies', 'optionalDependencies'] as const) {
        for (const [name, version] of Object.entries(pkg[field] ?? {})) {
          if (name.startsWith('@tensorflow/')) versions.add(`${version}`);
        }
      }
    }
    expect([...versions]).toEqual(['4.22.0']);
    expect(json('package.json').optionalDependencies).toEqual({ '@tensorflow/tfjs-node': '4.22.0', '@tensorflow/tfjs-node-gpu': '4.22.0' });
  });

  it('resolves to that single version in package-lock.json', () => {
    const lock = json('package-lock.json') as unknown as { packages: Record<string, { version?: string }> };
    const tf = Object.entries(lock.packages).filter(([path]) => /node_modules\/@tensorflow\/tfjs(-core|-layers|-backend-wasm|-backend-cpu|-node|-node-gpu)?$/.test(path));
    // Each of them installed at the top level (nested copies, if any, are held to the version below too).
    const topLevel = tf.map(([path]) => path).filter((path) => path.startsWith('node_modules/@tensorflow/'));
    expect(topLevel.sort()).toEqual(['', '-backend-cpu', '-backend-wasm', '-core', '-layers', '-node', '-node-gpu'].map((suffix) => `node_modules/@tensorflow/tfjs${suffix}`));
    expect(new Set(tf.map(([, p]) => p.version))).toEqual(new Set(['4.22.0']));
  });
});
