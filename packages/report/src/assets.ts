/**
 * The browser bundles a page inlines (no CDN: reports open offline, from disk,
 * years later), and the escaping that makes text safe inside <script>.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ArtifactError, messageOf } from '@deeprec/base';

/**
 * The UMD builds, in load order (vega-embed's UMD wrapper reads the `vega` and
 * `vegaLite` globals). Each package's "exports" map hides build/*.min.js from
 * require.resolve, but its main entry lives in the same build/ folder, so the
 * entry's folder is where the minified bundle sits.
 */
const BUNDLES = [
  { pkg: 'vega', file: 'vega.min.js' },
  { pkg: 'vega-lite', file: 'vega-lite.min.js' },
  { pkg: 'vega-embed', file: 'vega-embed.min.js' },
] as const;

export interface Bundle {
  name: string;
  version: string;
  source: string;
}

function packageVersion(entry: string): string {
  // build/<entry>.js -> package.json one level up.
  try {
    return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

let cached: Bundle[] | undefined;

/** Reads the three bundles once per process (about 840 kB together). */
export function vegaBundles(): Bundle[] {
  if (cached) return cached;
  cached = BUNDLES.map(({ pkg, file }) => {
    let entry: string;
    try {
      entry = require.resolve(pkg);
    } catch (error) {
      throw new ArtifactError(`report: cannot find the '${pkg}' package (${messageOf(error)}); run npm install`, { cause: error });
    }
    const path = join(dirname(entry), file);
    let source: string;
    try {
      source = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ArtifactError(`${path}: ${pkg} browser bundle cannot be read (${messageOf(error)})`, { cause: error });
    }
    // A source-map comment would point at a file next to the page that is not there.
    source = source.replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '\n');
    return { name: pkg, version: packageVersion(entry), source };
  });
  return cached;
}

/**
 * Makes JavaScript safe to inline in <script>: the HTML parser ends a script at
 * any `</script`, and `<!--` can switch it into a state where that end tag is
 * missed. Both sequences only occur inside string literals or comments in
 * practice, where `<\/` and `<\!--` mean the same thing.
 */
export function escapeScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/**
 * JSON for a <script type="application/json"> block: escaping every `<` as
 * \u003c (valid JSON) rules out `</script` and `<!--` whatever the data holds.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
