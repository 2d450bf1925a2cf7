/**
 * The served models and their hot swap. Each model name holds one current version: a
 * Recommender loaded from the saved artifacts by evaluate's loadRecommender (the code
 * `deeprec recommend` runs), the hash of the files it was loaded from, and its own
 * micro-batcher. A reload loads the new version beside the old one and swaps the
 * reference in one assignment; requests hold the version they started on (acquire /
 * release), so in-flight ones finish on the old version, whose tfjs tensors are freed
 * once the last of them is done. A failed load keeps the old version and says why.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ArtifactCatalogue } from '@deeprec/artifacts';
import { hashFile, hashValue, messageOf, type Logger } from '@deeprec/base';
import type { ExperimentConfig } from '@deeprec/config';
import { loadRecommender, type Recommender } from '@deeprec/evaluate';
import { RecommendBatcher, type BatchOptions } from './batcher';

/** One loaded version of a model. */
export interface ModelVersion {
  readonly name: string;
  readonly type: string;
  /** Hash of the artifact files this version was loaded from (artifactsHash). */
  readonly hash: string;
  readonly loadedAt: string;
  readonly rec: Recommender;
  readonly batcher: RecommendBatcher;
  /** Whether the model has an item representation (/v1/similar). */
  readonly similar: boolean;
}

interface Slot {
  current: Held;
}

/** A version with its count of requests in flight. */
class Held {
  private users = 0;
  private retired = false;

  constructor(readonly version: ModelVersion) {}

  acquire(): void {
    this.users += 1;
  }

  release(): void {
    this.users -= 1;
    this.disposeIfDone();
  }

  retire(): void {
    this.retired = true;
    this.disposeIfDone();
  }

  private disposeIfDone(): void {
    // pending batched requests count as users: they were acquired before they queued
    if (this.retired && this.users === 0) this.version.rec.scorer.dispose();
  }
}

/**
 * Hash of what a model version is loaded from: every file directly in models/<name>/
 * (the network or classic arrays, history and the train manifest, rewritten by every
 * training) and the data manifest (rewritten by every datagen), by name and content.
 */
export function artifactsHash(artifactsRoot: string, experiment: string, model: string): string {
  const catalogue = new ArtifactCatalogue(artifactsRoot, experiment);
  const dir = catalogue.model(model).dir;
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files[name] = hashFile(path);
  }
  return hashValue({ model: files, data: hashFile(catalogue.data().manifest) });
}

export interface ModelSetOptions {
  config: ExperimentConfig;
  artifactsRoot: string;
  models: readonly string[];
  batch: BatchOptions;
  log: Logger;
}

export class ModelSet {
  private readonly slots = new Map<string, Slot>();
  private reloading: Promise<void> = Promise.resolve();

  private constructor(private readonly options: ModelSetOptions) {}

  /** Loads every model once; any failure here is the caller's (the server does not start). */
  static async load(options: ModelSetOptions): Promise<ModelSet> {
    const set = new ModelSet(options);
    for (const name of options.models) set.slots.set(name, { current: new Held(await set.loadVersion(name)) });
    return set;
  }

  get names(): string[] {
    return [...this.slots.keys()];
  }

  has(name: string): boolean {
    return this.slots.has(name);
  }

  /** The current version of each model (a snapshot; not held). */
  versions(): ModelVersion[] {
    return [...this.slots.values()].map((s) => s.current.version);
  }

  /** Runs `use` on the model's current version, which stays loaded until `use` settles, whatever reloads meanwhile. */
  async use<T>(name: string, use: (version: ModelVersion) => Promise<T> | T): Promise<T> {
    const slot = this.slots.get(name);
    if (!slot) throw new RangeError(`no model '${name}'`);
    const held = slot.current;
    held.acquire();
    try {
      return await use(held.version);
    } finally {
      held.release();
    }
  }

  /**
   * Reloads every model whose artifacts changed (their hash differs), one reload at a time;
   * resolves when this reload is done. A model that fails to load keeps its old version.
   */
  reload(reason: string): Promise<void> {
    this.reloading = this.reloading.then(() => this.reloadChanged(reason));
    return this.reloading;
  }

  private async reloadChanged(reason: string): Promise<void> {
    const { config, artifactsRoot, log } = this.options;
    for (const [name, slot] of this.slots) {
      const old = slot.current.version;
      let next: ModelVersion;
      try {
        if (artifactsHash(artifactsRoot, config.name, name) === old.hash) continue;
        next = await this.loadVersion(name);
      } catch (error) {
        log.info(`serve: reload of ${name} (${reason}) failed, still serving ${old.hash}: ${messageOf(error)}`);
        continue;
      }
      const retired = slot.current;
      slot.current = new Held(next);
      retired.retire();
      log.info(`serve: ${name} ${old.hash} -> ${next.hash} (${reason})`);
    }
  }

  private async loadVersion(name: string): Promise<ModelVersion> {
    const { config, artifactsRoot, batch } = this.options;
    // hash first: files replaced during the load make the next reload see a new hash and load
    // again; a missing folder is left to loadRecommender, whose error names the missing file
    let hash: string | undefined;
    try {
      hash = artifactsHash(artifactsRoot, config.name, name);
    } catch {
      hash = undefined;
    }
    const rec = await loadRecommender(config, name, artifactsRoot);
    hash ??= artifactsHash(artifactsRoot, config.name, name);
    return {
      name,
      type: config.models[name]?.type ?? 'unknown',
      hash,
      loadedAt: new Date().toISOString(),
      rec,
      batcher: new RecommendBatcher(rec, batch),
      similar: rec.scorer.items() !== undefined,
    };
  }

  /** Frees every version (after the server has closed). */
  dispose(): void {
    for (const slot of this.slots.values()) slot.current.retire();
  }
}
