/** A logger that records what a stage printed, so tests can assert on it. */
import { createLogger, type Logger } from '@deeprec/base';

export function silentLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ tty: false, verbose: true, write: (l) => lines.push(l) });
  return Object.assign(logger, { lines });
}
