/**
 * The csv source over a generated corpus of nasty files (every line-end style, quoting,
 * byte-order marks, Latin-1, ids of every kind, blank lines, malformed rows): the rows
 * imported are the rows written, line numbers are physical lines, and the records
 * agree one by one with csv-parse, a well-kept RFC 4180 parser.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { FieldSplitter } from './fields';
import { isBlank, readLines } from './lines';
import { importRatings } from './index';
import { CORPUS_COLUMNS, makeCorpus, type Corpus, type CorpusOptions, type LineEnds } from './corpus.testutil';
import { configIn, importError, tempDir } from './fixtures.testutil';

const BASE: CorpusOptions = {
  seed: 1,
  rows: 400,
  lineEnds: 'lf',
  encoding: 'utf8',
  bom: false,
  delimiter: ',',
  garbage: 0.05,
  blankLines: true,
  quoteAll: false,
  finalLineEnd: true,
};

/** Every line-end style with each encoding, mark, delimiter and quoting style somewhere. */
const VARIANTS: CorpusOptions[] = (['lf', 'crlf', 'cr', 'mixed'] as LineEnds[]).flatMap((lineEnds, k) => [
  { ...BASE, seed: 10 + k, lineEnds },
  { ...BASE, seed: 20 + k, lineEnds, bom: true, delimiter: ';', finalLineEnd: false },
  { ...BASE, seed: 30 + k, lineEnds, encoding: 'latin1', delimiter: ';', quoteAll: true },
  { ...BASE, seed: 40 + k, lineEnds, delimiter: '\t', blankLines: false, finalLineEnd: k % 2 === 0 },
]);

const label = (o: CorpusOptions) =>
  `${o.lineEnds}, ${o.encoding}${o.bom ? ' with BOM' : ''}, ${JSON.stringify(o.delimiter)}${o.quoteAll ? ', every field quoted' : ''}${o.finalLineEnd ? '' : ', no final line end'}`;

function writeCorpus(corpus: Corpus): string {
  const file = join(tempDir(), 'ratings.csv');
  writeFileSync(file, corpus.bytes);
  return file;
}

function csvConfig(file: string, o: CorpusOptions, csv: Record<string, unknown> = {}) {
  return configIn(tempDir(), {
    source: 'csv',
    path: file,
    csv: { delimiter: o.delimiter === '\t' ? '\\t' : o.delimiter, encoding: o.encoding, columns: CORPUS_COLUMNS, ...csv },
  });
}

/** The records after the header as readLines and FieldSplitter see them, as the csv importer reads them. */
async function ourRecords(file: string, o: CorpusOptions): Promise<Array<{ fields: string[]; line: number }>> {
  const splitter = new FieldSplitter(file, o.delimiter, true);
  const fields: string[] = [];
  const record = { text: '', lineNo: 0 };
  const out: Array<{ fields: string[]; line: number }> = [];
  await readLines(file, o.encoding, (line, lineNo, ending) => {
    if (!splitter.open && isBlank(line)) return;
    const n = splitter.split(line, lineNo, ending, fields, record);
    if (n !== -1) out.push({ fields: fields.slice(0, n), line: record.lineNo });
  });
  splitter.finish();
  return out.slice(1);
}

/** The same records from csv-parse, with blank lines left out as the importer leaves them out. */
function libraryRecords(corpus: Corpus, o: CorpusOptions): string[][] {
  const records = parse(corpus.bytes.toString(o.encoding), {
    delimiter: o.delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
  }) as string[][];
  return records.filter((r) => !(r.length === 1 && isBlank(r[0] as string))).slice(1);
}

describe('the csv corpus', () => {
  it.each(VARIANTS.map((o) => [label(o), o] as const))('%s: records agree with csv-parse and the generator, line numbers too', async (_, o) => {
    const corpus = makeCorpus(o);
    const file = writeCorpus(corpus);
    const ours = await ourRecords(file, o);
    expect(ours.map((r) => r.fields)).toEqual(libraryRecords(corpus, o));
    expect(ours).toEqual(corpus.records);
  });

  it.each(VARIANTS.map((o) => [label(o), o] as const))('%s: invalidRows skip imports the rows written and lists the malformed lines', async (_, o) => {
    const corpus = makeCorpus(o);
    const file = writeCorpus(corpus);
    const raw = await importRatings(csvConfig(file, o, { invalidRows: 'skip', maxInvalidShare: 0.2 }));
    const got = Array.from(raw.ratings.user, (user, k) => ({
      user: raw.userIds[user],
      item: raw.itemIds[raw.ratings.item[k] as number],
      rating: raw.ratings.rating[k],
      timestamp: Number(raw.ratings.timestamp?.[k]),
    }));
    expect(got).toEqual(corpus.rows.map(({ line: _line, ...row }) => row));
    expect(corpus.invalidLines.length).toBeGreaterThan(5);
    expect(raw.invalidRows?.count).toBe(corpus.invalidLines.length);
    // The config names the file by an absolute path outside its workspace (another temp folder): shown as given.
    expect(raw.invalidRows?.first.map((r) => [r.file, r.line])).toEqual(corpus.invalidLines.slice(0, 10).map((line) => [file, line]));
  });

  it.each(VARIANTS.map((o) => [label(o), o] as const))('%s: by default the first malformed line stops the import in one short line', async (_, o) => {
    const corpus = makeCorpus(o);
    const file = writeCorpus(corpus);
    const { message } = await importError(csvConfig(file, o));
    expect(message.startsWith(`${file}:${corpus.invalidLines[0]}: expected `)).toBe(true);
    expect(message).not.toMatch(/[\r\n]/);
    expect(Buffer.byteLength(message)).toBeLessThan(400);
  });

  it('a file of many read chunks in every line-end style agrees with csv-parse record by record', async () => {
    for (const lineEnds of ['cr', 'mixed'] as const) {
      const o: CorpusOptions = { ...BASE, seed: 99, rows: 60_000, lineEnds, garbage: 0.01 };
      const corpus = makeCorpus(o);
      expect(corpus.bytes.length).toBeGreaterThan(3 << 20);
      const file = writeCorpus(corpus);
      const ours = await ourRecords(file, o);
      expect(ours.length).toBe(corpus.records.length);
      expect(ours.map((r) => r.fields)).toEqual(libraryRecords(corpus, o));
      expect(ours.map((r) => r.line)).toEqual(corpus.records.map((r) => r.line));
    }
  });
});
