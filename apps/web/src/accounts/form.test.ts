import { describe, expect, it } from 'vitest';
import type { AccountModel as Account } from '../api/model';
import { accountToForm, emptyImport, emptyUser, formPath, formToAccount, validateAccountForm } from './form';
import { accountNameError } from './validation';

const A: Account = {
  users: [{ user: 'a', password: 'pw', permissions: { publish: { allow: ['x.>'] }, allowResponses: { maxMsgs: 1, expires: 120000 } } }],
  exports: [{ stream: 'events.>' }, { service: 'svc.req', accounts: ['B'], responseType: 'stream' }],
  limits: { maxConnections: 5 },
};

describe('account form conversion', () => {
  it('round-trips an account and keeps fields the form does not edit', () => {
    const f = accountToForm('A', A);
    expect(f.exports[1]).toEqual({ kind: 'service', subject: 'svc.req', accounts: 'B', responseType: 'stream' });
    expect(f.users[0]?.allowResponses).toBe(true);
    expect(formToAccount(f, A)).toEqual(A);
  });
  it('builds imports with prefix and to', () => {
    const f = accountToForm('B', {});
    f.imports.push({ ...emptyImport(), account: 'A', subject: 'events.>', prefix: 'from_a' });
    f.imports.push({ kind: 'service', account: 'A', subject: 'svc.req', prefix: 'ignored', to: 'local.svc', share: true });
    expect(formToAccount(f).imports).toEqual([
      { stream: { account: 'A', subject: 'events.>' }, prefix: 'from_a' },
      { service: { account: 'A', subject: 'svc.req' }, to: 'local.svc', share: true },
    ]);
  });
  it('maps model paths to form fields', () => {
    expect(formPath('users.0.permissions.publish.deny.2')).toBe('users.0.pubDeny');
    expect(formPath('imports.1.stream.subject')).toBe('imports.1.subject');
    expect(formPath('imports.1.service.account')).toBe('imports.1.account');
    expect(formPath('exports.0.service')).toBe('exports.0.subject');
  });
});

describe('validateAccountForm', () => {
  const nameErr = (n: string) => accountNameError(n, ['A']);
  it('puts a missing export at the import subject field', () => {
    const f = accountToForm('B', {});
    f.imports.push({ ...emptyImport(), account: 'A', subject: 'nope.>' });
    const errors = validateAccountForm(f, { A }, nameErr);
    expect(errors.imports?.[0]?.subject?.message).toBe('account "A" has no stream export covering "nope.>"');
  });
  it('reports empty required fields and bad names', () => {
    const f = accountToForm('A', {});
    f.imports.push(emptyImport());
    const errors = validateAccountForm(f, { A }, nameErr);
    expect(errors.name?.message).toMatch(/already exists/);
    expect(errors.imports?.[0]?.account?.message).toBe('choose the exporting account');
  });
  it('passes a valid account', () => {
    const f = accountToForm('B', {});
    f.imports.push({ ...emptyImport(), account: 'A', subject: 'events.x', prefix: 'p' });
    expect(validateAccountForm(f, { A }, nameErr)).toEqual({});
  });
});

describe('password storage choice', () => {
  const hash = '$2a$11$abcdefghijklmnopqrstuuOq1Xf7w3m0Hk1JbC2m6bzRZ5FQy6tW2';
  it('keeps what the config has: a plain password stays plain, a hash stays a hash', () => {
    const f = accountToForm('A', { users: [{ user: 'p', password: 'pw' }, { user: 'h', password: hash }, { user: 'r', password: '[REDACTED]' }] });
    expect(f.users.map((u) => u.store)).toEqual(['plain', 'bcrypt', 'bcrypt']);
    expect(formToAccount(f).users?.map((u) => u.password)).toEqual(['pw', hash, '[REDACTED]']);
  });
  it('refuses a hash where plain text was chosen', () => {
    const f = accountToForm('B', {});
    f.users.push({ ...emptyUser(), user: 'u', password: hash, store: 'plain' });
    expect(validateAccountForm(f, {}, () => null).users?.[0]?.password?.message).toMatch(/bcrypt hash/);
    f.users[0]!.store = 'bcrypt';
    expect(validateAccountForm(f, {}, () => null)).toEqual({});
  });
});
