/** @deeprec/cli: the deeprec binary. */
export { main } from './main';
