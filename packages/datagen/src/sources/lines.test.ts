import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FieldSplitter, readLines } from './lines';
import { parseInteger, parseNumber, resolveDelimiter, separatedBy, show } from './text';
import { tempDir } from './fixtures.testutil';

async function linesOf(content: string | Buffer, encoding: 'utf8' | 'latin1' = 'utf8'): Promise<Array<[number, string]>> {
  const file = join(tempDir(), 'f.txt');
  writeFileSync(file, content);
  const out: Array<[number, string]> = [];
  await readLines(file, encoding, (line, n) => out.push([n, line]));
  return out;
}

describe('readLines', () => {
  it('numbers lines from 1, strips \\n and \\r\\n, keeps blank lines and a last line without an ending', async () => {
    expect(await linesOf('a\r\nb\n\nc')).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, ''],
      [4, 'c'],
    ]);
    expect(await linesOf('only\r')).toEqual([[1, 'only']]);
    expect(await linesOf('')).toEqual([]);
  });

  it('reassembles lines, \\r\\n pairs and multi-byte characters that straddle 1 MiB read chunks', async () => {
    // Lines of varied length with 2- and 4-byte UTF-8 characters: some land on every chunk boundary.
    const lines = Array.from({ length: 100_000 }, (_, i) => `${i},é${'x'.repeat(i % 37)}😀,${i % 5}`);
    const got = await linesOf(`${lines.join('\r\n')}\r\n`);
    expect(got).toHaveLength(lines.length);
    expect(got.every(([n, line]) => line === lines[n - 1])).toBe(true);
  });

  it('decodes Latin-1', async () => {
    expect(await linesOf(Buffer.from('Café\nSeñor\n', 'latin1'), 'latin1')).toEqual([
      [1, 'Café'],
      [2, 'Señor'],
    ]);
  });

  it('passes on an error thrown by the handler and stops reading', async () => {
    const file = join(tempDir(), 'f.txt');
    writeFileSync(file, 'a\nb\nc\n');
    const seen: string[] = [];
    await expect(
      readLines(file, 'utf8', (line) => {
        seen.push(line);
        if (line === 'b') throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(seen).toEqual(['a', 'b']);
  });
});

describe('FieldSplitter', () => {
  const split = (text: string, delimiter = ',') => {
    const s = new FieldSplitter('f.csv', delimiter, true);
    const out: string[] = [];
    const record = { text: '', lineNo: 0 };
    const n = s.split(text, 1, out, record);
    return out.slice(0, n);
  };

  it('splits plain and RFC-4180 quoted fields', () => {
    expect(split('a,b,,c,')).toEqual(['a', 'b', '', 'c', '']);
    expect(split('"a,b","say ""hi""",c')).toEqual(['a,b', 'say "hi"', 'c']);
    expect(split('"",x')).toEqual(['', 'x']);
    expect(split('"q"tail,x')).toEqual(['qtail', 'x']);
    expect(split('mid"quote,x')).toEqual(['mid"quote', 'x']);
    expect(split('1::"a::b"::3', '::')).toEqual(['1', 'a::b', '3']);
  });

  it('continues a quoted field on the next line', () => {
    const s = new FieldSplitter('f.csv', ',', true);
    const out: string[] = [];
    const record = { text: '', lineNo: 0 };
    expect(s.split('1,"two', 4, out, record)).toBe(-1);
    expect(s.open).toBe(true);
    expect(s.split('lines",3', 5, out, record)).toBe(3);
    expect(out.slice(0, 3)).toEqual(['1', 'two\nlines', '3']);
    expect(record).toEqual({ text: '1,"two\nlines",3', lineNo: 4 });
    // Closed again, so the end of the file is fine; it is an error while a field is still open.
    expect(s.open).toBe(false);
    expect(() => s.finish()).not.toThrow();
    const unclosed = new FieldSplitter('f.csv', ',', true);
    unclosed.split('1,"two', 4, [], { text: '', lineNo: 0 });
    expect(() => unclosed.finish()).toThrow('f.csv:4: quoted field is never closed');
  });

  it('leaves quotes alone when quoting is off', () => {
    const s = new FieldSplitter('u.data', '\t', false);
    const out: string[] = [];
    expect(s.split('"a\tb', 1, out, { text: '', lineNo: 0 })).toBe(2);
    expect(out.slice(0, 2)).toEqual(['"a', 'b']);
  });
});

describe('text helpers', () => {
  it('parses numbers strictly', () => {
    expect([parseNumber('4'), parseNumber('4.5'), parseNumber(' 3 '), parseNumber('-1'), parseNumber('1e1'), parseNumber('0')]).toEqual([4, 4.5, 3, -1, 10, 0]);
    for (const bad of ['', ' ', 'NaN', 'abc', '4a', 'Infinity', '0x10', '0b1']) expect(parseNumber(bad)).toBeNaN();
    expect([parseInteger('881250949'), parseInteger('-5'), parseInteger('0')]).toEqual([881250949, -5, 0]);
    for (const bad of ['', '-', '1.5', '1e3', ' 1', '1234567890123456']) expect(parseInteger(bad)).toBeNaN();
  });

  it('names delimiters and quotes offending text', () => {
    expect(resolveDelimiter('\\t')).toBe('\t');
    expect([',', '\t', ';', '::'].map(separatedBy)).toEqual(['comma-separated', 'tab-separated', 'semicolon-separated', "'::'-separated"]);
    expect(show('a\tb"c')).toBe('"a\\tb\\"c"');
    expect(show('x'.repeat(81))).toBe(`"${'x'.repeat(80)}"... (81 characters)`);
  });
});
