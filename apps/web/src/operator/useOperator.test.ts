import { describe, expect, test } from 'vitest';
import { exportsText, parseExports, parseLimit, shortKey } from './useOperator';
import { importsFromRows, importRowsFrom } from './forms';
import { activationOf, emptyPermText, entries, parsePermText, parseTimes, permSummary } from './permissions';

const ACC = `A${'B'.repeat(55)}`;

describe('operator form helpers', () => {
  test('entries: one a line or comma separated, blanks dropped', () => {
    expect(entries(' a.> ,b\n\n c ')).toEqual(['a.>', 'b', 'c']);
  });
  test('exports round-trip and name the bad line', () => {
    const p = parseExports('stream orders.>\n\nservice help token');
    expect(p).toEqual({ ok: true, value: [{ type: 'stream', subject: 'orders.>', tokenReq: false }, { type: 'service', subject: 'help', tokenReq: true }] });
    if (p.ok) expect(exportsText(p.value)).toBe('stream orders.>\nservice help token');
    expect(parseExports('stream a\nqueue b')).toEqual({ ok: false, error: expect.stringContaining('line 2') });
  });
  test('import rows need an account key; local subject and token are optional', () => {
    const rows = importRowsFrom([{ type: 'stream', account: ACC, subject: 'orders.>', localSubject: 'shop.orders.>', token: 'eyJ.x.y' }]);
    expect(importsFromRows(rows)).toEqual({ ok: true, value: [{ type: 'stream', account: ACC, subject: 'orders.>', localSubject: 'shop.orders.>', token: 'eyJ.x.y' }] });
    expect(importsFromRows([{ type: 'stream', account: 'ABC', subject: 'x', localSubject: '', token: '' }])).toEqual({ ok: false, error: expect.stringContaining('import 1') });
  });
  test('an activation token fills in an import', () => {
    const payload = btoa(JSON.stringify({ iss: 'AEXP', sub: 'AIMP', nats: { subject: 'private.>', kind: 'stream', type: 'activation', version: 2 } })).replace(/=+$/, '');
    expect(activationOf(`eyJhbGciOiJlZDI1NTE5LW5rZXkifQ.${payload}.sig`)).toEqual({ account: 'AEXP', subject: 'private.>', kind: 'stream', sub: 'AIMP' });
    expect(activationOf('garbage')).toBeUndefined();
  });
  test('user fields: each problem names its field; valid text becomes the API body', () => {
    const t = { ...emptyPermText(), pubAllow: 'a.>, b', src: '10.0.0.0/8\n::1/128', times: '08:00-17:30', locale: 'UTC', respMax: '2', respTtl: '5s', connectionTypes: ['STANDARD'] };
    const p = parsePermText(t);
    expect(p.ok && p.value).toMatchObject({ pubAllow: ['a.>', 'b'], src: ['10.0.0.0/8', '::1/128'], times: [{ start: '08:00:00', end: '17:30:00' }], locale: 'UTC', resp: { max: 2, ttl: '5s' }, connectionTypes: ['STANDARD'] });
    expect(parsePermText({ ...t, src: '10.0.0.1' })).toEqual({ ok: false, error: expect.stringContaining('Source networks') });
    expect(parsePermText({ ...t, locale: 'Mars/Base' })).toEqual({ ok: false, error: expect.stringContaining('Time zone') });
    expect(parsePermText({ ...t, respTtl: 'soon' })).toEqual({ ok: false, error: expect.stringContaining('Reply window') });
    expect(parseTimes('25:00-26:00').ok).toBe(false);
    if (p.ok) expect(permSummary(parsePermText(t).ok ? (p.value as never) : (null as never))).toContain('from 10.0.0.0/8');
  });
  test('limits: empty is unlimited, junk is refused', () => {
    expect(parseLimit('')).toBe(-1);
    expect(parseLimit('12')).toBe(12);
    expect(parseLimit('x')).toBeUndefined();
    expect(shortKey(ACC)).toBe('ABBBBBBB…BBBBBB');
  });
});
