/**
 * The report presents artifacts; it runs no network. Its sources (tests included) import
 * neither tfjs nor @deeprec/compute: sample recommendations come from samples.arrow,
 * which evaluate writes. (check-boundaries' rules forbid the compute import at project
 * level too; tfjs is an npm package those rules do not see.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Finds imports of tfjs or @deeprec/compute in source texts ({ file: text }): 'file:line: imports <module>' each. */
function checkNoNetworkImports(files: Record<string, string>): string[] {
  const pattern = /(?:from\s+|require\(\s*|import\(\s*)'((?:@tensorflow\/[^']+)|@deeprec\/compute)'/g;
  const found: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    text.split('\n').forEach((line, i) => {
      for (const match of line.matchAll(pattern)) found.push(`${file}:${i + 1}: imports '${match[1]}'`);
    });
  }
  return found;
}

function sources(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) {
      const file = join(entry.parentPath, entry.name);
      out[file] = readFileSync(file, 'utf8');
    }
  }
  return out;
}

describe('the report stage', () => {
  it('imports neither tfjs nor @deeprec/compute anywhere in its sources', () => {
    // This file is left out: its examples below are the imports it looks for.
    const files = Object.fromEntries(Object.entries(sources(__dirname)).filter(([file]) => file !== __filename));
    expect(Object.keys(files).length).toBeGreaterThan(20);
    expect(checkNoNetworkImports(files)).toEqual([]);
  });

  it('the check catches each form of the import', () => {
    expect(
      checkNoNetworkImports({
        'a.ts': "import * as tf from '@tensorflow/tfjs';",
        'b.ts': "import type { LayersModel } from '@tensorflow/tfjs-core';",
        'c.ts': "import { initBackend } from '@deeprec/compute';",
        'd.ts': "const tf = require('@tensorflow/tfjs');",
        'e.ts': "const c = await import('@deeprec/compute');",
        'f.ts': "import { topK } from '@deeprec/metrics'; // not @deeprec/compute",
      }),
    ).toEqual(["a.ts:1: imports '@tensorflow/tfjs'", "b.ts:1: imports '@tensorflow/tfjs-core'", "c.ts:1: imports '@deeprec/compute'", "d.ts:1: imports '@tensorflow/tfjs'", "e.ts:1: imports '@deeprec/compute'"]);
  });
});
