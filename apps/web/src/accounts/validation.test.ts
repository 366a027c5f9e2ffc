import { describe, expect, it } from 'vitest';
import type { AccountModel as Account } from '../api/model';
import { accountNameError, dependentImportIssues, formsCycle, localSubject, validateAccount } from './validation';

const accounts: Record<string, Account> = {
  A: { exports: [{ stream: 'events.>' }, { service: 'svc.req', accounts: ['B'] }] },
  B: {
    imports: [
      { stream: { account: 'A', subject: 'events.>' }, prefix: 'from_a' },
      { service: { account: 'A', subject: 'svc.req' }, to: 'a.svc' },
    ],
  },
  C: { imports: [{ service: { account: 'A', subject: 'svc.req' } }] },
};

describe('validateAccount', () => {
  it('accepts valid imports', () => {
    expect(validateAccount(accounts, 'B')).toEqual([]);
    expect(validateAccount(accounts, 'A')).toEqual([]);
  });
  it('refuses an import the exporter does not allow', () => {
    const issues = validateAccount(accounts, 'C');
    expect(issues[0]?.path).toBe('imports.0.subject');
    expect(issues[0]?.message).toMatch(/does not allow account "C"/);
  });
  it('refuses an import naming a missing export or account', () => {
    const acc = { ...accounts, D: { imports: [{ stream: { account: 'A', subject: 'other.x' } }, { stream: { account: 'Z', subject: 'x' } }] } };
    const issues = validateAccount(acc, 'D');
    expect(issues.map((i) => i.message)).toEqual([
      'account "A" has no stream export covering "other.x"',
      'account "Z" does not exist',
    ]);
  });
  it('refuses invalid subjects and prefix with to', () => {
    const acc = { ...accounts, D: { imports: [{ stream: { account: 'A', subject: 'events..x' } }, { stream: { account: 'A', subject: 'events.x' }, prefix: 'p', to: 'q' }] } };
    const issues = validateAccount(acc, 'D');
    expect(issues[0]).toEqual({ path: 'imports.0.subject', message: 'subject has an empty token (check the dots)' });
    expect(issues[1]?.path).toBe('imports.1.to');
  });
  it('detects a cycle', () => {
    const acc: Record<string, Account> = {
      X: { exports: [{ service: 'x.>' }], imports: [{ service: { account: 'Y', subject: 'y.a' }, to: 'x.a' }] },
      Y: { exports: [{ service: 'y.>' }], imports: [{ service: { account: 'X', subject: 'x.a' }, to: 'y.a' }] },
    };
    expect(formsCycle(acc, 'X', 'Y', 'service', 'y.a')).toEqual(['X', 'Y', 'X']);
    expect(validateAccount(acc, 'X')[0]?.message).toMatch(/cycle: X → Y → X/);
  });
  it('checks users and their permissions', () => {
    const acc: Record<string, Account> = {
      A: { users: [{ user: 'a', password: 'p', permissions: { publish: { allow: ['ok', 'bad.>.x'] } } }, { nkey: 'nope' }] },
      B: { users: [{ user: 'a', password: 'q' }] },
    };
    const paths = validateAccount(acc, 'A').map((i) => i.path);
    expect(paths).toEqual(['users.0.user', 'users.0.permissions.publish.allow.1', 'users.1.nkey']);
  });
});

describe('helpers', () => {
  it('computes the local subject of an import', () => {
    expect(localSubject({ stream: { account: 'A', subject: 'e.>' }, prefix: 'p' })).toBe('p.e.>');
    expect(localSubject({ service: { account: 'A', subject: 's' }, to: 't' })).toBe('t');
    expect(localSubject({ service: { account: 'A', subject: 's' } })).toBe('s');
  });
  it('checks account names', () => {
    expect(accountNameError('', [])).toMatch(/name/);
    expect(accountNameError('a.b', [])).toMatch(/dots/);
    expect(accountNameError('$G', [])).toMatch(/global/);
    expect(accountNameError('A', ['A'])).toMatch(/exists/);
    expect(accountNameError('NEW', ['A'])).toBeNull();
  });
});

describe('dependentImportIssues', () => {
  const others = { B: accounts.B!, C: accounts.C! };
  it('none while every import of the account is still served', () => {
    expect(dependentImportIssues({ B: accounts.B! }, 'A', accounts.A!)).toEqual([]);
  });
  it('a removed export is flagged on the export list, naming the importer', () => {
    const issues = dependentImportIssues(others, 'A', { exports: [{ service: 'svc.req', accounts: ['B', 'C'] }] });
    expect(issues).toEqual([{ path: 'exports.root', message: expect.stringContaining('account "B" imports stream "events.>"') }]);
  });
  it('a narrowed export is flagged at its subject; a restricted one at its accounts', () => {
    const issues = dependentImportIssues({ B: accounts.B! }, 'A', { exports: [{ stream: 'events.a' }, { service: 'svc.req', accounts: ['C'] }] });
    expect(issues.map((i) => i.path)).toEqual(['exports.0.subject', 'exports.1.accounts']);
    expect(issues[1]!.message).toContain('allow "B"');
  });
});
