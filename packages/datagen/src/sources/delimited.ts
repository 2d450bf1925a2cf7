/** Reads a delimited text file of ratings (u.data, ratings.dat, ratings.csv, any CSV) into a RatingsBuilder. */
import { ConfigError, DataError } from '@deeprec/base';
import type { RatingsBuilder } from './builder';
import { FieldSplitter } from './fields';
import { InvalidRowLog, STOP_AT_FIRST } from './invalidRows';
import { estimateLines, isBlank, readLines, type Encoding } from './lines';
import { clip, parseInteger, parseNumber, requireFile, separatedBy, show, trimField } from './text';

/** A header name, or a 0-based index. */
export type ColumnRef = string | number;

export interface RatingColumns {
  user: ColumnRef;
  item: ColumnRef;
  rating: ColumnRef;
  timestamp?: ColumnRef | undefined;
}

export interface RatingsLayout {
  /** What the file should be, for "file not found; expected ..." */
  what: string;
  encoding: Encoding;
  delimiter: string;
  /** Whether a field may be in double quotes (RFC 4180). */
  quotes: boolean;
  header: boolean;
  columns: RatingColumns;
  /** A fixed layout ("user, item, rating, timestamp"): every line has exactly these fields. Else the first line sets the count. */
  fixedFields?: string[];
  /** Config key of the column mapping, for messages about it. */
  columnsKey?: string;
  /** Config key of the encoding, when the user picks it. */
  encodingKey?: string;
}

type Role = keyof RatingColumns;
const ROLES: Role[] = ['user', 'item', 'rating', 'timestamp'];

/**
 * Streams one ratings file into the builder. Resolves to the number of rating lines
 * read. Malformed rows go to `invalid`, which stops at the first unless its policy
 * skips them.
 */
export async function readDelimitedRatings(
  file: string,
  layout: RatingsLayout,
  builder: RatingsBuilder,
  invalid: InvalidRowLog = new InvalidRowLog(STOP_AT_FIRST),
): Promise<number> {
  requireFile(file, layout.what);
  const { delimiter, columns } = layout;
  const columnsKey = layout.columnsKey ?? 'columns';
  if (!layout.header) {
    for (const role of ROLES) {
      const ref = columns[role];
      if (typeof ref === 'string') {
        throw new ConfigError(`${columnsKey}.${role}: expected a 0-based column index when there is no header line, found '${ref}'`);
      }
    }
  }
  const hasTimestamp = columns.timestamp !== undefined;
  builder.beginFile(file, 'line', hasTimestamp);
  // Growing the columns by doubling costs as much as parsing (page faults on the copies): size them once.
  builder.reserve(estimateLines(file));
  const splitter = new FieldSplitter(file, delimiter, layout.quotes);
  const fields: string[] = [];
  const record = { text: '', lineNo: 0 };
  let expected = layout.fixedFields?.length ?? -1;
  let firstLine = 0;
  let headerSeen = !layout.header;
  let ui = 0;
  let ii = 0;
  let ri = 0;
  let ti = -1;
  let count = 0;

  const fieldCountReason = (n: number): string => {
    const what = layout.fixedFields
      ? `${expected} ${separatedBy(delimiter)} fields (${layout.fixedFields.join(', ')})`
      : `${expected} ${separatedBy(delimiter)} fields (as ${layout.header ? 'in the header on' : 'on'} line ${firstLine})`;
    return `expected ${what}, found ${n}: ${show(record.text)}`;
  };

  /** Column positions from the header (names or indices) or, without one, from the first line's field count. */
  const mapColumns = (n: number, names: string[] | undefined): void => {
    const index = (role: Role, ref: ColumnRef): number => {
      if (typeof ref === 'number') {
        if (ref >= n) {
          const line = names ? 'the header has' : `line ${record.lineNo} has`;
          throw new DataError(
            `${file}:${record.lineNo}: ${columnsKey}.${role} is column ${ref} (0-based), but ${line} ${n} field${n === 1 ? '' : 's'}; expected an index from 0 to ${n - 1}`,
          );
        }
        return ref;
      }
      const at = (names as string[]).indexOf(ref);
      if (at === -1) {
        throw new DataError(`${file}:${record.lineNo}: expected a column named '${ref}' in the header, found: ${clip((names as string[]).join(', '))}`);
      }
      return at;
    };
    ui = index('user', columns.user);
    ii = index('item', columns.item);
    ri = index('rating', columns.rating);
    ti = columns.timestamp === undefined ? -1 : index('timestamp', columns.timestamp);
    if (expected === -1) expected = n;
    firstLine = record.lineNo;
  };

  invalid.beginFile();
  const lines = await readLines(
    file,
    layout.encoding,
    (line, lineNo, ending) => {
      if (!splitter.open && isBlank(line)) return;
      const n = splitter.split(line, lineNo, ending, fields, record);
      if (n === -1) return;
      if (!headerSeen) {
        headerSeen = true;
        mapColumns(n, fields.slice(0, n).map(trimField));
        return;
      }
      // A fixed layout checks the field count first; otherwise the first line sets it.
      if (firstLine === 0 && !(layout.fixedFields && n !== expected)) mapColumns(n, undefined);
      const at = record.lineNo;
      if (n !== expected) return invalid.reject(file, at, fieldCountReason(n));
      const user = trimField(fields[ui] as string);
      const item = trimField(fields[ii] as string);
      const ratingText = fields[ri] as string;
      const rating = parseNumber(ratingText);
      if (user.length === 0) return invalid.reject(file, at, `expected a user id, found an empty field: ${show(record.text)}`);
      if (item.length === 0) return invalid.reject(file, at, `expected an item id, found an empty field: ${show(record.text)}`);
      if (Number.isNaN(rating)) return invalid.reject(file, at, `expected a numeric rating, found ${show(ratingText)}`);
      const outside = builder.checkRating(rating);
      if (outside) return invalid.reject(file, at, outside);
      let timestamp = 0;
      if (ti !== -1) {
        timestamp = parseInteger(trimField(fields[ti] as string));
        if (Number.isNaN(timestamp)) return invalid.reject(file, at, `expected an integer timestamp (seconds), found ${show(fields[ti] as string)}`);
      }
      builder.add(user, item, rating, timestamp, at);
      count += 1;
    },
    layout.encodingKey,
  );
  splitter.finish();
  invalid.endFile(file, count);
  if (count === 0) {
    if (lines > 0 && layout.header && headerSeen) throw new DataError(`${file}: has a header but no rating lines; expected rating lines after it`);
    throw new DataError(`${file} is empty; expected rating lines`);
  }
  return count;
}
