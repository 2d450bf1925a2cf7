import { closeSync, fstatSync, mkdtempSync, openSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTableBatches } from './arrowBatches';
import { ArrowInternalsError, decodeFooter, footerDecoder, installedArrowVersion, TESTED_ARROW_VERSION } from './arrowFooter';
import { RATINGS_SCHEMA } from './catalogue';

/** The footer flatbuffer of an Arrow IPC file: before its int32 length and the closing ARROW1 magic. */
function footerBytes(file: string): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(10);
    readSync(fd, tail, 0, 10, size - 10);
    const length = tail.readInt32LE(0);
    const bytes = Buffer.alloc(length);
    readSync(fd, bytes, 0, length, size - 10 - length);
    return new Uint8Array(bytes);
  } finally {
    closeSync(fd);
  }
}

describe('the Arrow footer accessor', () => {
  it('runs on the tested apache-arrow version', () => {
    expect(installedArrowVersion()).toBe(TESTED_ARROW_VERSION);
  });

  it('decodes where each record batch of a written file lies, and its schema', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deeprec-footer-')), 'r.arrow');
    const batch = (n: number) => ({ user: new Int32Array(n), item: new Int32Array(n), rating: new Float32Array(n) });
    writeTableBatches(file, RATINGS_SCHEMA, [batch(3), batch(5)]);
    const footer = decodeFooter(footerBytes(file));
    expect(footer.numRecordBatches).toBe(2);
    expect(footer.schema.fields.map((f) => f.name)).toEqual(['user', 'item', 'rating']);
    const [first, second] = [footer.recordBatch(0), footer.recordBatch(1)];
    if (!first || !second) throw new Error('expected two record batches');
    expect(second.offset).toBe(first.offset + first.metaDataLength + first.bodyLength);
    expect(footer.recordBatch(2)).toBeNull();
  });

  it('refuses another apache-arrow version, naming both', () => {
    expect(() => footerDecoder('22.0.0')).toThrow(ArrowInternalsError);
    expect(() => footerDecoder('22.0.0')).toThrow(/^apache-arrow 22\.0\.0 is installed; .* tested with apache-arrow 21\.2\.0 only: install 21\.2\.0/);
  });

  it('fails naming the missing member or module, not with "undefined is not a function"', () => {
    expect(() => footerDecoder(TESTED_ARROW_VERSION, () => ({ Footer: {} }))).toThrow(/^apache-arrow internals: Footer\.decode in apache-arrow\/ipc\/metadata\/file is missing \(apache-arrow 21\.2\.0;/);
    expect(() =>
      footerDecoder(TESTED_ARROW_VERSION, () => {
        throw new Error("Cannot find module 'apache-arrow/ipc/metadata/file'");
      }),
    ).toThrow(/^apache-arrow internals: apache-arrow\/ipc\/metadata\/file does not load/);
    const decode = footerDecoder(TESTED_ARROW_VERSION, () => ({ Footer: { decode: () => ({ schema: null }) } }));
    expect(() => decode(new Uint8Array(8))).toThrow(/a decoded Footer has no numRecordBatches or getRecordBatch\(\)/);
  });
});
