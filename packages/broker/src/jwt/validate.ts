/**
 * Claim validation as the jwt library (v2.3.0, the one nats-server 2.9.10 links) does it:
 * `Validate(vr)` per claim kind, collecting blocking errors, time checks (expired / not yet
 * valid, no clock leeway: `now > exp`, `nbf > now`) and warnings. nats-server refuses a claim
 * when `vr.IsBlocking(true)` (errors or time checks) and, for pushed updates, when
 * `vr.IsBlocking(false)` (errors only).
 */
import type {
  AccountClaims,
  ActivationClaims,
  ClaimsData,
  ExportClaim,
  ImportClaim,
  OperatorClaims,
  Permission,
  PermissionsClaim,
  UserClaims,
  UserPermissionLimits,
} from './claims.js';
import { decodeActivationJwt, isValidPublicKey } from './claims.js';
import { jwtSubjectHasWildcards, jwtSubjectIsContainedIn, parseCidr } from './subject.js';

export interface ValidationIssue {
  description: string;
  blocking: boolean;
  timeCheck: boolean;
}

export class ValidationResults {
  readonly issues: ValidationIssue[] = [];
  addError(description: string): void {
    this.issues.push({ description, blocking: true, timeCheck: false });
  }
  addTimeCheck(description: string): void {
    this.issues.push({ description, blocking: false, timeCheck: true });
  }
  addWarning(description: string): void {
    this.issues.push({ description, blocking: false, timeCheck: false });
  }
  isBlocking(includeTimeChecks: boolean): boolean {
    return this.issues.some((i) => i.blocking || (includeTimeChecks && i.timeCheck));
  }
  errors(): string[] {
    return this.issues.filter((i) => i.blocking).map((i) => i.description);
  }
}

/** Seconds since the epoch, as Go's `time.Now().Unix()`. */
export const unixNow = (now: number | Date = Date.now()): number => Math.floor((typeof now === 'number' ? now : now.getTime()) / 1000);

function validateClaimsData(c: ClaimsData, vr: ValidationResults, nowMs: number): void {
  const now = unixNow(nowMs);
  if (c.exp > 0 && now > c.exp) vr.addTimeCheck('claim is expired');
  if (c.nbf > 0 && c.nbf > now) vr.addTimeCheck('claim is not yet valid');
}

function validateSubject(s: string, vr: ValidationResults): void {
  if (s === '') vr.addError('subject cannot be empty');
  if (s.includes(' ')) vr.addError(`subject "${s}" cannot have spaces`);
}

function checkPermission(vr: ValidationResults, subj: string, permitQueue: boolean): void {
  const tk = subj.split(' ');
  if (tk.length === 1) validateSubject(tk[0]!, vr);
  else if (tk.length === 2) {
    validateSubject(tk[0]!, vr);
    validateSubject(tk[1]!, vr);
    if (!permitQueue) vr.addError(`Permission Subject "${subj}" is not allowed to contain queue`);
  } else vr.addError(`Permission Subject "${subj}" contains too many spaces`);
}

function validatePermission(p: Permission, vr: ValidationResults, permitQueue: boolean): void {
  for (const s of p.allow ?? []) checkPermission(vr, s, permitQueue);
  for (const s of p.deny ?? []) checkPermission(vr, s, permitQueue);
}

function validatePermissions(p: PermissionsClaim, vr: ValidationResults): void {
  validatePermission(p.sub, vr, true);
  validatePermission(p.pub, vr, false);
}

/** Go `time.Parse("15:04:05", s)`: hour 1-2 digits, minutes and seconds 2 digits. */
export function parseClock(s: string): { h: number; m: number; s: number } | undefined {
  const m = /^([0-9]{1,2}):([0-9]{2}):([0-9]{2})$/.exec(s);
  if (!m) return undefined;
  const [h, mi, se] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (h > 23 || mi > 59 || se > 59) return undefined;
  return { h, m: mi, s: se };
}

/** Whether a time zone name loads (Go `time.LoadLocation`: "", "UTC", "Local" or an IANA name). */
export function isKnownTimeZone(name: string): boolean {
  if (name === '' || name === 'UTC' || name === 'Local') return true;
  if (/^[+-]/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function validateLimits(l: UserPermissionLimits, vr: ValidationResults): void {
  for (const cidr of l.src ?? []) if (!parseCidr(cidr)) vr.addError(`invalid cidr "${cidr}" in user src limits`);
  for (const t of l.times ?? []) {
    if (t.start === '') vr.addError('time ranges start must contain a start');
    else if (!parseClock(t.start)) vr.addError(`start in time range is invalid "${t.start}"`);
    if (t.end === '') vr.addError('time ranges end must contain an end');
    else if (!parseClock(t.end)) vr.addError(`end in time range is invalid "${t.end}"`);
  }
  if (l.timesLocation !== '' && !isKnownTimeZone(l.timesLocation)) {
    vr.addError(`could not parse iana time zone by name: unknown time zone ${l.timesLocation}`);
  }
}

export function validateUserClaims(c: UserClaims, now: number = Date.now()): ValidationResults {
  const vr = new ValidationResults();
  validateClaimsData(c, vr, now);
  validatePermissions(c.nats, vr);
  validateLimits(c.nats, vr);
  if (c.nats.issuerAccount !== '' && !isValidPublicKey(c.nats.issuerAccount, 'A')) vr.addError('account_id is not an account public key');
  return vr;
}

function validateInfo(description: string, infoUrl: string, vr: ValidationResults): void {
  if (description.length > 8 * 1024) vr.addError('Description is too long');
  if (infoUrl !== '') {
    if (infoUrl.length > 8 * 1024) vr.addError('Info URL is too long');
    let ok = false;
    try {
      const u = new URL(infoUrl);
      ok = u.hostname !== '' && u.protocol !== '';
    } catch {
      ok = false;
    }
    if (!ok) vr.addError('error parsing info url: no hostname or scheme');
  }
}

export function validateActivationClaims(c: ActivationClaims, vr: ValidationResults, timeChecks: boolean, now: number): void {
  if (timeChecks) validateClaimsData(c, vr, now);
  if (c.nats.kind !== 'stream' && c.nats.kind !== 'service') vr.addError(`invalid import type: "${c.nats.kind === '' ? 'unknown' : c.nats.kind}"`);
  validateSubject(c.nats.subject, vr);
  if (c.nats.issuerAccount !== '' && !isValidPublicKey(c.nats.issuerAccount, 'A')) vr.addError('account_id is not an account public key');
}

/** jwt `RenamingSubject.Validate`. */
function validateRenamingSubject(s: string, from: string, vr: ValidationResults): void {
  validateSubject(s, vr);
  if (from === '') vr.addError('subject cannot be empty');
  if (s.includes(' ')) vr.addError(`subject "${s}" cannot have spaces`);
  const matchesSuffix = (x: string): boolean => x === '>' || x.endsWith('.>');
  if (matchesSuffix(s) !== matchesSuffix(from)) vr.addError('both, renaming subject and subject, need to end or not end in >');
  const fromCnt = from === '*' ? 1 : from.split('.').filter((t) => t === '*').length;
  let refCnt = 0;
  for (const tk of s.split('.')) {
    if (tk === '*') refCnt++;
    if (tk.length < 2) continue;
    if (tk[0] === '$' && /^[+-]?[0-9]+$/.test(tk.slice(1))) {
      const idx = Number(tk.slice(1));
      if (idx > fromCnt) vr.addError(`Reference $${idx} in "${s}" reference * in "${from}" that do not exist`);
      else refCnt++;
    }
  }
  if (refCnt !== fromCnt) vr.addError('subject does not contain enough * or reference wildcards $[0-9]');
}

/** jwt `RenamingSubject.ToSubject`: `$n` references become `*`. */
export function renamingToSubject(s: string): string {
  if (!s.includes('$')) return s;
  return s
    .split('.')
    .map((tk) => (tk.length > 1 && tk[0] === '$' && /^[+-]?[0-9]+$/.test(tk.slice(1)) ? '*' : tk))
    .join('.');
}

const typeText = (t: string): string => (t === '' ? 'unknown' : t);

/** jwt `Import.Validate` (with the activation token checks, without its time checks). */
export function validateImport(i: ImportClaim, accountPubKey: string, vr: ValidationResults, now: number): void {
  if (i.type !== 'service' && i.type !== 'stream') vr.addError(`invalid import type: "${typeText(i.type)}"`);
  if (i.account === '') vr.addError('account to import from is not specified');
  if (i.to !== '') vr.addWarning('the field to has been deprecated (use LocalSubject instead)');
  validateSubject(i.subject, vr);
  if (i.localSubject !== '') {
    validateRenamingSubject(i.localSubject, i.subject, vr);
    if (i.to !== '') vr.addError('Local Subject replaces To');
  }
  if (i.share && i.type !== 'service') vr.addError(`sharing information (for latency tracking) is only valid for services: "${i.subject}"`);
  if (i.token === '') return;
  let act: ActivationClaims;
  try {
    act = decodeActivationJwt(i.token);
  } catch {
    vr.addError(`import "${i.subject}" contains an invalid activation token`);
    return;
  }
  if (!(act.iss === i.account || act.nats.issuerAccount === i.account)) vr.addError(`activation token doesn't match account for import "${i.subject}"`);
  if (act.sub !== accountPubKey) vr.addError(`activation token doesn't match account it is being included in, "${i.subject}"`);
  if (act.nats.kind !== i.type) vr.addError(`mismatch between token import type ${typeText(act.nats.kind)} and type of import ${typeText(i.type)}`);
  validateActivationClaims(act, vr, false, now);
  const subj = i.type === 'service' && i.to !== '' ? i.to : i.subject;
  if (!jwtSubjectIsContainedIn(subj, act.nats.subject)) vr.addError(`activation token import subject "${act.nats.subject}" doesn't match import "${i.subject}"`);
}

function validateImports(imports: (ImportClaim | null)[], accountPubKey: string, vr: ValidationResults, now: number): void {
  const toSet: string[] = [];
  for (const v of imports) {
    if (v === null) {
      vr.addError('null import is not allowed');
      continue;
    }
    if (v.type === 'service') {
      const sub = v.to !== '' ? v.to : v.localSubject !== '' ? renamingToSubject(v.localSubject) : v.subject;
      for (const k of toSet) {
        if (jwtSubjectIsContainedIn(sub, k) || jwtSubjectIsContainedIn(k, sub)) vr.addError(`overlapping subject namespace for "${sub}" and "${k}"`);
      }
      if (toSet.includes(sub)) vr.addError(`overlapping subject namespace for "${v.to}"`);
      if (!toSet.includes(sub)) toSet.push(sub);
    }
    validateImport(v, accountPubKey, vr, now);
  }
}

function validateExport(e: ExportClaim, vr: ValidationResults): void {
  const isService = e.type === 'service';
  const isStream = e.type === 'stream';
  if (!isService && !isStream) vr.addError(`invalid export type: "${typeText(e.type)}"`);
  if (isService && !['', 'Singleton', 'Stream', 'Chunked'].includes(e.responseType)) vr.addError(`invalid response type for service: "${e.responseType}"`);
  if (isStream && e.responseType !== '') vr.addError(`invalid response type for stream: "${e.responseType}"`);
  if (e.latency) {
    if (!isService) vr.addError('latency tracking only permitted for services');
    if (e.latency.sampling !== 0 && (e.latency.sampling < 1 || e.latency.sampling > 100)) vr.addError('sampling percentage needs to be between 1-100');
    validateSubject(e.latency.results, vr);
    if (jwtSubjectHasWildcards(e.latency.results)) vr.addError('results subject can not contain wildcards');
  }
  if (e.responseThreshold < 0) vr.addError('negative response threshold is invalid');
  if (e.responseThreshold > 0 && !isService) vr.addError('response threshold only valid for services');
  validateSubject(e.subject, vr);
  if (e.accountTokenPosition > 0) {
    if (!jwtSubjectHasWildcards(e.subject)) vr.addError(`Account Token Position can only be used with wildcard subjects: ${e.subject}`);
    else {
      const tokens = e.subject.split('.');
      if (e.accountTokenPosition > tokens.length) vr.addError(`Account Token Position ${e.accountTokenPosition} exceeds length of subject '${e.subject}'`);
      else {
        const tk = tokens[e.accountTokenPosition - 1]!;
        if (tk !== '*') vr.addError(`Account Token Position ${e.accountTokenPosition} matches '${tk}' but must match a * in: ${e.subject}`);
      }
    }
  }
  validateInfo(e.description, e.infoUrl, vr);
}

function validateExports(exports: (ExportClaim | null)[], vr: ValidationResults): void {
  const service: string[] = [];
  const stream: string[] = [];
  for (const e of exports) {
    if (e === null) {
      vr.addError('null export is not allowed');
      continue;
    }
    (e.type === 'service' ? service : stream).push(e.subject);
    validateExport(e, vr);
  }
  const contained = (kind: string, subjects: string[]): void => {
    const seen = new Map<string, string>();
    subjects.forEach((ns, i) =>
      subjects.forEach((s, j) => {
        if (i !== j && jwtSubjectIsContainedIn(ns, s) && !seen.has(s)) seen.set(s, ns);
      }),
    );
    for (const [k, v] of seen) vr.addError(`${kind} export subject "${k}" already exports "${v}"`);
  };
  contained('service', service);
  contained('stream', stream);
}

export function validateAccountClaims(c: AccountClaims, now: number = Date.now()): ValidationResults {
  const vr = new ValidationResults();
  const a = c.nats;
  validateClaimsData(c, vr, now);
  validateImports(a.imports, c.sub, vr, now);
  validateExports(a.exports, vr);
  const l = a.limits;
  const tiered = l.tieredLimits && Object.keys(l.tieredLimits).length > 0;
  if (tiered) {
    const flat = l.memStorage || l.diskStorage || l.streams || l.consumer || l.maxAckPending || l.memMaxStreamBytes || l.diskMaxStreamBytes || l.maxBytesRequired;
    if (flat) vr.addError('JetStream Limits and tiered JetStream Limits are mutually exclusive');
    if ('' in l.tieredLimits!) vr.addError('Tiered JetStream Limits can not contain a blank "" tier name');
  }
  validatePermissions(a.defaultPermissions, vr);
  for (const [from, list] of Object.entries(a.mappings)) {
    validateSubject(from, vr);
    let total = 0;
    for (const wm of list) {
      validateSubject(wm.subject, vr);
      if (jwtSubjectHasWildcards(wm.subject)) vr.addError(`Subject "${wm.subject}" in weighted mapping "${from}" is not allowed to contains wildcard`);
      total = (total + (wm.weight === 0 ? 100 : wm.weight)) & 0xff;
    }
    if (total > 100) vr.addError(`Mapping "${from}" exceeds 100% among all of it's weighted to mappings`);
  }
  const imports = a.imports.length;
  const limitsEmpty = isLimitsEmpty(c);
  if (!limitsEmpty && l.imports >= 0 && imports > l.imports) vr.addError('the account contains more imports than allowed by the operator');
  if (l.imports !== -1 && imports > l.imports) vr.addError('the account contains more imports than allowed by the operator');
  if (l.exports !== -1) {
    if (a.exports.length > l.exports) vr.addError('the account contains more exports than allowed by the operator');
    if (!l.wildcards) {
      for (const e of a.exports) if (e && jwtSubjectHasWildcards(e.subject)) vr.addError('the account contains wildcard exports that are not allowed by the operator');
    }
  }
  for (const [k, scope] of a.signingKeys) {
    if (scope) {
      if (!isValidPublicKey(scope.key, 'A')) vr.addError(`${scope.key} is not an account public key`);
    } else if (!isValidPublicKey(k, 'A')) vr.addError(`"${k}" is not a valid account signing key`);
  }
  validateInfo(a.description, a.infoUrl, vr);
  if (isValidPublicKey(c.iss, 'A') && !limitsEmpty) vr.addWarning("self-signed account JWTs shouldn't contain operator limits");
  return vr;
}

function isLimitsEmpty(c: AccountClaims): boolean {
  const l = c.nats.limits;
  return (
    l.subs === 0 && l.data === 0 && l.payload === 0 && l.imports === 0 && l.exports === 0 && !l.wildcards && !l.disallowBearer && l.conn === 0 && l.leaf === 0 &&
    !l.memStorage && !l.diskStorage && !l.streams && !l.consumer && !l.maxAckPending && !l.memMaxStreamBytes && !l.diskMaxStreamBytes && !l.maxBytesRequired &&
    !(l.tieredLimits && Object.keys(l.tieredLimits).length > 0)
  );
}

/** jwt `ParseServerVersion`. */
export function parseServerVersion(version: string): { major: number; minor: number; update: number } | { error: string } {
  if (version === '') return { major: 0, minor: 0, update: 0 };
  const split = version.split('.');
  if (split.length !== 3) return { error: 'asserted server version must be of the form <major>.<minor>.<update>' };
  const nums: number[] = [];
  for (const p of split) {
    if (!/^[+-]?[0-9]+$/.test(p)) return { error: `asserted server version cant parse ${p} to int` };
    nums.push(Number(p));
  }
  if (nums.some((n) => n < 0)) return { error: `asserted server version can'b contain negative values: ${version}` };
  return { major: nums[0]!, minor: nums[1]!, update: nums[2]! };
}

export function validateOperatorClaims(c: OperatorClaims, now: number = Date.now()): ValidationResults {
  const vr = new ValidationResults();
  validateClaimsData(c, vr, now);
  const o = c.nats;
  if (o.accountServerUrl !== '' && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(o.accountServerUrl)) {
    vr.addError(`account server url "${o.accountServerUrl}" requires a protocol`);
  }
  for (const v of o.operatorServiceUrls) {
    if (v === '') continue;
    let u: URL | undefined;
    try {
      u = new URL(v);
    } catch {
      vr.addError(`error parsing operator service url "${v}"`);
      continue;
    }
    const scheme = u.protocol.replace(/:$/, '').toLowerCase();
    if (u.username !== '' || u.password !== '') vr.addError(`operator service url "${v}" - credentials are not supported`);
    else if ((/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(v)?.[1] ?? '') !== '') vr.addError(`operator service url "${v}" - paths are not supported`);
    else if (scheme !== 'nats' && scheme !== 'tls') vr.addError(`operator service url "${v}" - protocol not supported (only 'nats' or 'tls' only)`);
  }
  for (const k of o.signingKeys) if (!isValidPublicKey(k, 'O')) vr.addError(`${k} is not an operator public key`);
  if (o.systemAccount !== '' && !isValidPublicKey(o.systemAccount, 'A')) vr.addError(`${o.systemAccount} is not an account public key`);
  const sv = parseServerVersion(o.assertServerVersion);
  if ('error' in sv) vr.addError(`assert server version error: ${sv.error}`);
  return vr;
}

/** Permissions claim lists as `{allow, deny}` without the nil/empty distinction (for callers). */
export const permissionLists = (p: Permission): { allow: string[]; deny: string[] } => ({ allow: p.allow ?? [], deny: p.deny ?? [] });
