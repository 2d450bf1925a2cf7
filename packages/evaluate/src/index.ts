/** @deeprec/evaluate: predictions and metrics from saved models -> eval artifacts. */
export { runEvaluate, writeEvaluate, loadNetwork, type EvaluateInputs, type EvaluateOutput } from './run';
