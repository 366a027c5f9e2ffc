/*
 * Activation tokens pasted into an account's imports, checked before the account is signed so
 * a bad one gets a 400 naming its field (`body.imports.2.token`) with the reason nats-server
 * would give, rather than a refusal of the whole JWT. The same checks as the jwt library's
 * `Import.Validate`: the token decodes and verifies, was issued by the exporting account (or
 * one of its signing keys naming it as issuer_account), for this account, of the import's
 * kind, for a subject containing the import's, and has not expired.
 */
import { jwt as J } from '@switchboard/broker';
import type { OperatorImport } from '@switchboard/shared';
import { validationFailed } from './errors.js';

/** `account`: the importing account's key (null: a new account, which no token can name yet). */
export function checkImportTokens(imports: readonly OperatorImport[], account: string | null): void {
  const issues: { path: string; message: string }[] = [];
  imports.forEach((imp, i) => {
    if (!imp.token) return;
    const path = `body.imports.${i}.token`;
    let act: J.ActivationClaims;
    try {
      act = J.decodeActivationJwt(J.parseDecoratedJwt(imp.token).trim());
    } catch (e) {
      issues.push({ path, message: `not an activation token: ${(e as Error).message}` });
      return;
    }
    const issuer = act.nats.issuerAccount || act.iss;
    if (issuer !== imp.account) issues.push({ path, message: `the token was issued by account ${issuer}, not by ${imp.account} (the account imported from)` });
    else if (account === null) issues.push({ path, message: `the token is for account ${act.sub}; create the account first, then add the import with a token issued for it` });
    else if (act.sub !== account) issues.push({ path, message: `the token is for account ${act.sub}, not for this account ${account}` });
    else if (act.nats.kind !== imp.type) issues.push({ path, message: `the token is for a ${act.nats.kind} import, this import is a ${imp.type}` });
    else if (!subjectContained(imp.subject, act.nats.subject)) issues.push({ path, message: `the token grants "${act.nats.subject}", which does not contain "${imp.subject}"` });
    else if (act.exp && act.exp <= Math.floor(Date.now() / 1000)) issues.push({ path, message: `the token expired at ${new Date(act.exp * 1000).toISOString()}` });
  });
  if (issues.length) throw validationFailed(issues, 'body');
}

/** jwt `SubjectIsContainedIn`-like: every token of `subject` matches `container`'s. */
function subjectContained(subject: string, container: string): boolean {
  const s = subject.split('.');
  const c = container.split('.');
  for (let i = 0; i < c.length; i++) {
    if (c[i] === '>') return i < s.length;
    if (i >= s.length) return false;
    if (c[i] === '*') {
      if (s[i] === '>') return false;
      continue;
    }
    if (c[i] !== s[i]) return false;
  }
  return s.length === c.length;
}
