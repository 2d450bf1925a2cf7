import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readClassicModel, writeClassicModel } from '@deeprec/artifacts';
import { Rng } from '@deeprec/base';
import { MODEL_SCHEMAS, MODEL_TRAITS, TrainSchema, type ClassicModelType, type Feedback, type ResolvedModelConfig } from '@deeprec/config';
import { EASE_DEFAULTS } from '../classic/ease';
import { IALS_DEFAULTS } from '../classic/ials';
import { KNN_DEFAULTS } from '../classic/knn';
import { PURESVD_DEFAULTS } from '../classic/puresvd';
import { RP3BETA_DEFAULTS } from '../classic/rp3beta';
import { buildCsr, type Interactions } from '../classic/sparse';
import { SVDPP_DEFAULTS } from '../classic/svdpp';
import { classicFactory, isClassic, MODEL_REGISTRY } from '../registry';

const CLASSIC = (Object.keys(MODEL_SCHEMAS) as Array<keyof typeof MODEL_SCHEMAS>).filter(isClassic) as ClassicModelType[];

function section<T extends ClassicModelType>(type: T, extra: Record<string, unknown> = {}): ResolvedModelConfig<T> {
  const parsed = MODEL_SCHEMAS[type].parse({ type, ...extra });
  return { ...parsed, name: type, train: TrainSchema.parse({}) } as unknown as ResolvedModelConfig<T>;
}

/** 30 users x 20 items, each user rating 8 items with ratings 1-5 (1 for implicit data). */
function data(feedback: Feedback): Interactions {
  const rng = new Rng(3, 'classic-models-test');
  const user: number[] = [];
  const item: number[] = [];
  const rating: number[] = [];
  for (let u = 0; u < 30; u += 1) {
    const items = rng.permutation(20).subarray(0, 8);
    for (const i of items) {
      user.push(u);
      item.push(i);
      rating.push(feedback === 'implicit' ? 1 : 1 + ((u + 2 * i) % 5));
    }
  }
  return { numUsers: 30, numItems: 20, user: Int32Array.from(user), item: Int32Array.from(item), rating: Float32Array.from(rating) };
}

describe('classic model types', () => {
  it('every classic type is registered as a classic factory, every network type as a network one', () => {
    for (const [type, factory] of Object.entries(MODEL_REGISTRY)) {
      expect([type, 'fit' in factory]).toEqual([type, MODEL_TRAITS[type as ClassicModelType].kind === 'classic']);
      expect(factory.paper).toMatch(/\d{4}/);
    }
    expect(CLASSIC).toEqual(['itemknn', 'userknn', 'rp3beta', 'ease', 'ials', 'puresvd', 'svdpp']);
  });

  it("the config schema's defaults are the algorithms' documented defaults", () => {
    const pick = (o: object, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]));
    const { similarity: _s, norms: _n, ...knn } = KNN_DEFAULTS;
    expect(pick(section('itemknn'), Object.keys(knn))).toEqual(knn);
    expect(pick(section('userknn'), Object.keys(knn))).toEqual(knn);
    expect(pick(section('rp3beta'), Object.keys(RP3BETA_DEFAULTS))).toEqual(RP3BETA_DEFAULTS);
    expect(pick(section('ease'), Object.keys(EASE_DEFAULTS))).toEqual(EASE_DEFAULTS);
    expect(pick(section('ials'), Object.keys(IALS_DEFAULTS))).toEqual(IALS_DEFAULTS);
    expect(pick(section('puresvd'), Object.keys(PURESVD_DEFAULTS))).toEqual(PURESVD_DEFAULTS);
    expect(pick(section('svdpp'), Object.keys(SVDPP_DEFAULTS))).toEqual(SVDPP_DEFAULTS);
  });

  describe.each(CLASSIC.flatMap((type) => MODEL_TRAITS[type].feedback.map((f) => [type, f] as const)))('%s on %s data', (type, feedback) => {
    const small = { itemknn: { topK: 5 }, userknn: { topK: 5 }, rp3beta: { topK: 5 }, ease: { lambda: 10 }, ials: { dim: 4, epochs: 3 }, puresvd: { factors: 3 }, svdpp: { factors: 4, epochs: 3 } }[type];
    const interactions = data(feedback);
    const history = buildCsr(interactions, 'user');
    const factory = classicFactory(type);
    const fitted = factory.fit(section(type, small) as never, interactions, { feedback, seed: 5 });
    const users = Int32Array.from([0, 7, 29]);

    it('saves to classic.json and Arrow arrays and scores the same when loaded back', () => {
      const dir = mkdtempSync(join(tmpdir(), 'deeprec-classic-'));
      try {
        writeClassicModel(dir, { type, fitOn: ['train'], meta: fitted.meta, arrays: fitted.arrays });
        const saved = readClassicModel(dir);
        expect(saved.type).toBe(type);
        const loaded = factory.load(JSON.parse(JSON.stringify(saved.meta)), saved.arrays);
        expect(loaded.scoreUsers(history, users)).toEqual(fitted.scoreUsers(history, users));
        const pairUsers = Int32Array.from([0, 0, 7, 29]);
        const pairItems = Int32Array.from([1, 19, 3, 0]);
        expect(loaded.scorePairs(history, pairUsers, pairItems)).toEqual(fitted.scorePairs(history, pairUsers, pairItems));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('scores every item of each user, finite, and pair scores agree with the rows where the model has no rating form', () => {
      const rows = fitted.scoreUsers(history, users);
      expect(rows).toHaveLength(users.length * 20);
      expect(rows.every(Number.isFinite)).toBe(true);
      expect(new Set(rows).size).toBeGreaterThan(10);
      const ratingForm = feedback === 'explicit';
      const pairs = fitted.scorePairs(history, Int32Array.from([7, 7]), Int32Array.from([2, 11]));
      if (!ratingForm) expect(Array.from(pairs)).toEqual([rows[20 + 2], rows[20 + 11]]);
      else expect(pairs.every((p) => p > 0.5 && p < 5.5)).toBe(true);
    });

    it('hands over its item representation for similar items, the same after a load; userknn has none', () => {
      const kind = { itemknn: 'neighbours', userknn: undefined, rp3beta: 'neighbours', ease: 'matrix', ials: 'vectors', puresvd: 'vectors', svdpp: 'vectors' }[type];
      const loaded = factory.load(JSON.parse(JSON.stringify(fitted.meta)), fitted.arrays);
      expect([fitted.items?.kind, loaded.items?.kind]).toEqual([kind, kind]);
      const items = loaded.items;
      if (items?.kind === 'vectors') {
        expect(items.dim).toBeGreaterThan(0);
        expect(items.values).toHaveLength(20 * items.dim);
      }
      if (items?.kind === 'neighbours') expect([items.rows.numRows, items.rows.offsets.length]).toEqual([20, 21]);
      if (items?.kind === 'matrix') expect(items.weights).toHaveLength(400);
      expect(loaded.items).toEqual(fitted.items);
    });
  });

  it('load rejects meta that does not fit, naming the key', () => {
    const interactions = data('implicit');
    const fitted = classicFactory('ease').fit(section('ease'), interactions, { feedback: 'implicit', seed: 1 });
    expect(() => classicFactory('ease').load({ ...fitted.meta, numItems: 'many' }, fitted.arrays)).toThrow(/ease meta: numItems: /);
    expect(() => classicFactory('ease').load({ ...fitted.meta, numItems: 21 }, fitted.arrays)).toThrow(/weights/);
  });

  it('ease refuses a catalogue above maxItems before fitting, with the bytes a fit would need', () => {
    const config = section('ease', { maxItems: 10 });
    expect(() => classicFactory('ease').checkSize?.(config, 30, 20)).toThrow(/models\.ease: ease: 20 items exceed maxItems 10; .* would need \d+ bytes/);
    expect(() => classicFactory('ease').fit(config, data('implicit'), { feedback: 'implicit', seed: 1 })).toThrow(/exceed maxItems 10/);
  });
});
