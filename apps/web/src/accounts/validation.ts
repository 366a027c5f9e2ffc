/*
 * Cross-account checks the zod schema cannot express: an import naming a missing account or
 * export, an import the exporter does not allow, an import that forms a cycle, and invalid
 * subjects. Run on the whole `accounts` block being edited so that problems show at the field
 * before anything is sent (the server repeats these checks and its messages are shown too).
 */
import type { AccountModel as Account, ExportModel as Export, ImportModel as Import } from '../api/model';
import { subjectError, subjectIsSubsetOf, subjectsCollide, tokenAt } from '@switchboard/shared';

export interface FieldIssue {
  /** react-hook-form style path inside the account, e.g. `imports.0.stream.subject`. */
  path: string;
  message: string;
}

type Accounts = Record<string, Account>;

export function importKind(imp: Import): 'stream' | 'service' {
  return imp.stream ? 'stream' : 'service';
}

/** The subject an import delivers to (streams) or listens on (services) in the importing account. */
export function localSubject(imp: Import): string {
  const src = imp.stream ?? imp.service;
  if (!src) return '';
  if (imp.stream && imp.prefix) return `${imp.prefix}.${src.subject}`;
  return imp.to || src.subject;
}

/** The export of `exporter` that covers `subject` for `kind`, if any. */
export function findExport(exporter: Account | undefined, kind: 'stream' | 'service', subject: string): Export | undefined {
  return (exporter?.exports ?? []).find((e) => {
    const s = kind === 'stream' ? e.stream : e.service;
    return s !== undefined && s !== '' && subjectIsSubsetOf(subject, s);
  });
}

function exportAllows(exp: Export, importer: string, subject: string): boolean {
  if (exp.accountTokenPosition !== undefined && exp.accountTokenPosition > 0) {
    return tokenAt(subject, exp.accountTokenPosition) === importer;
  }
  if (!exp.accounts || exp.accounts.length === 0) return true;
  return exp.accounts.includes(importer);
}

/**
 * Whether importing `subject` of `kind` from `from` into `into` would loop back to `into`:
 * follow the exporter's own imports of the same kind whose local subject overlaps, as nats-server's
 * checkServiceImportsForCycles / checkStreamImportsForCycles do (depth-limited).
 */
export function formsCycle(accounts: Accounts, into: string, from: string, kind: 'stream' | 'service', subject: string): string[] | null {
  const seen = new Set<string>();
  const walk = (acc: string, subj: string, path: string[], depth: number): string[] | null => {
    if (acc === into) return path;
    if (depth > 1024) return path;
    const key = `${acc}\u0000${subj}`;
    if (seen.has(key)) return null;
    seen.add(key);
    for (const imp of accounts[acc]?.imports ?? []) {
      const src = kind === 'stream' ? imp.stream : imp.service;
      if (!src) continue;
      if (!subjectsCollide(localSubject(imp), subj)) continue;
      const found = walk(src.account, src.subject, [...path, src.account], depth + 1);
      if (found) return found;
    }
    return null;
  };
  return walk(from, subject, [into, from], 0);
}

/** Every problem of one account's users, exports and imports, given all accounts (including edits). */
export function validateAccount(accounts: Accounts, name: string): FieldIssue[] {
  const acc = accounts[name];
  const issues: FieldIssue[] = [];
  if (!acc) return issues;

  (acc.exports ?? []).forEach((exp, i) => {
    const kind = exp.stream !== undefined ? 'stream' : 'service';
    const subj = exp.stream ?? exp.service ?? '';
    const err = subjectError(subj);
    if (err) issues.push({ path: `exports.${i}.subject`, message: err });
    for (const a of exp.accounts ?? []) {
      if (!(a in accounts)) issues.push({ path: `exports.${i}.accounts`, message: `account "${a}" does not exist` });
    }
    if (kind === 'stream' && exp.responseType) {
      issues.push({ path: `exports.${i}.responseType`, message: 'only service exports have a response type' });
    }
  });

  (acc.imports ?? []).forEach((imp, i) => {
    const kind = importKind(imp);
    const src = imp.stream ?? imp.service;
    if (!src) return;
    const base = `imports.${i}`;
    if (!src.account) {
      issues.push({ path: `${base}.account`, message: 'choose the exporting account' });
      return;
    }
    if (src.account === name) {
      issues.push({ path: `${base}.account`, message: 'an account cannot import from itself' });
      return;
    }
    const err = subjectError(src.subject);
    if (err) {
      issues.push({ path: `${base}.subject`, message: err });
      return;
    }
    if (kind === 'stream' && imp.prefix && imp.to) {
      issues.push({ path: `${base}.to`, message: 'a stream import takes a prefix or a "to" subject, not both' });
    }
    if (imp.prefix) {
      const perr = subjectError(imp.prefix, { wildcards: false });
      if (perr) issues.push({ path: `${base}.prefix`, message: `prefix: ${perr}` });
    }
    if (imp.to) {
      const terr = subjectError(imp.to);
      if (terr) issues.push({ path: `${base}.to`, message: `to: ${terr}` });
    }
    const exporter = accounts[src.account];
    if (!exporter) {
      issues.push({ path: `${base}.account`, message: `account "${src.account}" does not exist` });
      return;
    }
    const exp = findExport(exporter, kind, src.subject);
    if (!exp) {
      issues.push({ path: `${base}.subject`, message: `account "${src.account}" has no ${kind} export covering "${src.subject}"` });
      return;
    }
    if (!exportAllows(exp, name, src.subject)) {
      issues.push({ path: `${base}.subject`, message: `the ${kind} export "${exp.stream ?? exp.service}" of "${src.account}" does not allow account "${name}"` });
      return;
    }
    const cycle = formsCycle(accounts, name, src.account, kind, src.subject);
    if (cycle) issues.push({ path: `${base}.subject`, message: `import forms a cycle: ${cycle.join(' → ')}` });
  });

  const seenUsers = new Set<string>();
  const otherUsers = new Set<string>();
  for (const [n, a] of Object.entries(accounts)) {
    if (n === name) continue;
    for (const u of a.users ?? []) otherUsers.add(u.user ?? u.nkey ?? '');
  }
  (acc.users ?? []).forEach((u, i) => {
    const id = u.user ?? u.nkey ?? '';
    if (!u.user && !u.nkey) issues.push({ path: `users.${i}.user`, message: 'a user needs a name (with a password) or an nkey' });
    if (u.nkey && !/^U[A-Z2-7]{55}$/.test(u.nkey)) issues.push({ path: `users.${i}.nkey`, message: 'an nkey user key starts with U and has 56 base32 characters' });
    if (id && (seenUsers.has(id) || otherUsers.has(id))) issues.push({ path: `users.${i}.user`, message: `user "${id}" is already defined` });
    seenUsers.add(id);
    for (const dir of ['publish', 'subscribe'] as const) {
      for (const kind of ['allow', 'deny'] as const) {
        (u.permissions?.[dir]?.[kind] ?? []).forEach((s, j) => {
          const e = subjectError(s);
          if (e) issues.push({ path: `users.${i}.permissions.${dir}.${kind}.${j}`, message: e });
        });
      }
    }
  });
  return issues;
}

/**
 * Imports of other accounts that the edited account (`exporter`, still named `importedAs` in those
 * imports) would no longer serve: an export removed, narrowed, or restricted so that it leaves an
 * importer out. Each issue names the importing account and sits at the export that changed
 * (`exports.<i>.subject` / `.accounts`), or at `exports.root` when no export covers it any more.
 */
export function dependentImportIssues(others: Accounts, importedAs: string, exporter: Account): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const exps = exporter.exports ?? [];
  for (const [importer, acc] of Object.entries(others)) {
    for (const imp of acc.imports ?? []) {
      const src = imp.stream ?? imp.service;
      if (!src || src.account !== importedAs || !src.subject) continue;
      const kind = importKind(imp);
      const what = `account "${importer}" imports ${kind} "${src.subject}" from this account`;
      const exp = findExport(exporter, kind, src.subject);
      if (exp) {
        if (!exportAllows(exp, importer, src.subject)) {
          issues.push({ path: `exports.${exps.indexOf(exp)}.accounts`, message: `${what}: allow "${importer}" here, or remove that import first` });
        }
        continue;
      }
      // The export that still overlaps the import (narrowed or changed), else the list itself (removed).
      const near = exps.findIndex((e) => {
        const s = kind === 'stream' ? e.stream : e.service;
        return !!s && subjectsCollide(s, src.subject);
      });
      if (near >= 0) issues.push({ path: `exports.${near}.subject`, message: `${what}: this export no longer covers it; widen it, or remove that import first` });
      else issues.push({ path: 'exports.root', message: `${what}: no ${kind} export covers it any more; keep the export, or remove that import first` });
    }
  }
  return issues;
}

/** Accounts name rules: not empty, no whitespace or dots, `$G` reserved. */
export function accountNameError(name: string, existing: string[]): string | null {
  if (!name.trim()) return 'name the account';
  if (/[\s.*>]/.test(name)) return 'an account name has no spaces, dots or wildcards';
  if (name === '$G') return '$G is the global account and cannot be declared';
  if (existing.includes(name)) return `account "${name}" already exists`;
  return null;
}
