/** Splitting lines into fields, with RFC 4180 quoting where the format has it. */
import { DataError } from '@deeprec/base';
import { show } from './text';

/** A quoted field may run over several lines, but not over this many characters. */
const MAX_RECORD_CHARS = 1 << 20;

/** Where a record came from, for messages: its whole text and the line it started on. */
export interface RecordText {
  text: string;
  lineNo: number;
}

/**
 * Splits lines into fields. Without quotes in a line (the common case) this is a
 * plain split on the delimiter; with them, RFC 4180: a field in double quotes may hold
 * the delimiter, `""` for a quote, and line breaks (the record then continues on the
 * next line, keeps the line break as it was in the file, and is reported under the
 * line it started on).
 */
export class FieldSplitter {
  private pending: string | undefined;
  private pendingLine = 0;

  constructor(
    private readonly file: string,
    private readonly delimiter: string,
    private readonly quotes: boolean,
  ) {}

  /** Whether a quoted field is open: the next line continues the record. */
  get open(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Fills `out` with the fields of the record ending on this line and returns how many
   * there are, or -1 when a quoted field is still open (feed the next line). `ending`
   * is the line's line break, kept in a quoted field that spans it. `record` receives
   * the whole record's text and the line it started on.
   */
  split(line: string, lineNo: number, ending: string, out: string[], record: RecordText): number {
    let text = line;
    let startLine = lineNo;
    if (this.pending !== undefined) {
      text = this.pending + line;
      startLine = this.pendingLine;
      this.pending = undefined;
    }
    record.text = text;
    record.lineNo = startLine;
    if (!this.quotes || text.indexOf('"') === -1) return splitPlain(text, this.delimiter, out);
    const n = splitQuoted(text, this.delimiter, out);
    if (n === -1) {
      if (text.length > MAX_RECORD_CHARS) {
        throw new DataError(`${this.file}:${startLine}: a quoted field runs past ${MAX_RECORD_CHARS} characters; expected a closing '"': ${show(text)}`);
      }
      this.pending = text + ending;
      this.pendingLine = startLine;
    }
    return n;
  }

  /** Call at the end of the file: an open quoted field is an error. */
  finish(): void {
    if (this.pending !== undefined) {
      throw new DataError(`${this.file}:${this.pendingLine}: quoted field is never closed; expected a closing '"' before the end of the file: ${show(this.pending)}`);
    }
  }
}

function splitPlain(text: string, delimiter: string, out: string[]): number {
  let n = 0;
  let start = 0;
  const step = delimiter.length;
  let at = text.indexOf(delimiter);
  while (at !== -1) {
    out[n] = text.slice(start, at);
    n += 1;
    start = at + step;
    at = text.indexOf(delimiter, start);
  }
  out[n] = text.slice(start);
  return n + 1;
}

/** RFC 4180 split; -1 when the text ends inside a quoted field. Text after a closing quote is kept, as Python's csv does. */
function splitQuoted(text: string, delimiter: string, out: string[]): number {
  let n = 0;
  let i = 0;
  const len = text.length;
  const step = delimiter.length;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q === -1) return -1;
        value += text.slice(from, q);
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          from = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const at = text.indexOf(delimiter, i);
      if (at === -1) {
        out[n] = value + text.slice(i);
        return n + 1;
      }
      out[n] = value + text.slice(i, at);
      n += 1;
      i = at + step;
    } else {
      const at = text.indexOf(delimiter, i);
      if (at === -1) {
        out[n] = text.slice(i);
        return n + 1;
      }
      out[n] = text.slice(i, at);
      n += 1;
      i = at + step;
    }
    if (i > len) break;
  }
  return n;
}
