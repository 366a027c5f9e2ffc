import { describe, expect, it } from 'vitest';
import { diffOptions, effectOf, needsRestart } from './diff';
import { lineDiff, withContext } from '../lib/textdiff';

describe('diffOptions', () => {
  it('lists changes with their effect', () => {
    const before = { port: 4222, debug: false, accounts: { A: { exports: [{ stream: 'a.>' }] } }, gateway: { name: 'x' } };
    const after = { port: 4223, debug: true, accounts: { A: { exports: [{ stream: 'a.>' }, { service: 's' }] }, B: {} }, gateway: { name: 'y' } };
    const changes = diffOptions(before, after);
    expect(changes.map((c) => [c.path, c.kind, c.effect])).toEqual([
      ['accounts.A.exports', 'changed', 'hot'],
      ['accounts.B', 'added', 'hot'],
      ['debug', 'changed', 'hot'],
      ['gateway.name', 'changed', 'restart'],
      ['port', 'changed', 'restart'],
    ]);
    expect(needsRestart(changes)).toBe(true);
  });
  it('knows which cluster keys are hot', () => {
    expect(effectOf('cluster.routes')).toBe('hot');
    expect(effectOf('cluster.port')).toBe('restart');
    expect(effectOf('authorization.users')).toBe('hot');
    expect(effectOf('serverName')).toBe('restart');
  });
  it('finds nothing when equal', () => {
    expect(diffOptions({ a: [1, 2] }, { a: [1, 2] })).toEqual([]);
  });
});

describe('lineDiff', () => {
  it('marks added and removed lines', () => {
    const d = lineDiff('a\nb\nc', 'a\nc\nd');
    expect(d.map((l) => l.op + l.text)).toEqual([' a', '-b', ' c', '+d']);
  });
  it('folds unchanged runs', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
    const b = a.replace('l10', 'L10');
    const c = withContext(lineDiff(a, b), 1);
    expect(c.map((l) => (l ? l.op + l.text : '…'))).toEqual(['…', ' l9', '-l10', '+L10', ' l11', '…']);
  });
});

import { ApplyResponseSchema } from '@switchboard/shared';

describe('the change contract', () => {
  it('accepts server changes without old (added) or new (removed), as the JSON leaves them out', () => {
    const body = {
      ok: true,
      revision: '2',
      warnings: [],
      changes: [
        { path: 'accounts.A', kind: 'added', new: {}, hot: true },
        { path: 'accounts.B', kind: 'removed', old: {}, hot: true },
      ],
    };
    expect(ApplyResponseSchema.safeParse(body).success).toBe(true);
  });
});
