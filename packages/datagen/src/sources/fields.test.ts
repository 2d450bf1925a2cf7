import { FieldSplitter } from './fields';

describe('FieldSplitter', () => {
  const split = (text: string, delimiter = ',') => {
    const s = new FieldSplitter('f.csv', delimiter, true);
    const out: string[] = [];
    const record = { text: '', lineNo: 0 };
    const n = s.split(text, 1, '\n', out, record);
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
    expect(s.split('1,"two', 4, '\r\n', out, record)).toBe(-1);
    expect(s.open).toBe(true);
    expect(s.split('lines",3', 5, '\n', out, record)).toBe(3);
    expect(out.slice(0, 3)).toEqual(['1', 'two\r\nlines', '3']);
    expect(record).toEqual({ text: '1,"two\r\nlines",3', lineNo: 4 });
    expect(() => s.finish()).not.toThrow();
  });

  it('leaves quotes alone when quoting is off', () => {
    const s = new FieldSplitter('u.data', '\t', false);
    const out: string[] = [];
    expect(s.split('"a\tb', 1, '\n', out, { text: '', lineNo: 0 })).toBe(2);
    expect(out.slice(0, 2)).toEqual(['"a', 'b']);
  });
});
