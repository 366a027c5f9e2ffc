/**
 * The trust chain: which operator keys a server trusts (nats-server `validateTrustedOperators`
 * and `processTrustedKeys`), whether an account JWT is acceptable (`verifyAccountClaims`), and
 * the per-user checks that do not depend on the connection: scoped signing key templates
 * (`processUserPermissionsTemplate`), revocations (`isRevoked`), source networks
 * (`validateSrc`) and connect time windows (`validateTimes`).
 */
import type { AccountClaims, OperatorClaims, UserClaims, UserPermissionLimits } from './claims.js';
import { decodeAccountJwt } from './claims.js';
import { isValidSubject } from '@switchboard/shared';
import { cidrContains, parseCidr } from './subject.js';
import { parseClock, validateAccountClaims } from './validate.js';

/** What the server trusts in operator mode. Built once from the options (`buildTrust`). */
export interface TrustContext {
  /** The decoded `operator` JWTs (may be empty when only `trusted` keys are configured). */
  operators: readonly OperatorClaims[];
  /**
   * Keys that may issue account JWTs: each operator's identity key (unless it asks for strict
   * signing key usage) and its signing keys, or the `trusted` keys.
   */
  trustedKeys: ReadonlySet<string>;
  /** Signing keys of strict operators: accounts they issue can only be used through their signing keys. */
  strictSigningKeys: ReadonlySet<string>;
  /** `resolver_pinned_accounts` (with the system account added), or undefined when not set. */
  pinnedAccounts?: ReadonlySet<string>;
}

/**
 * The trust context for a set of operators and/or trusted keys, as nats-server expands them
 * (`validateTrustedOperators` fills TrustedKeys, `processTrustedKeys` the strict set).
 */
export function buildTrust(args: {
  operators?: readonly OperatorClaims[];
  trustedKeys?: readonly string[];
  pinnedAccounts?: readonly string[];
  systemAccount?: string;
}): TrustContext {
  const operators = args.operators ?? [];
  const keys = new Set<string>(args.trustedKeys ?? []);
  const strict = new Set<string>();
  for (const op of operators) {
    if (!op.nats.strictSigningKeyUsage) keys.add(op.sub);
    for (const k of op.nats.signingKeys) keys.add(k);
    if (op.nats.strictSigningKeyUsage) for (const k of op.nats.signingKeys) strict.add(k);
  }
  let pinned: Set<string> | undefined;
  if (args.pinnedAccounts && args.pinnedAccounts.length > 0) {
    pinned = new Set(args.pinnedAccounts);
    if (args.systemAccount) pinned.add(args.systemAccount);
  }
  return { operators, trustedKeys: keys, strictSigningKeys: strict, ...(pinned ? { pinnedAccounts: pinned } : {}) };
}

/** nats-server `isTrustedIssuer`. */
export const isTrustedIssuer = (trust: TrustContext, issuer: string): boolean => trust.trustedKeys.has(issuer);

export type AccountVerification = { ok: true; claims: AccountClaims } | { ok: false; error: string };

/**
 * nats-server `verifyAccountClaims` (+ the subject check of `fetchAccountClaims` when
 * `expectedAccount` is given): decodes, requires a trusted issuer, and refuses a claim with
 * validation errors or failed time checks. Errors are nats-server's texts.
 */
export function verifyAccountJwt(jwt: string, trust: TrustContext, now: number = Date.now(), expectedAccount?: string): AccountVerification {
  let claims: AccountClaims;
  try {
    claims = decodeAccountJwt(jwt);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  if (!isTrustedIssuer(trust, claims.iss)) return { ok: false, error: 'account validation failed' };
  if (validateAccountClaims(claims, now).isBlocking(true)) return { ok: false, error: 'account validation failed' };
  if (expectedAccount !== undefined && claims.sub !== expectedAccount) return { ok: false, error: 'account validation failed' };
  return { ok: true, claims };
}

/** nats-server `isRevoked`: revoked when the entry for the key, or for `*`, is at or after `issuedAt`. */
export function isRevoked(revocations: Readonly<Record<string, number>> | undefined, subject: string, issuedAt: number): boolean {
  if (!revocations || Object.keys(revocations).length === 0) return false;
  const t = revocations[subject];
  if (t === undefined || t < issuedAt) {
    const all = revocations['*'];
    if (all === undefined || all < issuedAt) return false;
  }
  return true;
}

/** The account facts a scoped-key template can refer to. */
export interface TemplateAccount {
  /** The account JWT's `name`. */
  name: string;
  tags?: readonly string[];
}

/**
 * nats-server `processUserPermissionsTemplate`: expands `{{name()}}`, `{{subject()}}`,
 * `{{account-name()}}`, `{{account-subject()}}`, `{{tag(x)}}` and `{{account-tag(x)}}` in the
 * template's pub/sub lists. Allow entries that expand to invalid subjects are dropped (and an
 * allow list emptied that way turns into `deny >`); deny entries that do so fail the user.
 */
export function expandTemplate(template: UserPermissionLimits, user: UserClaims, account: TemplateAccount): { ok: true; limits: UserPermissionLimits } | { ok: false } {
  const lim: UserPermissionLimits = structuredClone(template);
  const product = (lists: string[][]): string[][] => {
    let out: string[][] = [[]];
    for (const l of lists) out = out.flatMap((prefix) => l.map((v) => [...prefix, v]));
    return lists.length === 0 || lists.some((l) => l.length === 0) ? [] : out;
  };
  const isTemplate = (tk: string): boolean => tk.startsWith('{{') && tk.endsWith('}}');
  const apply = (list: string[] | undefined, failOnBad: boolean): string[] | undefined | null => {
    if (!list || !list.some((s) => s.split('.').some(isTemplate))) return list;
    const emitted: string[] = [];
    for (const entry of list) {
      const tagValues: string[][] = [];
      const newTokens = entry.split('.').map((tk) => {
        if (!isTemplate(tk)) return tk;
        const op = tk.slice(2, -2).toLowerCase();
        if (op === 'name()') return user.name;
        if (op === 'subject()') return user.sub;
        if (op === 'account-name()') return account.name;
        if (op === 'account-subject()') return user.nats.issuerAccount;
        const accTag = op.startsWith('account-tag(');
        if ((op.startsWith('tag(') || accTag) && op.endsWith(')')) {
          const tags = accTag ? (account.tags ?? []) : (user.nats.tags ?? []);
          const prefix = `${op.slice(accTag ? 12 : 4, -1).toLowerCase()}:`;
          const values = tags.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length));
          if (values.length) tagValues.push(values);
          return '';
        }
        return ' ';
      });
      const candidates =
        tagValues.length === 0
          ? [newTokens.join('.')]
          : product(tagValues).map((values) => {
              const vs = [...values];
              return newTokens.map((t) => (t === '' ? (vs.shift() ?? '') : t)).join('.');
            });
      for (const subj of candidates) {
        if (isValidSubject(subj)) emitted.push(subj);
        else if (failOnBad) return null;
      }
    }
    return emitted;
  };
  const subAllowWasSet = (lim.sub.allow?.length ?? 0) > 0;
  const pubAllowWasSet = (lim.pub.allow?.length ?? 0) > 0;
  const subAllow = apply(lim.sub.allow, false);
  const subDeny = apply(lim.sub.deny, true);
  const pubAllow = apply(lim.pub.allow, false);
  const pubDeny = apply(lim.pub.deny, true);
  if (subAllow === null || subDeny === null || pubAllow === null || pubDeny === null) return { ok: false };
  const set = (p: { allow?: string[]; deny?: string[] }, allow: string[] | undefined, deny: string[] | undefined): void => {
    if (allow === undefined) delete p.allow;
    else p.allow = allow;
    if (deny === undefined) delete p.deny;
    else p.deny = deny;
  };
  set(lim.sub, subAllow, subDeny);
  set(lim.pub, pubAllow, pubDeny);
  const denyAll = (p: { deny?: string[] }): void => {
    p.deny = p.deny ?? [];
    if (!p.deny.includes('>')) p.deny.push('>');
  };
  if (subAllowWasSet && (lim.sub.allow?.length ?? 0) === 0) denyAll(lim.sub);
  if (pubAllowWasSet && (lim.pub.allow?.length ?? 0) === 0) denyAll(lim.pub);
  return { ok: true, limits: lim };
}

/** nats-server `validateSrc`: no `src` = anywhere; otherwise the client IP must be in one of the CIDRs. */
export function sourceAllowed(src: readonly string[] | undefined, host: string): boolean {
  if (!src || src.length === 0) return true;
  if (host === '') return false;
  for (const text of src) {
    const cidr = parseCidr(text);
    if (!cidr) return false;
    if (cidrContains(cidr, host)) return true;
  }
  return false;
}

/** Wall-clock parts of an instant in a time zone (undefined zone = the process's local zone). */
function zonedParts(ms: number, timeZone: string | undefined): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour! % 24, mi: p.minute!, s: p.second! };
}

/** The instant a wall-clock time in a zone denotes (day overflow normalised, like Go's `time.Date`). */
function zonedToEpoch(y: number, mo: number, d: number, h: number, mi: number, s: number, timeZone: string | undefined): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const offsetAt = (t: number): number => {
    const z = zonedParts(t, timeZone);
    return Date.UTC(z.y, z.mo - 1, z.d, z.h, z.mi, z.s) - t;
  };
  let t = wall - offsetAt(wall);
  const second = offsetAt(t);
  if (wall - second !== t) t = wall - second;
  return t;
}

/**
 * nats-server `validateTimes`: no windows = always; otherwise `now` must be inside one of the
 * windows of today (a window whose start is after its end ends on the next day; as in
 * nats-server, only today's start is considered). `validForMs` is the time left in the window.
 * `timesLocation` '' uses the server's local zone; `localTimeZone` overrides it (tests).
 */
export function connectTimesAllowed(
  times: UserPermissionLimits['times'],
  timesLocation: string,
  now: number,
  localTimeZone?: string,
): { allowed: boolean; validForMs: number } {
  if (!times || times.length === 0) return { allowed: true, validForMs: 0 };
  const zone = timesLocation === '' || timesLocation === 'Local' ? localTimeZone : timesLocation;
  const today = zonedParts(now, zone);
  for (const range of times) {
    const start = parseClock(range.start);
    const end = parseClock(range.end);
    if (!start || !end) return { allowed: false, validForMs: 0 };
    const overnight = start.h * 3600 + start.m * 60 + start.s > end.h * 3600 + end.m * 60 + end.s;
    const startAt = zonedToEpoch(today.y, today.mo, today.d, start.h, start.m, start.s, zone);
    const endAt = zonedToEpoch(today.y, today.mo, today.d + (overnight ? 1 : 0), end.h, end.m, end.s, zone);
    if (startAt < now && endAt > now) return { allowed: true, validForMs: endAt - now };
  }
  return { allowed: false, validForMs: 0 };
}
