/** Which loss a model trains with: train.loss resolved against the data's feedback. */
import { type DataInfo } from '@deeprec/artifacts';
import { ConfigError } from '@deeprec/base';
import { type ResolvedModelConfig, type TrainConfig } from '@deeprec/config';

export type Loss = Exclude<TrainConfig['loss'], 'auto'>;
export type Feedback = DataInfo['feedback'];

/** The losses each kind of data accepts. */
export const LOSSES_FOR: Record<Feedback, readonly Loss[]> = { explicit: ['mse'], implicit: ['bce', 'bpr'] };

/**
 * auto: mse for explicit data, bce for implicit data. bce or bpr on explicit data, or
 * mse on implicit data, is a ConfigError naming the key: `train.loss` when the model
 * inherits the top-level value, else `models.<name>.train.loss`.
 */
export function resolveLoss(model: Pick<ResolvedModelConfig, 'name' | 'train'>, feedback: Feedback | undefined, topLevel?: Pick<TrainConfig, 'loss'>): Loss {
  const kind: Feedback = feedback ?? 'explicit';
  const loss = model.train.loss;
  if (loss === 'auto') return kind === 'implicit' ? 'bce' : 'mse';
  const allowed = LOSSES_FOR[kind];
  if (allowed.includes(loss)) return loss;
  const key = topLevel && topLevel.loss === loss ? 'train.loss' : `models.${model.name}.train.loss`;
  const expected = `${allowed.join(', ')} or auto`;
  const other = kind === 'implicit' ? 'explicit' : 'implicit';
  throw new ConfigError(`${key}: expected ${expected} for ${kind} data (data.feedback: ${kind}), found '${loss}' (a loss for ${other} data)`);
}
