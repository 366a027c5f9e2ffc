/*
 * The account editor's form model and its conversion to and from the shared `Account` schema.
 * The form keeps lists as text (one subject per line) and an explicit kind for exports/imports;
 * the resolver validates with the shared zod schema and the cross-account checks so that each
 * problem lands on its field.
 */
import type { FieldErrors, Resolver } from 'react-hook-form';
import { AccountSchema, isBcrypt } from '@switchboard/shared';
import type { AccountModel as Account, ExportModel as Export, ImportModel as Import, UserModel as User } from '../api/model';
import { dependentImportIssues, validateAccount } from './validation';

export interface UserForm {
  auth: 'password' | 'nkey';
  user: string;
  password: string;
  /**
   * How the password is written to the config: a bcrypt hash made in the browser (the default)
   * or, by explicit choice, plain text.
   */
  store: 'bcrypt' | 'plain';
  nkey: string;
  pubAllow: string;
  pubDeny: string;
  subAllow: string;
  subDeny: string;
  allowResponses: boolean;
}

export interface ExportForm {
  kind: 'stream' | 'service';
  subject: string;
  /** Comma or space separated; empty = public. */
  accounts: string;
  responseType: '' | 'singleton' | 'stream' | 'chunked';
}

export interface ImportForm {
  kind: 'stream' | 'service';
  account: string;
  subject: string;
  prefix: string;
  to: string;
  share: boolean;
}

export interface AccountForm {
  name: string;
  users: UserForm[];
  exports: ExportForm[];
  imports: ImportForm[];
}

export const emptyUser = (): UserForm => ({ auth: 'password', user: '', password: '', store: 'bcrypt', nkey: '', pubAllow: '', pubDeny: '', subAllow: '', subDeny: '', allowResponses: false });
export const emptyExport = (): ExportForm => ({ kind: 'stream', subject: '', accounts: '', responseType: '' });
export const emptyImport = (): ImportForm => ({ kind: 'stream', account: '', subject: '', prefix: '', to: '', share: false });

const lines = (s: string) => s.split(/[\n,]/).map((x) => x.trim()).filter(Boolean);
const words = (s: string) => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);

export function userToForm(u: User): UserForm {
  return {
    auth: u.nkey ? 'nkey' : 'password',
    user: u.user ?? '',
    password: u.password ?? '',
    // A password already in plain text stays so until someone chooses to hash it.
    store: u.password && !isBcrypt(u.password) && u.password !== '[REDACTED]' ? 'plain' : 'bcrypt',
    nkey: u.nkey ?? '',
    pubAllow: (u.permissions?.publish?.allow ?? []).join('\n'),
    pubDeny: (u.permissions?.publish?.deny ?? []).join('\n'),
    subAllow: (u.permissions?.subscribe?.allow ?? []).join('\n'),
    subDeny: (u.permissions?.subscribe?.deny ?? []).join('\n'),
    allowResponses: !!u.permissions?.allowResponses,
  };
}

export function formToUser(f: UserForm, previous?: User): User {
  const u: User = {};
  if (f.auth === 'nkey') u.nkey = f.nkey.trim();
  else {
    u.user = f.user.trim();
    u.password = f.password;
  }
  const perm: NonNullable<User['permissions']> = { ...(previous?.permissions ?? {}) };
  const list = (allow: string, deny: string) => {
    const a = lines(allow);
    const d = lines(deny);
    if (!a.length && !d.length) return undefined;
    return { ...(a.length ? { allow: a } : {}), ...(d.length ? { deny: d } : {}) };
  };
  const pub = list(f.pubAllow, f.pubDeny);
  const sub = list(f.subAllow, f.subDeny);
  if (pub) perm.publish = pub;
  else delete perm.publish;
  if (sub) perm.subscribe = sub;
  else delete perm.subscribe;
  if (f.allowResponses) perm.allowResponses = previous?.permissions?.allowResponses ?? { maxMsgs: 1, expires: 120_000 };
  else delete perm.allowResponses;
  if (Object.keys(perm).length) u.permissions = perm;
  if (previous?.allowedConnectionTypes) u.allowedConnectionTypes = previous.allowedConnectionTypes;
  return u;
}

export function accountToForm(name: string, a: Account): AccountForm {
  return {
    name,
    users: (a.users ?? []).map(userToForm),
    exports: (a.exports ?? []).map((e) => ({
      kind: e.service !== undefined ? 'service' : 'stream',
      subject: e.stream ?? e.service ?? '',
      accounts: (e.accounts ?? []).join(', '),
      responseType: e.responseType ?? '',
    })),
    imports: (a.imports ?? []).map((i) => ({
      kind: i.service ? 'service' : 'stream',
      account: (i.stream ?? i.service)?.account ?? '',
      subject: (i.stream ?? i.service)?.subject ?? '',
      prefix: i.prefix ?? '',
      to: i.to ?? '',
      share: i.share ?? false,
    })),
  };
}

/** The account as the config model wants it; fields the form does not edit are kept from `previous`. */
export function formToAccount(f: AccountForm, previous: Account = {}): Account {
  const out: Account = { ...previous };
  const users = f.users.map((u, i) => formToUser(u, previous.users?.[i]));
  const exports: Export[] = f.exports.map((e, i) => {
    const prev = previous.exports?.[i];
    const x: Export = {};
    if (prev && (prev.service !== undefined) === (e.kind === 'service')) Object.assign(x, prev);
    delete x.stream;
    delete x.service;
    x[e.kind] = e.subject.trim();
    const accs = words(e.accounts);
    if (accs.length) x.accounts = accs;
    else delete x.accounts;
    if (e.kind === 'service' && e.responseType) x.responseType = e.responseType;
    else delete x.responseType;
    return x;
  });
  const imports: Import[] = f.imports.map((i) => {
    const x: Import = { [i.kind]: { account: i.account.trim(), subject: i.subject.trim() } };
    if (i.kind === 'stream' && i.prefix.trim()) x.prefix = i.prefix.trim();
    if (i.to.trim()) x.to = i.to.trim();
    if (i.kind === 'service' && i.share) x.share = true;
    return x;
  });
  if (users.length) out.users = users;
  else delete out.users;
  if (exports.length) out.exports = exports;
  else delete out.exports;
  if (imports.length) out.imports = imports;
  else delete out.imports;
  return out;
}

/** Maps a path of the Account model (as validateAccount and zod report it) to the form field. */
export function formPath(modelPath: string): string {
  const p = modelPath.split('.');
  if (p[0] === 'users' && p[2] === 'permissions') {
    const dir = p[3] === 'publish' ? 'pub' : 'sub';
    const kind = p[4] === 'deny' ? 'Deny' : 'Allow';
    return `users.${p[1]}.${dir}${kind}`;
  }
  if (p[0] === 'users' && (p[2] === 'password' || p[2] === 'user' || p[2] === 'nkey')) return p.slice(0, 3).join('.');
  if (p[0] === 'exports' && (p[2] === 'stream' || p[2] === 'service')) return `exports.${p[1]}.subject`;
  if (p[0] === 'imports' && (p[2] === 'stream' || p[2] === 'service')) return `imports.${p[1]}.${p[3] === 'account' ? 'account' : 'subject'}`;
  return modelPath;
}

export function setIssue(errors: Record<string, unknown>, path: string, message: string): void {
  const parts = path.split('.');
  let cur = errors as Record<string, unknown>;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i]!;
    cur[k] ??= {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1]!;
  if (!cur[last]) cur[last] = { type: 'validate', message };
}

/**
 * Validates the form: per-field basics, the shared AccountSchema, then the cross-account checks
 * against `others` (the other accounts of the draft config).
 */
export function validateAccountForm(
  form: AccountForm,
  others: Record<string, Account>,
  nameError: (n: string) => string | null,
  previous?: Account,
  previousName?: string,
): FieldErrors<AccountForm> {
  const errors: Record<string, unknown> = {};
  const ne = nameError(form.name);
  if (ne) setIssue(errors, 'name', ne);
  form.users.forEach((u, i) => {
    if (u.auth === 'password') {
      if (!u.user.trim()) setIssue(errors, `users.${i}.user`, 'enter a user name');
      if (!u.password) setIssue(errors, `users.${i}.password`, 'enter a password');
      else if (u.store === 'plain' && isBcrypt(u.password)) setIssue(errors, `users.${i}.password`, 'this is a bcrypt hash: type the password to store in plain text');
    } else if (!u.nkey.trim()) setIssue(errors, `users.${i}.nkey`, 'enter the user nkey (U…)');
  });
  form.exports.forEach((e, i) => {
    if (!e.subject.trim()) setIssue(errors, `exports.${i}.subject`, 'enter the exported subject');
  });
  form.imports.forEach((imp, i) => {
    if (!imp.account.trim()) setIssue(errors, `imports.${i}.account`, 'choose the exporting account');
    if (!imp.subject.trim()) setIssue(errors, `imports.${i}.subject`, 'enter the imported subject');
  });
  const account = formToAccount(form, previous);
  const parsed = AccountSchema.safeParse(account);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) setIssue(errors, formPath(issue.path.join('.')) || 'root', issue.message);
  }
  const name = form.name || '(new)';
  for (const issue of validateAccount({ ...others, [name]: account }, name)) setIssue(errors, formPath(issue.path), issue.message);
  // Other accounts' imports of this one (under its name before any rename: the rename rewrites them).
  if (previousName) for (const issue of dependentImportIssues(others, previousName, account)) setIssue(errors, issue.path, issue.message);
  return errors as FieldErrors<AccountForm>;
}

export function accountResolver(others: Record<string, Account>, nameError: (n: string) => string | null, previous?: Account, previousName?: string): Resolver<AccountForm> {
  return async (values) => {
    const errors = validateAccountForm(values, others, nameError, previous, previousName);
    return Object.keys(errors).length ? { values: {}, errors } : { values, errors: {} };
  };
}
