/**
 * The browser files a page or an export folder carries, read from disk: the ES modules
 * built from ../browser (tsc, tsconfig.browser.json -> dist/browser) and tfjs's own
 * browser builds from the installed @tensorflow/tfjs (no CDN: pages open offline).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ArtifactError, messageOf } from '@deeprec/base';

/** The modules of dist/browser: the recommender, the export entry, the report panel. */
export type BrowserModule = 'recommender' | 'recommend' | 'tryIt';

/**
 * tfjs builds: `umd` (tf.es2017.min.js, a classic script that defines the global `tf`;
 * what a report page inlines) and `esm` (tf.fesm.min.js, an ES module with no imports;
 * what an export folder's module imports).
 */
export type TfjsBuild = 'umd' | 'esm';
const TFJS_FILES: Record<TfjsBuild, string> = { umd: 'tf.es2017.min.js', esm: 'tf.fesm.min.js' };

const cache = new Map<string, string>();

function readOnce(file: string, what: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ArtifactError(`${file}: ${what} cannot be read (${messageOf(error)})`, { cause: error });
    }
    // A source-map comment would point at a file that is not shipped.
    text = text.replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '\n');
    cache.set(file, text);
  }
  return text;
}

/** Source of a built browser module (from src/ or dist/, the package's dist/browser). */
export function browserModule(name: BrowserModule): string {
  return readOnce(join(__dirname, '..', 'dist', 'browser', `${name}.js`), `browser module (run npm run compile)`);
}

export function tfjsFileName(build: TfjsBuild): string {
  return TFJS_FILES[build];
}

/** Version of the installed @tensorflow/tfjs. */
export function tfjsVersion(): string {
  return (JSON.parse(readOnce(join(tfjsDist(), '..', 'package.json'), '@tensorflow/tfjs package.json')) as { version: string }).version;
}

function tfjsDist(): string {
  // The package's main entry (dist/index.js) sits beside its browser builds.
  return dirname(require.resolve('@tensorflow/tfjs'));
}

/** A tfjs browser build, read once per process (about 1.1 MB). */
export function tfjsSource(build: TfjsBuild): string {
  return readOnce(join(tfjsDist(), TFJS_FILES[build]), `@tensorflow/tfjs browser build`);
}

function wasmDist(): string {
  // The package's main entry (dist/tf-backend-wasm.node.js) sits beside its browser builds and binaries.
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

/**
 * tfjs's WebAssembly backend for a page: the classic script that registers it on the
 * global `tf` (tf-backend-wasm.es2017.min.js) and its SIMD binary as base64, which the
 * page hands to `tf.wasm.setWasmPaths` as a data: URL (no file to fetch). About 5-8x
 * faster than the CPU backend at scoring a catalogue; pages fall back to CPU without it.
 */
export function tfjsWasm(): { script: string; simdBase64: string; version: string } {
  const dir = wasmDist();
  const binary = join(dir, 'tfjs-backend-wasm-simd.wasm');
  let simdBase64 = cache.get(binary);
  if (simdBase64 === undefined) {
    try {
      simdBase64 = readFileSync(binary).toString('base64');
    } catch (error) {
      throw new ArtifactError(`${binary}: tfjs wasm binary cannot be read (${messageOf(error)})`, { cause: error });
    }
    cache.set(binary, simdBase64);
  }
  const version = (JSON.parse(readOnce(join(dir, '..', 'package.json'), '@tensorflow/tfjs-backend-wasm package.json')) as { version: string }).version;
  return { script: readOnce(join(dir, 'tf-backend-wasm.es2017.min.js'), '@tensorflow/tfjs-backend-wasm browser build'), simdBase64, version };
}

/**
 * The report panel's module: recommender.js and tryIt.js in one script, since an inline
 * module cannot import a file; tryIt's import of the recommender is dropped (a build
 * that no longer emits it stops here rather than ship a page that fails).
 */
export function tryItScript(): string {
  const importLine = /^import \{[^}]*\} from '\.\/recommender\.js';\n/m;
  const panel = browserModule('tryIt');
  if (!importLine.test(panel)) throw new ArtifactError(`${join(__dirname, '..', 'dist', 'browser', 'tryIt.js')}: expected an import of './recommender.js' to inline, found none`);
  return `${browserModule('recommender')}\n${panel.replace(importLine, '')}`;
}
