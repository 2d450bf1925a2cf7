import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimateLines, isBlank, readLines } from './lines';
import { clip, parseInteger, parseNumber, resolveDelimiter, separatedBy, show, trimField } from './text';
import { tempDir } from './fixtures.testutil';

async function linesOf(content: string | Buffer, encoding: 'utf8' | 'latin1' = 'utf8'): Promise<Array<[number, string]>> {
  const file = join(tempDir(), 'f.txt');
  writeFileSync(file, content);
  const out: Array<[number, string]> = [];
  await readLines(file, encoding, (line, n) => out.push([n, line]));
  return out;
}

/** Each line's ending as readLines reports it. */
async function endingsOf(content: string | Buffer): Promise<string[]> {
  const file = join(tempDir(), 'f.txt');
  writeFileSync(file, content);
  const out: string[] = [];
  await readLines(file, 'utf8', (_line, _n, ending) => out.push(ending));
  return out;
}

/** The DataError message readLines stops with. */
async function readError(content: string | Buffer, encoding: 'utf8' | 'latin1' = 'utf8', key?: string): Promise<{ file: string; message: string }> {
  const file = join(tempDir(), 'f.txt');
  writeFileSync(file, content);
  try {
    await readLines(file, encoding, () => undefined, key);
  } catch (error) {
    return { file, message: (error as Error).message };
  }
  throw new Error('expected readLines to fail');
}

const MiB = 1 << 20;

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

  it('ends lines at a lone CR too, and at any mix of LF, CR LF and CR; a blank line between a CR and an LF is not a CR LF', async () => {
    expect(await linesOf('a\rb\rc')).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(await linesOf('a\r\rb\r\n\nc\n\rd\r')).toEqual([
      [1, 'a'],
      [2, ''],
      [3, 'b'],
      [4, ''],
      [5, 'c'],
      [6, ''],
      [7, 'd'],
    ]);
    expect(await endingsOf('a\rb\r\nc\nd')).toEqual(['\r', '\r\n', '\n', '']);
  });

  it('joins a CR LF split between two 1 MiB read chunks into one line end, and splits a lone CR there from the next line', async () => {
    const first = 'x'.repeat(MiB - 1);
    expect(await endingsOf(`${first}\r\nnext\n`)).toEqual(['\r\n', '\n']);
    const lines = await linesOf(`${first}\rnext\rlast`);
    expect(lines.map(([n, line]) => [n, line.length])).toEqual([
      [1, MiB - 1],
      [2, 4],
      [3, 4],
    ]);
  });

  it('stops at a line longer than 1 MiB characters (a file without line ends is not one giant line), quoting 80 characters of it', async () => {
    const { file, message } = await readError(`ok\n${'y'.repeat(3 * MiB)}`);
    expect(message).toBe(`${file}:2: a line runs past ${MiB} characters; expected lines that end with LF, CR LF or CR; it starts "${'y'.repeat(80)}"...`);
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

  it('drops a UTF-8 byte-order mark; refuses one when reading Latin-1, and UTF-16 marks', async () => {
    expect(await linesOf(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x0d, 0x62]))).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    const latin1 = await readError(Buffer.from([0xef, 0xbb, 0xbf, 0x61]), 'latin1', 'data.csv.encoding');
    expect(latin1.message).toBe(`${latin1.file}: starts with a UTF-8 byte-order mark, but is read as Latin-1; expected data.csv.encoding: utf8 for this file`);
    for (const mark of [
      [0xff, 0xfe],
      [0xfe, 0xff],
    ]) {
      const utf16 = await readError(Buffer.from([...mark, 0x61, 0]));
      expect(utf16.message).toBe(
        `${utf16.file}: starts with a UTF-16 byte-order mark; expected UTF-8 or Latin-1 text (a spreadsheet's "CSV UTF-8" export, or 'iconv -f UTF-16 -t UTF-8')`,
      );
    }
  });

  it('stops at bytes that are not UTF-8, naming the physical line, the byte and the config key', async () => {
    const bytes = Buffer.concat([Buffer.from('user,item\rzoë,1\r\nJos', 'utf8'), Buffer.from([0xe9]), Buffer.from(',2\n', 'utf8')]);
    const bad = await readError(bytes, 'utf8', 'data.csv.encoding');
    expect(bad.message).toBe(
      `${bad.file}:3: expected UTF-8 text, found the byte 0xE9, which UTF-8 does not allow there (byte 21 of the file); for Latin-1 or Windows-1252 files set data.csv.encoding: latin1`,
    );
    // Past the first read chunk, and without a key to name.
    const far = await readError(Buffer.concat([Buffer.from(`${'a,1\n'.repeat(MiB / 2)}b,`, 'utf8'), Buffer.from([0xc3, 0x28])]));
    expect(far.message).toBe(`${far.file}:${MiB / 2 + 1}: expected UTF-8 text, found the byte 0xC3, which UTF-8 does not allow there (byte ${2 * MiB + 2} of the file)`);
    const cut = await readError(Buffer.from([0x61, 0x0a, 0xe2, 0x82]));
    expect(cut.message).toBe(`${cut.file}:2: expected UTF-8 text, found the file ending inside a multi-byte character (byte 2 of the file)`);
    // Overlong forms and UTF-16 surrogates are not UTF-8 either.
    for (const seq of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
    ]) {
      expect((await readError(Buffer.from([0x78, ...seq]))).message).toMatch(/:1: expected UTF-8 text, found the byte 0x(C0|ED), .*\(byte 1 of the file\)$/);
    }
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

describe('text helpers', () => {
  it('trims spaces, tabs and control characters around a field, not Unicode spaces that may belong to an id', () => {
    expect(['  a b\t', '\ta', 'a ', 'ab', '', '   ', '\u00a0x\u00a0', ' \u00a0x '].map(trimField)).toEqual(['a b', 'a', 'a', 'ab', '', '', '\u00a0x\u00a0', '\u00a0x']);
    expect(['', ' \t', '\u00a0', ' x'].map(isBlank)).toEqual([true, true, false, false]);
  });

  it('estimates the line count of a file from its first 64 KiB', () => {
    const file = join(tempDir(), 'f.csv');
    writeFileSync(file, 'a,b,c\r'.repeat(100_000));
    // A little over the 100,000 lines: columns sized by it rarely grow.
    expect(estimateLines(file)).toBeGreaterThan(100_000);
    expect(estimateLines(file)).toBeLessThan(111_000);
    writeFileSync(file, 'a,b\r\n'.repeat(10));
    expect(estimateLines(file)).toBe(0);
  });

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
    expect([clip('a, b'), clip('y'.repeat(100))]).toEqual(['a, b', `${'y'.repeat(80)}... (100 characters)`]);
  });
});
