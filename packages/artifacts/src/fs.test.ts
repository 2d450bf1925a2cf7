import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArtifactDir } from './fs';
import { Rng } from '@deeprec/base';

describe('writeArtifactDir', () => {
  const root = mkdtempSync(join(tmpdir(), 'deeprec-fs-'));
  const target = join(root, 'stage');

  it('swaps a complete folder into place', async () => {
    await writeArtifactDir(target, (dir) => writeFileSync(join(dir, 'a.txt'), 'one'));
    await writeArtifactDir(target, (dir) => writeFileSync(join(dir, 'b.txt'), 'two'));
    expect(readdirSync(target)).toEqual(['b.txt']);
    expect(readdirSync(root)).toEqual(['stage']);
  });

  it('leaves the previous folder untouched and no temporary folder when the stage fails', async () => {
    await expect(
      writeArtifactDir(target, (dir) => {
        writeFileSync(join(dir, 'partial.txt'), 'half');
        throw new Error('interrupted');
      }),
    ).rejects.toThrow('interrupted');
    expect(readFileSync(join(target, 'b.txt'), 'utf8')).toBe('two');
    expect(existsSync(join(target, 'partial.txt'))).toBe(false);
    expect(readdirSync(root)).toEqual(['stage']);
  });
});

describe('Rng', () => {
  it('gives the same stream for the same seed and label, and different ones otherwise', () => {
    const draw = (seed: number, label: string) => Array.from({ length: 5 }, ((r) => () => r.uniform())(new Rng(seed, label)));
    expect(draw(1, 'a')).toEqual(draw(1, 'a'));
    expect(draw(1, 'a')).not.toEqual(draw(2, 'a'));
    expect(draw(1, 'a')).not.toEqual(draw(1, 'b'));
  });

  it('shuffles into a permutation and draws normals with mean 0 and variance 1', () => {
    const rng = new Rng(7);
    expect(Array.from(rng.permutation(100)).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const xs = Array.from({ length: 20_000 }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});
