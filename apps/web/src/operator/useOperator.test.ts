import { describe, expect, test } from 'vitest';
import { exportsText, importsText, lines, parseExports, parseImports, parseLimit, shortKey } from './useOperator';

const ACC = `A${'B'.repeat(55)}`;

describe('operator form helpers', () => {
  test('lines: one a line or comma separated, blanks dropped', () => {
    expect(lines(' a.> ,b\n\n c ')).toEqual(['a.>', 'b', 'c']);
  });
  test('exports round-trip and name the bad line', () => {
    const p = parseExports('stream orders.>\n\nservice help token');
    expect(p).toEqual({ ok: true, value: [{ type: 'stream', subject: 'orders.>', tokenReq: false }, { type: 'service', subject: 'help', tokenReq: true }] });
    if (p.ok) expect(exportsText(p.value)).toBe('stream orders.>\nservice help token');
    expect(parseExports('stream a\nqueue b')).toEqual({ ok: false, error: expect.stringContaining('line 2') });
  });
  test('imports need an account key; the local subject is optional', () => {
    const p = parseImports(`service ${ACC} help\nstream ${ACC} orders.> shop.orders.>`);
    expect(p.ok && p.value[1]).toEqual({ type: 'stream', account: ACC, subject: 'orders.>', localSubject: 'shop.orders.>' });
    if (p.ok) expect(importsText(p.value)).toBe(`service ${ACC} help\nstream ${ACC} orders.> shop.orders.>`);
    expect(parseImports('stream ABC orders.>').ok).toBe(false);
  });
  test('limits: empty is unlimited, junk is refused', () => {
    expect(parseLimit('')).toBe(-1);
    expect(parseLimit('12')).toBe(12);
    expect(parseLimit('x')).toBeUndefined();
    expect(shortKey(ACC)).toBe('ABBBBBBB…BBBBBB');
  });
});
