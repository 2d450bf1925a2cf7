/**
 * data.csv.invalidRows: a malformed rating row (wrong field count, empty id, rating or
 * timestamp that is not a number, rating outside data.scale) either stops the import
 * ('error') or is left out and counted ('skip'), unless more than
 * data.csv.maxInvalidShare of a file's rows are malformed.
 */
import { DataError } from '@deeprec/base';

export interface InvalidRowsPolicy {
  policy: 'error' | 'skip';
  /** Highest share (0-1) of a file's rows that may be left out. */
  maxShare: number;
}

/** A left-out row, for the data manifest. */
export interface InvalidRow {
  file: string;
  /** 1-based physical line where the row starts. */
  line: number;
  /** What was wrong: "expected a numeric rating, found \"x\"". */
  reason: string;
}

/** details.invalidRows of the data manifest (only with invalidRows: skip). */
export interface InvalidRowsReport {
  /** Rows left out, over all files read. */
  count: number;
  /** The first few of them, in file order. */
  first: InvalidRow[];
}

/** How many left-out rows the manifest lists. */
export const LISTED_INVALID_ROWS = 10;

/** The policy every importer without a data.csv section keeps: the first malformed row stops it. */
export const STOP_AT_FIRST: InvalidRowsPolicy = { policy: 'error', maxShare: 0 };

/** Counts the malformed rows of the files of one import. */
export class InvalidRowLog {
  readonly report: InvalidRowsReport = { count: 0, first: [] };
  private fileCount = 0;
  private fileFirst: InvalidRow | undefined;

  constructor(
    readonly policy: InvalidRowsPolicy,
    /** The config key of the share, for the message. */
    private readonly shareKey = 'data.csv.maxInvalidShare',
  ) {}

  /** Starts counting the rows of another file. */
  beginFile(): void {
    this.fileCount = 0;
    this.fileFirst = undefined;
  }

  /** A malformed row: throws with 'error', else records it. */
  reject(file: string, line: number, reason: string): void {
    if (this.policy.policy === 'error') throw new DataError(`${file}:${line}: ${reason}`);
    const row = { file, line, reason };
    this.fileFirst ??= row;
    this.fileCount += 1;
    this.report.count += 1;
    if (this.report.first.length < LISTED_INVALID_ROWS) this.report.first.push(row);
  }

  /** At the end of a file with `valid` good rows: too large a share of malformed ones stops the import. */
  endFile(file: string, valid: number): void {
    const bad = this.fileCount;
    const total = valid + bad;
    // A file with no good row left stops whatever the share.
    if (bad === 0 || (valid > 0 && bad <= this.policy.maxShare * total)) return;
    const first = this.fileFirst as InvalidRow;
    const percent = ((100 * bad) / total).toPrecision(3);
    throw new DataError(
      `${file}: ${bad} of ${total} rows (${percent}%) are malformed, more than ${this.shareKey} (${this.policy.maxShare}) allows; ` +
        `expected at most ${Math.floor(this.policy.maxShare * total)}; the first, line ${first.line}: ${first.reason}`,
    );
  }
}
