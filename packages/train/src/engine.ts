/**
 * The three training engines, and which one runs (train.engine; DESIGN section 6).
 *
 * fused (fused/step.ts): one gradient pass in which the step gathers embedding rows
 * itself and captures their gradients, then Adam as plain loops over host memory (lazy:
 * only the rows in the batch). On wasm and cpu the tensors live in host memory, so this
 * removes tfjs's gather, segment-sum and per-variable optimizer kernels: the fast path.
 *
 * kernels (kernels/step.ts, opt-in): a batch as calls into compiled WebAssembly SIMD code that
 * holds the weights and Adam state, copied into the tfjs variables once an epoch; no tfjs ops.
 *
 * tfjs: tf.Optimizer.minimize over the same forward pass. On the native tensorflow backend
 * (tfjs-node, tfjs-node-gpu) tables and optimizer state stay on the device; the fused
 * engine there would copy every embedding table to the host and back on every step.
 */
import type * as tf from '@tensorflow/tfjs';
import { overrideNames } from '@deeprec/compute';
import type { TrainConfig } from '@deeprec/config';
import type { EmbedOverride, RecModel } from '@deeprec/models';
import type { Examples } from './epoch';
import { FusedAdamStep } from './fused/step';
import { kernelBuild, type KernelBuild } from './kernels/module';
import { kernelGap, KernelStep } from './kernels/step';
import { createOptimizer, setLearningRate } from './optimizers';

export type EngineName = 'fused' | 'tfjs' | 'kernels';
/** What the config asks for: train.engine. */
export type EngineSetting = TrainConfig['engine'];

/** Backends whose tensors live in host memory that the fused step reads and updates directly. */
const HOST_BACKENDS: ReadonlySet<string> = new Set(['wasm', 'cpu']);

export interface EngineChoice {
  engine: EngineName;
  requested: EngineSetting;
  /** A line for the log when the choice departs from the request or is a known slow path; else null. */
  note: string | null;
}

/**
 * The kernel engine where it covers the model and loss; else the fused engine, with a note
 * saying what it does not cover (the model's network shape, or the loss).
 */
export function coverKernels(choice: EngineChoice, model: RecModel, loss: string): EngineChoice {
  if (choice.engine !== 'kernels') return choice;
  const gap = kernelGap(model, loss);
  return gap ? { engine: 'fused', requested: choice.requested, note: `the kernel engine does not cover ${gap}; training with the fused engine` } : choice;
}

/**
 * auto: fused on the host-memory backends (wasm, cpu), tfjs elsewhere (tensorflow, and any
 * device backend). An explicit request is honoured, with a note where it costs; the fused
 * engine implements Adam only, so other optimizers always train with tfjs's. kernels (with
 * adam) is honoured on any backend; coverKernels then checks the model and loss.
 */
export function resolveEngine(requested: EngineSetting, backend: string, optimizer: TrainConfig['optimizer']['name']): EngineChoice {
  if (requested === 'tfjs') return { engine: 'tfjs', requested, note: null };
  if (optimizer !== 'adam') {
    return { engine: 'tfjs', requested, note: requested === 'fused' || requested === 'kernels' ? `the ${requested} engine supports adam only; training ${optimizer} with tfjs's optimizer` : null };
  }
  // The kernels hold the weights in their own memory on any backend and copy them to the variables once an epoch.
  if (requested === 'kernels') return { engine: 'kernels', requested, note: null };
  const onHost = HOST_BACKENDS.has(backend);
  if (requested === 'fused') {
    const note = onHost ? null : `train.engine: fused on the ${backend} backend copies every embedding table to the host and back on every step (auto trains with tfjs's optimizer here, on the device)`;
    return { engine: 'fused', requested, note };
  }
  return { engine: onHost ? 'fused' : 'tfjs', requested, note: null };
}

/** One run's optimisation steps; made by the training loop, which disposes it when the run ends. */
export interface TrainingEngine {
  readonly name: EngineName;
  setLearningRate(rate: number): void;
  /**
   * One step on the loss `lossOf` builds; `lossOf` passes `embed` (the fused engine's
   * lookups, or undefined) to the model's forward pass. Returns the loss, which the caller disposes.
   */
  step(lossOf: (embed?: EmbedOverride) => tf.Scalar): tf.Scalar;
  /** The kernel engine: one step on the batch's arrays, no tfjs ops; returns the loss. Absent elsewhere. */
  stepArrays?(batch: Examples, size: number): number;
  /** Writes weights held outside the tfjs variables into them (the kernel engine, before validation and at the end of every epoch). */
  sync?(): void;
  /** Frees what the engine created (optimizer state, gradient anchors); the model's weights are the caller's. */
  dispose(): void;
}

class TfjsEngine implements TrainingEngine {
  readonly name = 'tfjs';
  private readonly optimizer: tf.Optimizer;

  constructor(
    config: TrainConfig['optimizer'],
    private readonly variables: tf.Variable[],
  ) {
    this.optimizer = createOptimizer(config);
  }

  setLearningRate(rate: number): void {
    setLearningRate(this.optimizer, rate);
  }

  step(lossOf: (embed?: EmbedOverride) => tf.Scalar): tf.Scalar {
    return this.optimizer.minimize(() => lossOf(), true, this.variables) as tf.Scalar;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

class FusedEngine implements TrainingEngine {
  readonly name = 'fused';
  private readonly fused: FusedAdamStep;

  constructor(model: RecModel, config: TrainConfig['optimizer']) {
    this.fused = new FusedAdamStep(model, { ...config, lazy: config.lazy });
  }

  setLearningRate(rate: number): void {
    this.fused.learningRate = rate;
  }

  step(lossOf: (embed?: EmbedOverride) => tf.Scalar): tf.Scalar {
    return this.fused.step(lossOf);
  }

  dispose(): void {
    this.fused.dispose();
  }
}

/** What the kernel engine needs beyond the optimizer settings (the loop's loss, penalties, batch size and dropout stream). */
export interface KernelSettings {
  loss: 'mse' | 'bce';
  l2: number;
  denseL2: number;
  maxBatch: number;
  nextSeed: () => number;
}

class KernelEngine implements TrainingEngine {
  readonly name = 'kernels';
  private readonly kernels: KernelStep;

  constructor(model: RecModel, config: TrainConfig['optimizer'], settings: KernelSettings) {
    this.kernels = new KernelStep(model, { ...config, ...settings });
  }

  setLearningRate(rate: number): void {
    this.kernels.learningRate = rate;
  }

  step(): tf.Scalar {
    throw new Error('the kernel engine steps on arrays (stepArrays), not on a tfjs loss');
  }

  stepArrays(batch: Examples, size: number): number {
    if (!batch.target) throw new Error('the kernel engine needs targets (mse or bce)');
    return this.kernels.step(batch.user, batch.item, batch.target, size);
  }

  sync(): void {
    this.kernels.sync();
  }

  dispose(): void {}
}

/** The engine `engine` names, for this model's trainable `variables` (`kernels`: the kernel engine's settings). */
export function createEngine(engine: EngineName, model: RecModel, config: TrainConfig['optimizer'], variables: tf.Variable[], kernels?: KernelSettings): TrainingEngine {
  if (engine === 'kernels') {
    if (!kernels) throw new Error('createEngine: the kernel engine needs its settings');
    return new KernelEngine(model, config, kernels);
  }
  return engine === 'fused' ? new FusedEngine(model, config) : new TfjsEngine(config, variables);
}

/** What the train manifest records of the engine: one small field of its details. */
export interface EngineRecord {
  name: EngineName;
  requested: EngineSetting;
  /** The tfjs overrides in force (@deeprec/compute's tfjsInternals), e.g. wasm:GatherV2. */
  tfjsOverrides: string[];
  /** The kernel engine's compiled build (kernels/module.ts): fma or simd; absent for the other engines. */
  kernelBuild?: KernelBuild;
}

export function engineRecord(choice: EngineChoice): EngineRecord {
  const record: EngineRecord = { name: choice.engine, requested: choice.requested, tfjsOverrides: overrideNames() };
  return choice.engine === 'kernels' ? { ...record, kernelBuild: kernelBuild() } : record;
}
