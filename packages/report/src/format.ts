/**
 * Number and date formatting for tables. Fixed locale (en-US) so a page is the
 * same bytes on every machine, and one dash for anything missing or not finite.
 */
const MISSING = '–';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function finite(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Fixed decimals: 0.91234 -> "0.9123". */
export function fixed(x: unknown, digits: number): string {
  return finite(x) ? x.toFixed(digits) : MISSING;
}

/** Thousands separators: 123456 -> "123,456". */
export function int(x: unknown): string {
  return finite(x) ? integer.format(x) : MISSING;
}

/** Signed percentage: -0.0523 -> "−5.2%". */
export function percent(x: unknown, digits = 1): string {
  if (!finite(x)) return MISSING;
  const s = (Math.abs(x) * 100).toFixed(digits);
  return `${x < 0 ? '−' : x > 0 ? '+' : ''}${s}%`;
}

/** Seconds, readable at any size: 0.42 s, 12.3 s, 4 min 05 s. */
export function duration(x: unknown): string {
  if (!finite(x)) return MISSING;
  if (x < 60) return `${x.toFixed(x < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(x / 60);
  const seconds = Math.round(x - minutes * 60);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** ISO time -> "2026-11-29 17:04 UTC" (ISO strings from toISOString are UTC). */
export function dateTime(iso: unknown): string {
  if (typeof iso !== 'string' || Number.isNaN(Date.parse(iso))) return MISSING;
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A p-value for a table cell: two significant digits, "< 0.001" below that: 0.0312 -> "0.031". */
export function pNumber(p: unknown): string {
  if (!finite(p)) return MISSING;
  if (p < 0.001) return '< 0.001';
  return String(Number(p.toPrecision(2)));
}

/** A p-value in words: "p = 0.031", "p < 0.001". */
export function pValue(p: unknown): string {
  const s = pNumber(p);
  return s === MISSING ? 'p = –' : s.startsWith('<') ? `p ${s}` : `p = ${s}`;
}

/** A signed number with a real minus sign: 0.0123 -> "+0.0123", -0.5 -> "−0.5000", 0 -> "±0.0000". */
export function signedFixed(x: unknown, digits: number): string {
  if (!finite(x)) return MISSING;
  return `${x < 0 ? '−' : x > 0 ? '+' : '±'}${Math.abs(x).toFixed(digits)}`;
}

export { MISSING };
