/** Side features: one row per dense user or item index, filled from a streamed feature file. */
import { type Columns } from '@deeprec/artifacts';
import { DataError } from '@deeprec/base';
import type { IdIndex } from './builder';
import { FieldSplitter } from './fields';
import { isBlank, readLines, type Encoding } from './lines';
import { parseInteger, separatedBy, show, trimField } from './text';

export type FeatureType = 'int32' | 'utf8';

/** Feature columns for `n` entities; entities without a feature line keep 0 or ''. */
export class FeatureColumns {
  readonly columns: Columns = {};

  constructor(n: number, spec: Record<string, FeatureType>) {
    for (const [name, type] of Object.entries(spec)) {
      this.columns[name] = type === 'int32' ? new Int32Array(n) : new Array<string>(n).fill('');
    }
  }

  setInt(name: string, row: number, value: number): void {
    (this.columns[name] as Int32Array)[row] = value;
  }

  setText(name: string, row: number, value: string): void {
    (this.columns[name] as string[])[row] = value;
  }
}

export interface FeatureFileLayout {
  encoding: Encoding;
  delimiter: string;
  quotes: boolean;
  header: boolean;
  /** How many fields every line has. */
  fields: number;
  /** What they are, for the field-count message: "id, age, gender, occupation, zip code". */
  names: string;
}

/** Tells a record handler where it is, for messages. */
export interface FeatureLine {
  file: string;
  lineNo: number;
  text: string;
}

/**
 * Streams a feature file and calls `onRecord` with the fields of each line whose id
 * (field 0) is a known entity, with its dense index. Lines of entities that have no
 * ratings are skipped.
 */
export async function readFeatureFile(
  file: string,
  layout: FeatureFileLayout,
  ids: IdIndex,
  onRecord: (fields: string[], dense: number, at: FeatureLine) => void,
): Promise<void> {
  const splitter = new FieldSplitter(file, layout.delimiter, layout.quotes);
  const fields: string[] = [];
  const record = { text: '', lineNo: 0 };
  const at: FeatureLine = { file, lineNo: 0, text: '' };
  let headerSeen = !layout.header;
  const expected = layout.fields;
  await readLines(file, layout.encoding, (line, lineNo, ending) => {
    if (!splitter.open && isBlank(line)) return;
    const n = splitter.split(line, lineNo, ending, fields, record);
    if (n === -1) return;
    if (!headerSeen) {
      headerSeen = true;
      return;
    }
    if (n !== expected) {
      throw new DataError(
        `${file}:${record.lineNo}: expected ${expected} ${separatedBy(layout.delimiter)} fields (${layout.names}), found ${n}: ${show(record.text)}`,
      );
    }
    const dense = ids.get(trimField(fields[0] as string));
    if (dense === undefined) return;
    at.lineNo = record.lineNo;
    at.text = record.text;
    onRecord(fields, dense, at);
  });
  splitter.finish();
}

/** A whole number field (an age), or a DataError naming the line. */
export function intField(text: string, what: string, at: FeatureLine): number {
  const value = parseInteger(trimField(text));
  if (Number.isNaN(value) || Math.abs(value) > 2 ** 31 - 1) throw new DataError(`${at.file}:${at.lineNo}: expected an integer ${what}, found ${show(text)}`);
  return value;
}

/** The year of "01-Jan-1995" (0 when there is none). */
export function yearOfDate(date: string): number {
  const m = /(\d{4})\s*$/.exec(date);
  return m ? Number(m[1]) : 0;
}

/** The year in a title's trailing "(1995)" (also "(2006-2007)"), 0 when there is none. */
export function yearOfTitle(title: string): number {
  const m = /\((\d{4})(?:\s*[-\u2013]\s*\d{0,4})?\)\s*$/.exec(title);
  return m ? Number(m[1]) : 0;
}

/** The 'zip prefix': first character of a zip code, '' when there is none. */
export function zipPrefix(zip: string): string {
  return trimField(zip).slice(0, 1);
}
