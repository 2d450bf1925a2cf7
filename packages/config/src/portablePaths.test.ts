/**
 * Paths as artifacts show them: relative to the workspace root (the folder of the
 * nearest nx.json above the config), '/'-separated; absolute only for a place outside
 * the workspace that the config itself named absolutely.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathBase, portableConfig, shownPath, workspaceRootOf } from './portablePaths';
import { loadConfig } from './resolve';

const YAML = 'name: t\ndata: { source: movielens-100k, path: ../../../shared/ml-100k }\nsplit: { method: random }\nmodels:\n  a: { type: ncf }\n';

const base = mkdtempSync(join(tmpdir(), 'deeprec-portable-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A workspace at `at` (nx.json) with configs/examples/x.yaml; returns the config file. */
function workspace(at: string, yaml = YAML): string {
  mkdirSync(join(at, 'configs/examples'), { recursive: true });
  writeFileSync(join(at, 'nx.json'), '{}');
  const file = join(at, 'configs/examples/x.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('workspaceRootOf', () => {
  it('is the nearest folder above the config that holds nx.json, else the config file\'s folder', () => {
    const file = workspace(join(base, 'root-a/clone'));
    expect(workspaceRootOf(file)).toBe(join(base, 'root-a/clone'));
    const lone = join(base, 'lone/deep/x.yaml');
    mkdirSync(dirname(lone), { recursive: true });
    expect(workspaceRootOf(lone)).toBe(join(base, 'lone/deep'));
  });
});

describe('shownPath', () => {
  const root = join(base, 'ws');
  const paths = pathBase(workspace(root), ['/srv/data/ml-100k', join(root, 'data/inside')]);

  it('writes a path inside the workspace relative to its root, even when the config gave it absolute', () => {
    expect(paths.root).toBe(root);
    expect(shownPath(paths, join(root, 'configs/examples/x.yaml'))).toBe('configs/examples/x.yaml');
    expect(paths.fixed).toEqual(['/srv/data/ml-100k']);
    expect(shownPath(paths, join(root, 'data/inside/r.csv'))).toBe('data/inside/r.csv');
    expect(shownPath(paths, root)).toBe('.');
  });

  it('writes a place outside the workspace relative too, unless the config named it by an absolute path', () => {
    expect(shownPath(paths, join(base, 'shared/ml-100k'))).toBe('../shared/ml-100k');
    expect(shownPath(paths, '/srv/data/ml-100k')).toBe('/srv/data/ml-100k');
    expect(shownPath(paths, '/srv/data/ml-100k/u.data')).toBe('/srv/data/ml-100k/u.data');
    // A sibling whose name starts like the fixed path is not under it.
    expect(shownPath(paths, '/srv/data/ml-100k-copy')).not.toMatch(/^\//);
  });
});

describe('portableConfig', () => {
  it('is the same for two clones in different folders: no path of the machine in it', () => {
    const a = loadConfig(workspace(join(base, 'one/deeprec')));
    const b = loadConfig(workspace(join(base, 'two/nested/deeprec')));
    expect(a.data.path).toBe(join(base, 'one/shared/ml-100k'));
    const shown = portableConfig(a);
    expect(shown).toEqual(portableConfig(b));
    expect(shown.configFile).toBe('configs/examples/x.yaml');
    expect(shown.data.path).toBe('../shared/ml-100k');
    expect(JSON.stringify(shown)).not.toContain(base);
    expect(Object.keys(shown)).not.toContain('configPath');
    expect(Object.keys(shown)).not.toContain('paths');
  });

  it('keeps an absolute --set data.path outside the workspace, and makes one inside it relative', () => {
    const file = workspace(join(base, 'three/deeprec'));
    expect(portableConfig(loadConfig(file, ['data.path=/srv/data/ml-100k'])).data.path).toBe('/srv/data/ml-100k');
    expect(portableConfig(loadConfig(file, [`data.path=${join(base, 'three/deeprec/data/ml')}`])).data.path).toBe('data/ml');
  });
});
