/**
 * Logging and progress: a progress bar on a TTY, plain log lines otherwise
 * (CI logs and Nx's captured output stay readable).
 */
import { SingleBar } from 'cli-progress';

export interface Logger {
  info(line: string): void;
  /** Only with --verbose. */
  debug(line: string): void;
  progress(label: string, total: number): Progress;
}

export interface Progress {
  update(done: number, fields?: Record<string, string>): void;
  stop(summary?: string): void;
}

export interface LoggerOptions {
  verbose?: boolean;
  /** Show progress bars; default: stderr is a TTY. */
  tty?: boolean;
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const tty = options.tty ?? Boolean(process.stderr.isTTY);
  return {
    info: write,
    debug: (line) => {
      if (options.verbose) write(line);
    },
    progress(label, total) {
      if (!tty) {
        return { update: () => {}, stop: (summary) => summary !== undefined && write(`${label} ${summary}`) };
      }
      const bar = new SingleBar({
        format: `${label} [{bar}] {value}/{total} {status}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
      });
      bar.start(total, 0, { status: '' });
      return {
        update: (done, fields) => bar.update(done, { status: fields ? Object.entries(fields).map(([k, v]) => `${k} ${v}`).join(' ') : '' }),
        stop: (summary) => {
          bar.stop();
          if (summary !== undefined) write(`${label} ${summary}`);
        },
      };
    },
  };
}
