/** Test helpers for the factor models: generated data and the NumPy/SciPy references in bench/classic. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng } from '@deeprec/base';
import type { Interactions } from './sparse';

const BENCH_DIR = resolve(__dirname, '../../../../bench/classic');

/** Runs `/usr/bin/python3 bench/classic/<script> in.json out.json` and returns the parsed output. */
export function runReference(script: string, input: unknown): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'deeprec-classic-'));
  try {
    const inPath = join(dir, 'in.json');
    const outPath = join(dir, 'out.json');
    writeFileSync(inPath, JSON.stringify(input));
    const run = spawnSync('/usr/bin/python3', [join(BENCH_DIR, script), inPath, outPath], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${script} exited ${String(run.status)}: ${run.stderr}`);
    return JSON.parse(readFileSync(outPath, 'utf8')) as unknown;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Each (user, item) pair is present with probability `density`; every user and item
 * gets at least one interaction so no row is empty unless asked. Explicit ratings are
 * 1..5 with a per-user and per-item tilt, so biases have something to fit.
 */
export function generateInteractions(
  numUsers: number,
  numItems: number,
  density: number,
  seed: number,
  explicit = false,
): Interactions {
  const rng = new Rng(seed, 'classic-test-data');
  const userTilt = Array.from({ length: numUsers }, () => rng.normal());
  const itemTilt = Array.from({ length: numItems }, () => rng.normal());
  const users: number[] = [];
  const items: number[] = [];
  const ratings: number[] = [];
  for (let u = 0; u < numUsers; u += 1) {
    for (let i = 0; i < numItems; i += 1) {
      const forced = i === u % numItems || u === i % numUsers;
      if (!forced && rng.uniform() >= density) continue;
      users.push(u);
      items.push(i);
      const raw = 3 + 0.7 * (userTilt[u] as number) + 0.7 * (itemTilt[i] as number) + 0.5 * rng.normal();
      ratings.push(explicit ? Math.min(5, Math.max(1, Math.round(raw))) : 1);
    }
  }
  return {
    numUsers,
    numItems,
    user: Int32Array.from(users),
    item: Int32Array.from(items),
    rating: Float32Array.from(ratings),
  };
}

/** The largest |actual - expected| / (atol + |expected|) over the arrays: <= rtol means they match. */
export function worstRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-6): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs expected ${expected.length}`);
  let worst = 0;
  for (let k = 0; k < actual.length; k += 1) {
    const e = expected[k] as number;
    worst = Math.max(worst, Math.abs((actual[k] as number) - e) / (atol + Math.abs(e)));
  }
  return worst;
}
