/**
 * A small YAML writer for the resolved config shown on the page. The config is
 * plain JSON data, and YAML is how users wrote it, so it reads back familiar.
 * (Kept local rather than adding the `yaml` package to this workspace: the
 * output only has to be readable, not round-trip every YAML feature.)
 */

/** Strings that YAML would read back as something else (numbers, booleans, null) or that hold syntax. */
function needsQuotes(s: string): boolean {
  return (
    s === '' ||
    /^[\s]|[\s]$/.test(s) ||
    /^(true|false|yes|no|on|off|null|~)$/i.test(s) ||
    /^[-+]?(\d|\.\d)/.test(s) ||
    /[:#,[\]{}&*!|>'"%@`]|^-/.test(s) ||
    /[\n\r\t]/.test(s)
  );
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return needsQuotes(value) ? JSON.stringify(value) : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function key(k: string): string {
  return needsQuotes(k) ? JSON.stringify(k) : k;
}

function lines(value: unknown): string[] {
  if (Array.isArray(value)) {
    // Lists of scalars stay on one line, as in the example configs: [64, 32, 16].
    if (value.every(isScalar)) return [`[${value.map(scalar).join(', ')}]`];
    return value.flatMap((item) => {
      const inner = lines(item);
      return isScalar(item) || (Array.isArray(item) && item.every(isScalar)) ? [`- ${inner[0]}`] : [`-`, ...inner.map((l) => `  ${l}`)];
    });
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return ['{}'];
    return entries.flatMap(([k, v]) => {
      const inner = lines(v);
      const inline = isScalar(v) || (Array.isArray(v) && v.every(isScalar)) || (isPlainObject(v) && Object.keys(v).length === 0);
      return inline ? [`${key(k)}: ${inner[0]}`] : [`${key(k)}:`, ...inner.map((l) => `  ${l}`)];
    });
  }
  return [scalar(value)];
}

/** Block-style YAML of plain data (objects, arrays, strings, numbers, booleans, null). */
export function toYaml(value: unknown): string {
  return `${lines(value).join('\n')}\n`;
}
