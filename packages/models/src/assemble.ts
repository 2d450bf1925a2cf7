/** Turns one graph function into a RecModel: the saved network and the training pass. */
import * as tf from '@tensorflow/tfjs';
import type { NetworkModelType, ResolvedModelConfig } from '@deeprec/config';
import type { RecModel } from './contract';
import type { KernelPlan } from './kernelPlan';
import { kernelVariables, squeezeOutput, type LayerFactory } from './layers';
import { symbolicPass, trainingForward, type AnyTensor, type Pass } from './pass';

/** A model's architecture, written once for symbolic and concrete inputs. */
export type Graph = <T extends AnyTensor>(user: T, item: T, pass: Pass) => { output: T; embeddings: T[] };

/** `plan`: the network's parts for the kernel engine, when it has that engine's shape (kernelPlan.ts). */
export function assemble(config: ResolvedModelConfig<NetworkModelType>, factory: LayerFactory, graph: Graph, plan: KernelPlan | null = null): RecModel {
  const user = tf.input({ shape: [1], dtype: 'int32', name: 'user' });
  const item = tf.input({ shape: [1], dtype: 'int32', name: 'item' });
  const symbolic = graph(user, item, symbolicPass(config.name));
  const network = tf.model({ inputs: [user, item], outputs: symbolic.output, name: config.name.replace(/-/g, '_') });
  factory.fillTables();
  return {
    name: config.name,
    type: config.type,
    network,
    kernels: kernelVariables(factory.kernels),
    kernelPlan: plan,
    trainingPass(users, items, forward) {
      const pass = graph(users as tf.Tensor, items as tf.Tensor, trainingForward(forward));
      return { output: squeezeOutput(pass.output), embeddings: pass.embeddings };
    },
  };
}
