/**
 * The one use deeprec makes of apache-arrow beyond its public API: the Footer class of
 * apache-arrow/ipc/metadata/file, which decodes an IPC file's footer (where each record
 * batch lies). apache-arrow exports no synchronous footer reader, and the batch reader
 * (arrowBatches.ts) must be synchronous. A deep import is not covered by semver, so it
 * is used only on the version it was tested with: on any other the first read fails with
 * an error naming both versions (there is no slower public path to fall back to).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Schema } from 'apache-arrow';
import type { FileBlock } from 'apache-arrow/ipc/metadata/file';

/** The apache-arrow version the footer access was written and tested against (package.json pins it). */
export const TESTED_ARROW_VERSION = '21.2.0';
const FOOTER_MODULE = 'apache-arrow/ipc/metadata/file';

export class ArrowInternalsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ArrowInternalsError';
  }
}

/** What the batch reader needs of a decoded footer. */
export interface ArrowFooter {
  schema: Schema;
  numRecordBatches: number;
  /** Where record batch i lies in the file, or null past the end. */
  recordBatch(i: number): FileBlock | null;
}

interface FooterLike {
  schema?: unknown;
  numRecordBatches?: unknown;
  getRecordBatch?: unknown;
}

type FooterModule = { Footer?: { decode?: unknown } };

/** Read beside the entry point: the package's exports map hides package.json. */
export function installedArrowVersion(): string {
  const file = join(dirname(require.resolve('apache-arrow')), 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * A footer decoder, after checking the version and that the module has what it needs.
 * `load` is the module loader (tests pass broken ones).
 */
export function footerDecoder(version = installedArrowVersion(), load: () => unknown = () => require(FOOTER_MODULE)): (bytes: Uint8Array) => ArrowFooter {
  const tested = `deeprec's record-batch reader decodes file footers with apache-arrow's internal ${FOOTER_MODULE}, tested with apache-arrow ${TESTED_ARROW_VERSION} only`;
  if (version !== TESTED_ARROW_VERSION) {
    throw new ArrowInternalsError(`apache-arrow ${version} is installed; ${tested}: install ${TESTED_ARROW_VERSION} (as package.json pins), or check arrowFooter.ts against ${version} and update TESTED_ARROW_VERSION`);
  }
  let module: FooterModule;
  try {
    module = load() as FooterModule;
  } catch (error) {
    throw new ArrowInternalsError(`apache-arrow internals: ${FOOTER_MODULE} does not load (apache-arrow ${version}; ${tested})`, { cause: error });
  }
  const footerClass = module?.Footer;
  const decode = footerClass?.decode;
  if (typeof decode !== 'function') throw new ArrowInternalsError(`apache-arrow internals: Footer.decode in ${FOOTER_MODULE} is missing (apache-arrow ${version}; ${tested})`);
  return (bytes) => {
    const footer = (decode as (b: Uint8Array) => FooterLike).call(footerClass, bytes);
    const getRecordBatch = footer.getRecordBatch;
    if (typeof footer.numRecordBatches !== 'number' || typeof getRecordBatch !== 'function') {
      throw new ArrowInternalsError(`apache-arrow internals: a decoded Footer has no numRecordBatches or getRecordBatch() (apache-arrow ${version}; ${tested})`);
    }
    return {
      schema: footer.schema as Schema,
      numRecordBatches: footer.numRecordBatches,
      recordBatch: (i) => (getRecordBatch as (i: number) => FileBlock | null).call(footer, i),
    };
  };
}

let decoder: ((bytes: Uint8Array) => ArrowFooter) | null = null;

/** Decodes the footer flatbuffer of an Arrow IPC file (the bytes before its length and the closing magic). */
export function decodeFooter(bytes: Uint8Array): ArrowFooter {
  decoder ??= footerDecoder();
  return decoder(bytes);
}
