/*
 * A changed config value, field by field: the value is written out one field a line (indented
 * `key: value`, list items with `- `), and the before/after lines are compared like the config
 * file in History. Secrets never show: a password reads as "bcrypt hash" or "plain text" with a
 * short fingerprint, so that a changed secret still shows as a changed line.
 */
import { lineDiff, withContext, type DiffLine } from '../lib/textdiff';

const SECRET_KEYS = new Set(['password', 'token', 'pass', 'authToken', 'seed']);
const BCRYPT = /^\$2[abxy]\$\d{2}\$/;
const REDACTED = '[REDACTED]';
/** Lists of scalars up to this length stay on one line. */
const INLINE_MAX = 72;

/** FNV-1a, 24 bits: tells two secrets apart without showing either. */
function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h & 0xffffff).toString(16).padStart(6, '0');
}

/** How a secret is shown: its kind, never its value. */
export function describeSecret(v: string): string {
  if (v === REDACTED) return '•••• (hidden)';
  if (BCRYPT.test(v)) return `•••• bcrypt hash #${fingerprint(v)}`;
  return `•••• plain text #${fingerprint(v)}`;
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  return String(v);
}

function isScalar(v: unknown): boolean {
  return v === null || (typeof v !== 'object' && typeof v !== 'function');
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

/** `key: value` lines of `v` (an object, list or scalar), children indented by two spaces. */
export function fieldLines(v: unknown, indent = ''): string[] {
  if (v === undefined) return [];
  if (isScalar(v)) return [`${indent}${scalar(v)}`];
  if (Array.isArray(v)) return listLines(v, indent);
  const out: string[] = [];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined) continue;
    if (SECRET_KEYS.has(k) && typeof x === 'string') out.push(`${indent}${k}: ${describeSecret(x)}`);
    else if (isScalar(x)) out.push(`${indent}${k}: ${scalar(x)}`);
    else if (isEmptyObject(x)) out.push(`${indent}${k}: {}`);
    else if (Array.isArray(x) && x.every(isScalar) && inline(x).length <= INLINE_MAX) out.push(`${indent}${k}: ${inline(x)}`);
    else out.push(`${indent}${k}:`, ...fieldLines(x, `${indent}  `));
  }
  return out;
}

function inline(list: unknown[]): string {
  return `[${list.map(scalar).join(', ')}]`;
}

function listLines(list: unknown[], indent: string): string[] {
  if (list.length === 0) return [`${indent}[]`];
  const out: string[] = [];
  for (const item of list) {
    const inner = fieldLines(item, `${indent}  `);
    if (inner.length === 0) continue;
    // The first field of an item carries the `- ` marker, YAML style.
    out.push(`${indent}- ${inner[0]!.slice(indent.length + 2)}`, ...inner.slice(1));
  }
  return out;
}

/**
 * The line diff of two values written field by field. Short values show whole; long ones keep
 * `context` unchanged lines around each change (gaps are null).
 */
export function fieldDiff(before: unknown, after: unknown, context = 3): (DiffLine | null)[] {
  const a = fieldLines(before);
  const b = fieldLines(after);
  const lines = lineDiff(a.join('\n'), b.join('\n')).filter((l) => !(l.text === '' && ((l.op === '-' && a.length === 0) || (l.op === '+' && b.length === 0))));
  return lines.length > 24 ? withContext(lines, context) : lines;
}
