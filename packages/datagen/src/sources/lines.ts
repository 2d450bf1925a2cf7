/**
 * Streaming input: a file is read in chunks and handed on line by line with its
 * 1-based line number (\n and \r\n endings), and lines are split into fields with
 * RFC-4180 quoting. No file is ever held in memory as one string.
 */
import { createReadStream } from 'node:fs';
import { DataError, messageOf } from '@deeprec/base';
import { show } from './text';

export type Encoding = 'utf8' | 'latin1';

/** Called with each line (without its ending) and its 1-based number. */
export type LineHandler = (line: string, lineNo: number) => void;

/**
 * Streams `file` and calls `onLine` for every line, blank ones included, without a
 * leading UTF-8 byte-order mark. Resolves to the number of lines. An error thrown by
 * `onLine` stops reading and is passed on.
 */
export async function readLines(file: string, encoding: Encoding, onLine: LineHandler): Promise<number> {
  const stream = createReadStream(file, { encoding, highWaterMark: 1 << 20 });
  let carry = '';
  let lineNo = 0;
  let firstChunk = true; // where a byte-order mark would be
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let text = carry.length === 0 ? chunk : carry + chunk;
      if (firstChunk && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      firstChunk = false;
      let start = 0;
      let nl = text.indexOf('\n');
      while (nl !== -1) {
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        lineNo += 1;
        onLine(text.slice(start, end), lineNo);
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      carry = text.slice(start);
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${file}: cannot be read (${messageOf(error)})`, { cause: error });
  } finally {
    stream.destroy();
  }
  if (carry.length > 0) {
    lineNo += 1;
    onLine(carry.charCodeAt(carry.length - 1) === 13 ? carry.slice(0, -1) : carry, lineNo);
  }
  return lineNo;
}

/** Whether a line holds nothing but blanks (such lines are skipped). */
export function isBlank(line: string): boolean {
  if (line.length === 0) return true;
  if (line.charCodeAt(0) > 32) return false;
  return line.trim().length === 0;
}

/** A quoted field may run over several lines, but not over this many characters. */
const MAX_RECORD_CHARS = 1 << 20;

/**
 * Splits lines into fields. Without quotes in a line (the common case) this is a
 * plain split on the delimiter; with them, RFC-4180: a field in double quotes may hold
 * the delimiter, `""` for a quote, and line breaks (the record then continues on the
 * next line and is reported under the line it started on).
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
   * there are, or -1 when a quoted field is still open (feed the next line). `record`
   * receives the whole record's text and the line it started on.
   */
  split(line: string, lineNo: number, out: string[], record: { text: string; lineNo: number }): number {
    let text = line;
    let startLine = lineNo;
    if (this.pending !== undefined) {
      text = `${this.pending}\n${line}`;
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
      this.pending = text;
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

/** RFC-4180 split; -1 when the text ends inside a quoted field. Text after a closing quote is kept, as Python's csv does. */
function splitQuoted(text: string, delimiter: string, out: string[]): number {
  let n = 0;
  let i = 0;
  const len = text.length;
  const step = delimiter.length;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      // Quoted field.
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
