/**
 * Tables written and read one Arrow record batch at a time: the pair for data too large
 * to hold whole (a 10M-rating split), next to arrow.ts's whole-table pair.
 *
 * The file is an ordinary Arrow IPC file, so readTable (and pyarrow, DuckDB, ...) read it
 * whole. Its footer lists where each record batch lies; the reader fetches batch i alone
 * with positioned reads (pread) of that byte range. Synchronous on purpose: the training
 * loop that consumes the batches is synchronous (tfjs's backends here are), and apache-arrow's
 * random-access reader over a file handle is async only.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AsyncByteQueue, Message, MessageReader, RecordBatchFileWriter, Table, type Schema } from 'apache-arrow';
import type { FileBlock } from 'apache-arrow/ipc/metadata/file';
import { arrowColumnTypes, checkColumns, checkWritable, decodeTable, rowCount, toVector, typeOfColumn, unreadableArtifact, type Columns, type TableSchema } from './arrow';
import { ArtifactError, DataError, messageOf } from '@deeprec/base';
import { ArrowInternalsError, decodeFooter, type ArrowFooter } from './arrowFooter';
import { openFileAtomic, type AtomicFile } from './fs';

/** The writer's output goes straight to the file as it is produced, not into a buffer of the whole file. */
class FileSink extends AsyncByteQueue {
  constructor(private readonly out: AtomicFile) {
    super();
  }

  override write(value: Uint8Array): void {
    this.out.write(value);
  }
}

function signature(columns: Columns): string {
  return Object.entries(columns)
    .map(([name, column]) => `${name} ${typeOfColumn(column)}`)
    .join(', ');
}

/**
 * Writes a table as a sequence of record batches, each write() one batch, under a
 * temporary name renamed into place by close(): readers never see a half-written file.
 * Any failure removes the temporary file; the writer is then unusable.
 */
export class TableBatchWriter {
  private readonly out: AtomicFile;
  private readonly writer = new RecordBatchFileWriter();
  private readonly sink: FileSink;
  private first: string | null = null;
  private open = true;
  private written = { batches: 0, rows: 0 };

  constructor(
    readonly file: string,
    readonly schema: TableSchema,
  ) {
    this.out = openFileAtomic(file);
    this.sink = new FileSink(this.out);
  }

  /** Record batches and rows written so far. */
  get batches(): number {
    return this.written.batches;
  }

  get rows(): number {
    return this.written.rows;
  }

  /** Appends one record batch; every batch must have the first one's columns (names, types, order). */
  write(columns: Columns): void {
    this.guard(() => {
      checkWritable(this.schema, columns);
      const found = signature(columns);
      if (this.first !== null && found !== this.first) {
        throw new DataError(`writing ${this.schema.name}: record batch ${this.written.batches + 1} has columns (${found}), expected those of the first batch (${this.first})`);
      }
      const table = new Table(Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, toVector(v)])));
      // The schema goes out with the first write, so a table of no rows still has its columns.
      if (this.first === null) this.writer.reset(this.sink, table.schema);
      this.first = found;
      for (const batch of table.batches) this.writer.write(batch);
      this.written.batches += 1;
      this.written.rows += rowCount(columns);
    });
  }

  /** Writes the footer and renames the file into place. */
  close(): void {
    this.guard(() => {
      if (this.first === null) throw new DataError(`writing ${this.schema.name}: no record batch was written; expected at least one (a table of no rows is one empty batch)`);
      this.writer.close();
      this.open = false;
      this.out.commit();
    });
  }

  /** Removes the temporary file (after a failure of the caller's). */
  abort(): void {
    if (!this.open) return;
    this.open = false;
    this.out.abort();
  }

  private guard(action: () => void): void {
    if (!this.open) throw new Error(`writing ${this.file}: the writer was closed or failed`);
    try {
      action();
    } catch (error) {
      this.abort();
      throw error;
    }
  }
}

/** Writes the batches a generator yields as one file of record batches (at least one batch). */
export function writeTableBatches(file: string, schema: TableSchema, batches: Iterable<Columns>): void {
  const writer = new TableBatchWriter(file, schema);
  try {
    for (const columns of batches) writer.write(columns);
    writer.close();
  } finally {
    writer.abort();
  }
}

const MAGIC = 'ARROW1';
/** The file ends with the footer, its int32 length and the magic. */
const TAIL = 4 + MAGIC.length;

/**
 * Reads a table written in record batches one batch at a time, by index: only the
 * footer, the schema and each batch's small metadata are read on open. Columns of a
 * batch are views of one buffer per read. Close it when done (it holds a descriptor).
 */
export class TableBatchReader {
  private fd: number;

  private constructor(
    readonly file: string,
    readonly schema: TableSchema,
    fd: number,
    private readonly schemaMessage: Uint8Array,
    private readonly blocks: FileBlock[],
    private readonly blockRows: number[],
  ) {
    this.fd = fd;
  }

  /** Opens an Arrow IPC file, checking its schema; a missing, truncated or mismatched file is an ArtifactError naming it. */
  static open(file: string, schema: TableSchema): TableBatchReader {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (error) {
      throw unreadableArtifact(file, schema, error);
    }
    try {
      const { schemaMessage, blocks, rows } = readLayout(fd, file, schema);
      return new TableBatchReader(file, schema, fd, schemaMessage, blocks, rows);
    } catch (error) {
      closeSync(fd);
      throw error instanceof ArtifactError || error instanceof ArrowInternalsError ? error : unreadableArtifact(file, schema, error);
    }
  }

  get numBatches(): number {
    return this.blocks.length;
  }

  /** Rows in all batches. */
  get rows(): number {
    return this.blockRows.reduce((a, b) => a + b, 0);
  }

  /** Rows of batch i, known without reading it. */
  rowsOf(i: number): number {
    return this.blockRows[i] ?? 0;
  }

  /** Reads record batch i (0-based) and checks it against the schema. */
  read(i: number): Columns {
    const block = this.blocks[i];
    if (!block) throw new Error(`${this.file}: record batch ${i} requested; expected 0 to ${this.blocks.length - 1}`);
    if (this.fd < 0) throw new Error(`${this.file}: read after close`);
    // The schema message, this batch's message and an end-of-stream marker make a
    // one-batch Arrow stream that the whole-table decoder (and its checks) reads.
    const length = block.metaDataLength + block.bodyLength;
    const bytes = new Uint8Array(this.schemaMessage.length + length + 8);
    bytes.set(this.schemaMessage);
    try {
      readFully(this.fd, this.file, bytes, this.schemaMessage.length, length, block.offset);
    } catch (error) {
      throw error instanceof ArtifactError ? error : unreadableArtifact(this.file, this.schema, error);
    }
    new DataView(bytes.buffer).setInt32(bytes.length - 8, -1, true);
    return decodeTable(bytes, this.schema, `${this.file} (record batch ${i + 1} of ${this.blocks.length})`);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

function notArrow(file: string, why: string, cause?: unknown): ArtifactError {
  return new ArtifactError(`${file}: not a readable Arrow file (${why})`, cause === undefined ? undefined : { cause });
}

function readFully(fd: number, file: string, into: Uint8Array, at: number, length: number, position: number): void {
  for (let done = 0; done < length; ) {
    const n = readSync(fd, into, at + done, length - done, position + done);
    if (n === 0) throw notArrow(file, `ends inside a block at byte ${position + done}; truncated?`);
    done += n;
  }
}

function readAt(fd: number, file: string, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  readFully(fd, file, out, 0, length, position);
  return out;
}

function int32At(fd: number, file: string, position: number): number {
  return new DataView(readAt(fd, file, position, 4).buffer).getInt32(0, true);
}

/**
 * The schema as an encapsulated IPC message (continuation marker, metadata length, flatbuffer
 * padded to 8 bytes), from the footer: a file need not repeat it as a message (apache-arrow's
 * file writer does not).
 */
function schemaMessage(schema: Schema): Uint8Array {
  const flatbuffer = Message.encode(Message.from(schema));
  const size = (flatbuffer.byteLength + 8 + 7) & ~7;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setInt32(0, -1, true);
  view.setInt32(4, size - 8, true);
  out.set(flatbuffer, 8);
  return out;
}

/** Footer, schema message and per-batch row counts of an Arrow IPC file. */
function readLayout(fd: number, file: string, schema: TableSchema): { schemaMessage: Uint8Array; blocks: FileBlock[]; rows: number[] } {
  const size = fstatSync(fd).size;
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
  if (size < 8 + TAIL || text(readAt(fd, file, 0, MAGIC.length)) !== MAGIC) {
    throw notArrow(file, `expected the Arrow IPC file format, found ${size < 8 + TAIL ? `${size} bytes` : 'no ARROW1 magic at the start'}`);
  }
  if (text(readAt(fd, file, size - MAGIC.length, MAGIC.length)) !== MAGIC) throw notArrow(file, 'no footer at the end; truncated?');
  const footerLength = int32At(fd, file, size - TAIL);
  const footerStart = size - TAIL - footerLength;
  if (footerLength <= 0 || footerStart < 8) throw notArrow(file, `footer length ${footerLength} does not fit in ${size} bytes`);
  let footer: ArrowFooter;
  try {
    footer = decodeFooter(readAt(fd, file, footerStart, footerLength));
  } catch (error) {
    if (error instanceof ArrowInternalsError) throw error;
    throw notArrow(file, `corrupt footer: ${messageOf(error)}`, error);
  }
  checkColumns(schema, arrowColumnTypes(footer.schema), file, ArtifactError);
  const blocks: FileBlock[] = [];
  const rows: number[] = [];
  for (let i = 0; i < footer.numRecordBatches; i += 1) {
    const block = footer.recordBatch(i);
    if (!block || block.offset < 8 || block.offset + block.metaDataLength + block.bodyLength > footerStart) {
      throw notArrow(file, `record batch ${i + 1} lies outside the file's data; truncated or corrupt?`);
    }
    const message = new MessageReader(readAt(fd, file, block.offset, block.metaDataLength)).readMessage();
    if (!message?.isRecordBatch()) throw notArrow(file, `record batch ${i + 1}: expected a record batch message at byte ${block.offset}`);
    blocks.push(block);
    rows.push(Number(message.header().length));
  }
  return { schemaMessage: schemaMessage(footer.schema), blocks, rows };
}
