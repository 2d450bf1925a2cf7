/**
 * Streaming input: a file is read in chunks and handed on line by line with its
 * 1-based physical line number. LF, CR LF and a lone CR (classic Mac OS, some
 * spreadsheet exports) each end a line, mixed freely in one file. No file is ever
 * held in memory as one string.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { DataError, messageOf } from '@deeprec/base';
import { ChunkDecoder, EncodingProblem, lineOfByte, type Encoding } from './decode';
import { SHOW_CHARS, show } from './text';

export type { Encoding } from './decode';

/**
 * Called with each line (without its ending), its 1-based number, and the ending
 * itself: '\n', '\r\n', '\r', or '' for a last line without one.
 */
export type LineHandler = (line: string, lineNo: number, ending: string) => void;

/** No line may run past this many characters: a file without line ends is not read as one giant line. */
export const MAX_LINE_CHARS = 1 << 20;

/**
 * Streams `file` and calls `onLine` for every line, blank ones included, without a
 * leading byte-order mark. Resolves to the number of lines. An error thrown by
 * `onLine` stops reading and is passed on. `encodingKey` names the config key that
 * picks the encoding, for the message when the bytes do not fit it.
 */
export async function readLines(file: string, encoding: Encoding, onLine: LineHandler, encodingKey?: string): Promise<number> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  const decoder = new ChunkDecoder({ file, encodingKey }, encoding);
  let carry = '';
  let lineNo = 0;
  try {
    for await (const bytes of stream as AsyncIterable<Buffer>) {
      const chunk = decoder.decode(bytes);
      const text = carry.length === 0 ? chunk : carry + chunk;
      let lineStart = 0;
      let lf = text.indexOf('\n');
      // Most files have no lone CR and many no CR at all: one search per chunk tells.
      let cr = text.indexOf('\r');
      for (;;) {
        let end: number;
        let next: number;
        let ending: string;
        if (cr === -1 || (lf !== -1 && lf < cr)) {
          if (lf === -1) break;
          end = lf;
          next = lf + 1;
          ending = '\n';
          lf = text.indexOf('\n', next);
        } else {
          // A CR as the chunk's last character may be the first half of a CR LF: wait for the next chunk.
          if (cr + 1 === text.length) break;
          end = cr;
          if (text.charCodeAt(cr + 1) === 10) {
            next = cr + 2;
            ending = '\r\n';
            lf = text.indexOf('\n', next);
          } else {
            next = cr + 1;
            ending = '\r';
          }
          cr = text.indexOf('\r', next);
        }
        lineNo += 1;
        onLine(text.slice(lineStart, end), lineNo, ending);
        lineStart = next;
      }
      carry = text.slice(lineStart);
      if (carry.length > MAX_LINE_CHARS) {
        throw new DataError(`${file}:${lineNo + 1}: a line runs past ${MAX_LINE_CHARS} characters; expected lines that end with LF, CR LF or CR; it starts ${show(carry.slice(0, SHOW_CHARS))}...`);
      }
    }
    decoder.end();
  } catch (error) {
    if (error instanceof EncodingProblem) throw new DataError(`${file}:${await lineOfByte(file, error.byteOffset)}: ${error.reason}`);
    if (error instanceof DataError) throw error;
    throw new DataError(`${file}: cannot be read (${messageOf(error)})`, { cause: error });
  } finally {
    stream.destroy();
  }
  if (carry.length > 0) {
    lineNo += 1;
    if (carry.charCodeAt(carry.length - 1) === 13) onLine(carry.slice(0, -1), lineNo, '\r');
    else onLine(carry, lineNo, '');
  }
  return lineNo;
}

/**
 * About how many lines `file` has, from its size and the line ends in its first 64 KiB
 * (a little over, so that columns sized by it rarely need to grow); 0 when the sample
 * has too few lines to tell. Costs one small read.
 */
export function estimateLines(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const sample = Buffer.alloc(Math.min(size, 1 << 16));
    const got = readSync(fd, sample, 0, sample.length, 0);
    let ends = 0;
    for (let i = 0; i < got; i += 1) {
      const b = sample[i] as number;
      if (b === 10 || (b === 13 && sample[i + 1] !== 10)) ends += 1;
    }
    if (ends < 16) return 0;
    return Math.ceil((size / got) * ends * 1.1);
  } finally {
    closeSync(fd);
  }
}

/** Whether a line holds nothing but spaces, tabs and other ASCII control characters (such lines are skipped). */
export function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i += 1) if (line.charCodeAt(i) > 32) return false;
  return true;
}
