/**
 * The rules of exports and imports between accounts (nats-server accounts.go: checkStreamImportAuthorized,
 * checkServiceImportsForCycles), on the options model. The account registry applies them; the
 * accounts module checks a configuration with them before it is used.
 */
import { isValidSubject, subjectIsSubsetOf, subjectsCollide, tokenAt, type Export, type Options } from '@switchboard/shared';

/** Who may import an export: null = public; else the listed accounts, or the account named at a token position. */
export interface ExportAuth {
  accounts: ReadonlySet<string> | null;
  /** 1-based token of the import subject that must equal the importer's name (0 = unused). */
  tokenPosition: number;
}

export function exportAuth(e: Export): ExportAuth {
  return { accounts: e.accounts && e.accounts.length > 0 ? new Set(e.accounts) : null, tokenPosition: e.accountTokenPosition ?? 0 };
}

/** May `importer` import `subject` from an export of `exportSubject` with this auth? */
export function exportAllows(auth: ExportAuth, exportSubject: string, importer: string, subject: string): boolean {
  if (subject !== exportSubject && !subjectIsSubsetOf(subject, exportSubject)) return false;
  if (auth.tokenPosition > 0) return tokenAt(subject, auth.tokenPosition) === importer;
  return auth.accounts === null || auth.accounts.has(importer);
}

/** Problems with the accounts block, phrased as nats-server phrases them. */
export function validateAccountRules(opts: Options): string[] {
  const errors: string[] = [];
  const accounts = opts.accounts ?? {};
  const names = new Set(Object.keys(accounts));
  for (const [name, acc] of Object.entries(accounts)) {
    for (const ex of acc.exports ?? []) {
      const subject = ex.stream ?? ex.service ?? '';
      if (!isValidSubject(subject)) errors.push(`Error adding ${ex.stream !== undefined ? 'stream' : 'service'} export ${JSON.stringify(subject)} in account ${JSON.stringify(name)}: invalid subject`);
    }
    for (const im of acc.imports ?? []) {
      const kind = im.stream ? 'stream' : 'service';
      const src = (im.stream ?? im.service)!;
      if (!names.has(src.account)) {
        errors.push(`${JSON.stringify(src.account)} account not defined for ${kind} import`);
        continue;
      }
      const exporter = accounts[src.account];
      const exports = (exporter.exports ?? []).filter((e) => (kind === 'stream' ? e.stream !== undefined : e.service !== undefined));
      if (!isValidSubject(src.subject) || (im.to !== undefined && !isValidSubject(im.to))) {
        errors.push(`Error adding ${kind} import ${JSON.stringify(src.subject)}: invalid subject`);
        continue;
      }
      if (!exports.some((e) => exportAllows(exportAuth(e), (e.stream ?? e.service)!, name, src.subject))) {
        errors.push(`Error adding ${kind} import ${JSON.stringify(src.subject)}: ${kind} import not authorized`);
        continue;
      }
      if (kind === 'stream' && im.prefix !== undefined && im.to !== undefined) {
        errors.push(`Error adding stream import ${JSON.stringify(src.subject)}: a stream import can not have both prefix and to`);
      }
    }
  }
  errors.push(...findServiceCycles(opts));
  return errors;
}

/** A service import that leads, through other accounts' service imports, back to the importer. */
function findServiceCycles(opts: Options): string[] {
  const accounts = opts.accounts ?? {};
  const errors: string[] = [];
  const walk = (account: string, subject: string, visited: Set<string>, depth: number): boolean => {
    if (depth > 1024) return true;
    for (const im of accounts[account]?.imports ?? []) {
      if (!im.service) continue;
      const local = im.to ?? im.service.subject;
      if (!subjectsCollide(subject, local)) continue;
      if (visited.has(im.service.account)) return true;
      const next = new Set(visited).add(account);
      if (walk(im.service.account, im.service.subject, next, depth + 1)) return true;
    }
    return false;
  };
  for (const [name, acc] of Object.entries(accounts)) {
    for (const im of acc.imports ?? []) {
      if (!im.service || !accounts[im.service.account]) continue;
      if (walk(im.service.account, im.service.subject, new Set([name]), 0)) {
        errors.push(`Error adding service import ${JSON.stringify(im.service.subject)}: import forms a cycle`);
      }
    }
  }
  return errors;
}
