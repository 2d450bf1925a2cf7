/**
 * A generator of nasty delimited rating files, and what an importer should make of
 * them: LF, CR LF, lone CR or all three mixed; RFC 4180 quoting (delimiters, doubled
 * quotes and line breaks inside quoted fields, needless quotes); a byte-order mark;
 * UTF-8 or Latin-1; ids of every kind (numbers with and without leading zeros, ISBNs,
 * UUIDs, e-mail addresses, names with accents, commas and quotes); blank lines and
 * malformed rows. The expected rows are built alongside the text, line numbers by
 * counting the line ends written, so no parser is trusted to produce them.
 */
import { Rng } from '@deeprec/base';

export type LineEnds = 'lf' | 'crlf' | 'cr' | 'mixed';

export interface CorpusOptions {
  seed: number;
  /** Good rating rows. */
  rows: number;
  lineEnds: LineEnds;
  encoding: 'utf8' | 'latin1';
  bom: boolean;
  delimiter: ',' | ';' | '\t';
  /** Share of malformed rows among all rows (0-1). */
  garbage: number;
  /** Whether blank lines are sprinkled in. */
  blankLines: boolean;
  /** Whether every field is quoted (as some database exports do). */
  quoteAll: boolean;
  /** Whether the last line has a line end. */
  finalLineEnd: boolean;
}

export interface ExpectedRow {
  user: string;
  item: string;
  rating: number;
  timestamp: number;
  /** Physical line the row starts on. */
  line: number;
}

export interface Corpus {
  bytes: Buffer;
  /** The good rows, in file order, as the importer should read them (ids trimmed). */
  rows: ExpectedRow[];
  /** The lines where malformed rows start, in file order. */
  invalidLines: number[];
  /** Every record after the header, as an RFC 4180 parser sees it (fields unquoted, not trimmed), with its first line. */
  records: Array<{ fields: string[]; line: number }>;
}

/** The header: a Book-Crossing-like layout with a free-text column after the ratings. */
export const CORPUS_COLUMNS = { user: 'User-ID', item: 'ISBN', rating: 'Book-Rating', timestamp: 'Time' } as const;
const HEADER = [CORPUS_COLUMNS.user, CORPUS_COLUMNS.item, CORPUS_COLUMNS.rating, CORPUS_COLUMNS.timestamp, 'Comment'];

const LATIN1_WORDS = ['José', 'Zoë', 'Ærø', 'Smith, John', 'O\'Brien', 'say "hi"', 'Café; Señor', 'naïve\tcafé', '¿Qué?', 'Straße', '50% off', 'a|b'];
const UTF8_WORDS = ['東京', 'Ελλάδα', '😀 emoji', 'Ωmega', 'עברית', 'zoë'];

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(list.length)] as T;
}

function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 1) s += '0123456789abcdef'[rng.int(16)];
  return s;
}

function digits(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 1) s += String(rng.int(10));
  return s;
}

/** An id of a random kind; `k` makes it unique within its kind. */
function makeId(rng: Rng, k: number, utf8: boolean): string {
  const words = utf8 ? [...LATIN1_WORDS, ...UTF8_WORDS] : LATIN1_WORDS;
  switch (rng.int(9)) {
    case 0:
      return String(k + 1);
    case 1:
      return `0${k}`; // a leading zero: a different id from String(k)
    case 2:
      return `${digits(rng, 9)}${'0123456789X'[rng.int(11)]}`; // ISBN-10, maybe with its X check digit
    case 3:
      return `978-${digits(rng, 1)}-${digits(rng, 3)}-${digits(rng, 5)}-${k % 10}`; // ISBN-13 with hyphens
    case 4:
      return `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-a${hex(rng, 3)}-${hex(rng, 12)}`; // UUID
    case 5:
      return `${pick(rng, ['first.last', "o'neil+tag", '"quoted"', 'user_9'])}${k}@example.co.uk`;
    case 6:
      return `${pick(rng, words)} ${k}`;
    case 7:
      return `  padded ${k} `; // surrounding blanks are trimmed
    default:
      return `${pick(rng, ['two\nlines', 'cr\ronly', 'crlf\r\ninside'])} ${k}`;
  }
}

const END_OF: Record<Exclude<LineEnds, 'mixed'>, string> = { lf: '\n', crlf: '\r\n', cr: '\r' };

function lineEnd(rng: Rng, ends: LineEnds): string {
  return ends === 'mixed' ? pick(rng, ['\n', '\r\n', '\r']) : END_OF[ends];
}

/** An id as the importer keeps it: without surrounding spaces, tabs or control characters. */
function trimmed(id: string): string {
  return id.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
}

/** Line ends in `text`: CR LF, CR and LF each count once. */
export function countLineEnds(text: string): number {
  return (text.match(/\r\n|\r|\n/g) ?? []).length;
}

/** The fields of a malformed row and why it is malformed. */
function garbageRow(rng: Rng, good: string[]): string[] {
  const [user, item, rating, timestamp, comment] = good as [string, string, string, string, string];
  switch (rng.int(8)) {
    case 0:
      return [user, item]; // too few fields
    case 1:
      return [...good, 'extra']; // too many
    case 2:
      return ['', item, rating, timestamp, comment]; // empty user id
    case 3:
      return [user, '  ', rating, timestamp, comment]; // blank item id
    case 4:
      return [user, item, '', timestamp, comment]; // empty rating
    case 5:
      return [user, item, pick(rng, ['four', 'NaN', '4,5', '0x4', 'Infinity']), timestamp, comment];
    case 6:
      return [user, item, rating, 'yesterday', comment];
    default:
      return ['#### not a row ####'];
  }
}

/** One file of the corpus. */
export function makeCorpus(options: CorpusOptions): Corpus {
  const rng = new Rng(options.seed, 'csv-corpus');
  const { delimiter } = options;
  const utf8 = options.encoding === 'utf8';
  const users = Array.from({ length: Math.max(2, Math.ceil(options.rows / 6)) }, (_, k) => makeId(rng, k, utf8));
  const items = Array.from({ length: Math.max(2, Math.ceil(options.rows / 4)) }, (_, k) => makeId(rng, k + 100_000, utf8));
  const quote = (field: string): string => {
    const needs = field.includes(delimiter) || field.includes('"') || field.includes('\n') || field.includes('\r');
    return needs || options.quoteAll || rng.uniform() < 0.1 ? `"${field.replace(/"/g, '""')}"` : field;
  };
  const pieces: string[] = [];
  let line = 1;
  let endsWithCR = false;
  const append = (piece: string): void => {
    // A CR, then a piece that starts with LF: the two are one CR LF line end.
    line += countLineEnds(piece) - (endsWithCR && piece.startsWith('\n') ? 1 : 0);
    endsWithCR = piece.endsWith('\r');
    pieces.push(piece);
  };
  const write = (record: string[]): number => {
    const start = line;
    append(record.map(quote).join(delimiter) + lineEnd(rng, options.lineEnds));
    return start;
  };
  write(HEADER);
  const corpus: Corpus = { bytes: Buffer.alloc(0), rows: [], invalidLines: [], records: [] };
  const seen = new Set<string>();
  let good = 0;
  while (good < options.rows) {
    if (options.blankLines && rng.uniform() < 0.05) {
      append(pick(rng, ['', '  ']) + lineEnd(rng, options.lineEnds));
      continue;
    }
    const user = pick(rng, users);
    const item = pick(rng, items);
    const stars = rng.int(11) / 2;
    const rating = pick(rng, [String(stars), ` ${stars} `, stars.toFixed(1)]);
    const timestamp = 1_000_000_000 + rng.int(1_000_000);
    const comment = pick(rng, ['', 'great', 'long, "quoted"\r\nreview', 'line\rbreak', 'tab\there']);
    const fields = [user, item, rating, String(timestamp), comment];
    if (rng.uniform() < options.garbage) {
      const bad = garbageRow(rng, fields);
      const at = write(bad);
      corpus.invalidLines.push(at);
      corpus.records.push({ fields: bad, line: at });
      continue;
    }
    const pair = `${trimmed(user)}\u0000${trimmed(item)}`;
    if (seen.has(pair)) continue;
    seen.add(pair);
    const at = write(fields);
    corpus.records.push({ fields, line: at });
    corpus.rows.push({ user: trimmed(user), item: trimmed(item), rating: stars, timestamp, line: at });
    good += 1;
  }
  let text = pieces.join('');
  if (!options.finalLineEnd) text = text.replace(/(\r\n|\r|\n)$/, '');
  const body = Buffer.from(text, options.encoding);
  corpus.bytes = options.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
  return corpus;
}
