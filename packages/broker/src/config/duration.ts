/** Go `time.ParseDuration` / `Duration.String` equivalents, in milliseconds. */

const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  'μs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Parses a Go duration string (`"2m"`, `"1h30m"`, `"500ms"`, `"1.5s"`, `"0"`) to nanoseconds. */
export function parseGoDuration(input: string): { ns: number } | { error: string } {
  const invalid = { error: `time: invalid duration "${input}"` };
  let s = input;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ns: 0 };
  if (s === '') return invalid;
  let total = 0;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0]! >= '0' && s[0]! <= '9'))) return invalid;
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    const whole = m[1] ?? '';
    const frac = m[2];
    if (whole === '' && (frac === undefined || frac === '')) return invalid;
    s = s.slice(m[0].length);
    let i = 0;
    while (i < s.length && s[i] !== '.' && !(s[i]! >= '0' && s[i]! <= '9')) i++;
    const unit = s.slice(0, i);
    s = s.slice(i);
    if (unit === '') return { error: `time: missing unit in duration "${input}"` };
    const mult = UNITS[unit];
    if (mult === undefined) return { error: `time: unknown unit "${unit}" in duration "${input}"` };
    total += Number(whole || '0') * mult + (frac ? Number(`0.${frac}`) * mult : 0);
  }
  if (total > 9.223372036854775807e18) return invalid;
  return { ns: neg ? -total : total };
}

/** Parses a Go duration string to whole milliseconds (rounded). */
export function parseDurationMs(input: string): { ms: number } | { error: string } {
  const r = parseGoDuration(input);
  return 'error' in r ? r : { ms: Math.round(r.ns / 1e6) };
}

/** Renders milliseconds as a short Go duration string (`"2m"`, `"1h30m"`, `"1500ms"`). */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (!Number.isInteger(rest) || rest % 1000 !== 0) return `${sign}${rest}ms`;
  let out = '';
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  if (h) out += `${h}h`;
  if (m) out += `${m}m`;
  if (s) out += `${s}s`;
  return sign + out;
}
