/** Optimizers from the config, and a learning-rate setter that works for each. */
import * as tf from '@tensorflow/tfjs';
import { setOptimizerLearningRate } from '@deeprec/compute';
import type { TrainConfig } from '@deeprec/config';

export type OptimizerConfig = TrainConfig['optimizer'];

export function createOptimizer(config: OptimizerConfig): tf.Optimizer {
  switch (config.name) {
    case 'adam':
      return tf.train.adam(config.learningRate, config.beta1, config.beta2, config.epsilon);
    case 'sgd':
      return tf.train.momentum(config.learningRate, config.momentum);
    case 'rmsprop':
      return tf.train.rmsprop(config.learningRate, config.rho, 0, config.epsilon);
  }
}

/** Sets the rate any tfjs optimizer uses from its next step (a private field: see @deeprec/compute's tfjsInternals). */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  setOptimizerLearningRate(optimizer, rate);
}
