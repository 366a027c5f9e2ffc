import { describe, expect, it } from 'vitest';
import { describeSecret, fieldDiff, fieldLines } from './fieldDiff';

const hash = '$2a$11$abcdefghijklmnopqrstuuOq1Xf7w3m0Hk1JbC2m6bzRZ5FQy6tW2';

describe('fieldLines', () => {
  it('writes one field a line, lists YAML style, secrets by kind only', () => {
    const account = {
      users: [
        { user: 'sam', password: hash, permissions: { publish: { allow: ['orders.>', 'audit.x'] } } },
        { nkey: 'UABC' },
      ],
      exports: [{ stream: 'orders.>', accounts: ['SHIP'] }],
    };
    const lines = fieldLines(account);
    expect(lines[0]).toBe('users:');
    expect(lines[1]).toBe('  - user: "sam"');
    expect(lines[2]).toMatch(/^ {4}password: •••• bcrypt hash #[0-9a-f]{6}$/);
    expect(lines.slice(3)).toEqual([
      '    permissions:',
      '      publish:',
      '        allow: ["orders.>", "audit.x"]',
      '  - nkey: "UABC"',
      'exports:',
      '  - stream: "orders.>"',
      '    accounts: ["SHIP"]',
    ]);
    expect(lines.join('\n')).not.toContain(hash);
  });
  it('shows scalars, empty objects and redacted values', () => {
    expect(fieldLines(4222)).toEqual(['4222']);
    expect(fieldLines({ a: {}, b: [] })).toEqual(['a: {}', 'b: []']);
    expect(fieldLines({ password: '[REDACTED]' })).toEqual(['password: •••• (hidden)']);
    expect(describeSecret('pw1')).toMatch(/^•••• plain text #/);
    expect(describeSecret('pw1')).not.toBe(describeSecret('pw2'));
  });
});

describe('fieldDiff', () => {
  it('marks only the changed field of a changed account', () => {
    const before = { users: [{ user: 'a', password: 'x' }, { user: 'b', password: 'y' }], exports: [{ stream: 'e.>' }] };
    const after = { users: [{ user: 'a', password: 'x' }, { user: 'b', password: hash }], exports: [{ stream: 'e.>' }] };
    const d = fieldDiff(before, after);
    const changed = d.filter((l) => l && l.op !== ' ');
    expect(changed.map((l) => l!.op)).toEqual(['-', '+']);
    expect(changed[0]!.text).toMatch(/password: •••• plain text/);
    expect(changed[1]!.text).toMatch(/password: •••• bcrypt hash/);
    expect(d.filter((l) => l?.op === ' ').map((l) => l!.text)).toContain('  - user: "b"');
  });
  it('an added or removed value is all + or all - lines', () => {
    expect(fieldDiff(undefined, { stream: 'a' }).map((l) => l && l.op + l.text)).toEqual(['+stream: "a"']);
    expect(fieldDiff(true, undefined).map((l) => l && l.op + l.text)).toEqual(['-true']);
  });
  it('folds long unchanged runs', () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i === 20 ? n : i]));
    const d = fieldDiff(many(0), many(1));
    expect(d[0]).toBeNull();
    expect(d.filter((l) => l && l.op !== ' ').map((l) => l!.op + l!.text)).toEqual(['-k20: 0', '+k20: 1']);
  });
});
