/**
 * Account JWT → the broker's account definition, with nats-server 2.9.10's semantics
 * (`updateAccountClaimsWithRefresh`, `buildPermissionsFromJwt`, `checkStreamImportAuthorized`,
 * `checkServiceImportAuthorized`, `checkActivation`). Pure functions: the integration applies
 * the result to the running account (and re-applies it when an update is pushed).
 *
 * Limits keep nats-server's literal values: -1 is unlimited and 0 — also a limit the JWT does
 * not mention — allows nothing (an account JWT without `conn` accepts no connection).
 */
import type { Account as ConfigAccount, Export as ConfigExport, Import as ConfigImport, MapDest, Permissions } from '@switchboard/shared';
import type { AccountClaims, ExportClaim, ImportClaim, PermissionsClaim, UserScope } from './claims.js';
import { decodeActivationJwt } from './claims.js';
import { isValidSubject, subjectIsSubsetOf } from '@switchboard/shared';
import { isRevoked, type TrustContext } from './trust.js';
import { ValidationResults, validateActivationClaims, validateImport } from './validate.js';

/** Account limits from the JWT: -1 unlimited, 0 nothing allowed. */
export interface JwtAccountLimits {
  maxConnections: number;
  maxLeafnodes: number;
  maxSubscriptions: number;
  maxPayload: number;
  /** Bytes; carried but not enforced by nats-server 2.9.10. */
  maxData: number;
  maxImports: number;
  maxExports: number;
  wildcardExports: boolean;
  disallowBearer: boolean;
}

export type ResponseType = 'singleton' | 'stream' | 'chunked';

export interface JwtExport {
  kind: 'stream' | 'service';
  subject: string;
  name: string;
  /** Importers need an activation token (`token_req`), unless `accountTokenPosition` is set. */
  tokenRequired: boolean;
  /** The importer's account key must sit at this 1-based token of the subject. */
  accountTokenPosition?: number;
  /** Revoked activation tokens: importing account key (or `*`) → issued-at bound. */
  revocations: Record<string, number>;
  /** Services only. */
  responseType: ResponseType;
  /** Services only, milliseconds. */
  responseThreshold?: number;
  latency?: { sampling: number | 'headers'; subject: string };
}

export interface JwtImport {
  kind: 'stream' | 'service';
  name: string;
  /** The exporting account's public key. */
  account: string;
  /** The subject in the exporter's namespace (its export). */
  remoteSubject: string;
  /**
   * The subject in the importing account: streams are delivered there (may hold `$n`
   * references to the remote subject's wildcards), services are published there.
   */
  localSubject: string;
  /** Streams only: the deprecated `to` of a stream import is a literal prefix. */
  prefix?: string;
  share: boolean;
  /** Activation token, when the export requires one. */
  token?: string;
  /** The import claim as written, for re-checks (`checkImportAuthorized`). */
  claim: ImportClaim;
}

export interface JwtAccount {
  publicKey: string;
  /** The JWT's `name` (nats-server's account name tag). */
  name: string;
  issuer: string;
  issuedAt: number;
  /** Unix seconds; 0 = never. */
  expires: number;
  tags: string[];
  jwt: string;
  /**
   * Keys that may sign users of this account: the account's own key (unless its operator
   * signing key belongs to a strict operator) and its signing keys, with the scope of scoped keys.
   */
  signingKeys: Map<string, UserScope | null>;
  exports: JwtExport[];
  imports: JwtImport[];
  limits: JwtAccountLimits;
  /** Revoked users: user key (or `*`) → issued-at bound. */
  revocations: Record<string, number>;
  /** Permissions of users whose JWT has none. */
  defaultPermissions?: Permissions;
  mappings: Record<string, MapDest[]>;
}

const RESPONSE_TYPES: Record<string, ResponseType> = { '': 'singleton', Singleton: 'singleton', Stream: 'stream', Chunked: 'chunked' };

/** Nanoseconds (Go `time.Duration`) to milliseconds; a positive duration stays positive. */
const nsToMs = (ns: number): number => (ns > 0 ? Math.max(1, Math.round(ns / 1e6)) : Math.round(ns / 1e6));

/**
 * nats-server `buildPermissionsFromJwt`: undefined when the claim sets nothing; a `resp` turns
 * off the blanket publish allow and gets the defaults (1 message, 2 minutes) for zero values.
 */
export function permissionsFromClaim(p: PermissionsClaim): Permissions | undefined {
  let out: Permissions | undefined;
  const has = (x: { allow?: string[]; deny?: string[] }): boolean => (x.allow?.length ?? 0) > 0 || (x.deny?.length ?? 0) > 0;
  const copy = (x: { allow?: string[]; deny?: string[] }) => ({
    ...(x.allow !== undefined ? { allow: [...x.allow] } : {}),
    ...(x.deny !== undefined ? { deny: [...x.deny] } : {}),
  });
  if (has(p.pub)) out = { publish: copy(p.pub) };
  if (has(p.sub)) out = { ...(out ?? {}), subscribe: copy(p.sub) };
  if (p.resp) {
    out = out ?? {};
    out.publish = out.publish ?? {};
    if (out.publish.allow === undefined) out.publish.allow = [];
    out.allowResponses = {
      maxMsgs: p.resp.max === 0 ? 1 : p.resp.max,
      expires: p.resp.ttl === 0 ? 2 * 60 * 1000 : nsToMs(p.resp.ttl),
    };
  }
  return out;
}

function exportOf(e: ExportClaim): JwtExport | undefined {
  if (e.type !== 'stream' && e.type !== 'service') return undefined;
  const out: JwtExport = {
    kind: e.type,
    subject: e.subject,
    name: e.name,
    tokenRequired: e.tokenReq,
    revocations: { ...(e.revocations ?? {}) },
    responseType: e.type === 'service' ? (RESPONSE_TYPES[e.responseType] ?? 'singleton') : 'singleton',
  };
  if (e.accountTokenPosition > 0) out.accountTokenPosition = e.accountTokenPosition;
  if (e.type === 'service' && e.responseThreshold !== 0) out.responseThreshold = nsToMs(e.responseThreshold);
  if (e.type === 'service' && e.latency) out.latency = { sampling: e.latency.sampling === 0 ? 'headers' : e.latency.sampling, subject: e.latency.results };
  return out;
}

function importOf(i: ImportClaim): JwtImport | undefined {
  if (i.type !== 'stream' && i.type !== 'service') return undefined;
  const base = { kind: i.type, name: i.name, account: i.account, share: i.share, claim: i, ...(i.token ? { token: i.token } : {}) };
  if (i.type === 'stream') {
    if (i.localSubject !== '') return { ...base, remoteSubject: i.subject, localSubject: i.localSubject };
    if (i.to !== '') {
      const prefix = i.to.endsWith('.') ? i.to : `${i.to}.`;
      return { ...base, remoteSubject: i.subject, localSubject: prefix + i.subject, prefix: i.to };
    }
    return { ...base, remoteSubject: i.subject, localSubject: i.subject };
  }
  // Services: the importer publishes on `subject` and the exporter serves `to` (v1), or the
  // importer publishes on `local_subject` and the exporter serves `subject` (v2).
  if (i.localSubject !== '') return { ...base, remoteSubject: i.subject, localSubject: i.localSubject };
  return { ...base, remoteSubject: i.to !== '' ? i.to : i.subject, localSubject: i.subject };
}

/**
 * The broker's definition of an account from its (verified) claims. `trust` decides whether the
 * account's own key may sign users (not when it was issued by a strict operator's signing key).
 */
export function accountFromClaims(claims: AccountClaims, trust: TrustContext): JwtAccount {
  const a = claims.nats;
  const signingKeys = new Map<string, UserScope | null>(a.signingKeys);
  if (!trust.strictSigningKeys.has(claims.iss)) signingKeys.set(claims.sub, null);
  const mappings: Record<string, MapDest[]> = {};
  for (const [from, list] of Object.entries(a.mappings)) {
    mappings[from] = list.map((m) => ({ destination: m.subject, weight: m.weight === 0 ? 100 : m.weight, ...(m.cluster ? { cluster: m.cluster } : {}) }));
  }
  const l = a.limits;
  const def: JwtAccount = {
    publicKey: claims.sub,
    name: claims.name,
    issuer: claims.iss,
    issuedAt: claims.iat,
    expires: claims.exp,
    tags: [...(a.tags ?? [])],
    jwt: claims.jwt,
    signingKeys,
    exports: a.exports.flatMap((e) => (e ? (exportOf(e) ?? []) : [])),
    imports: a.imports.flatMap((i) => (i ? (importOf(i) ?? []) : [])),
    limits: {
      maxConnections: l.conn,
      maxLeafnodes: l.leaf,
      maxSubscriptions: l.subs,
      maxPayload: l.payload,
      maxData: l.data,
      maxImports: l.imports,
      maxExports: l.exports,
      wildcardExports: l.wildcards,
      disallowBearer: l.disallowBearer,
    },
    revocations: { ...(a.revocations ?? {}) },
    mappings,
  };
  const dp = permissionsFromClaim(a.defaultPermissions);
  if (dp) def.defaultPermissions = dp;
  return def;
}

/** The account's own limit check for a new client (`MaxTotalConnectionsReached`). */
export const accountConnectionsReached = (limits: JwtAccountLimits, activeConnections: number): boolean =>
  limits.maxConnections !== -1 && activeConnections >= limits.maxConnections;

export type ImportAuthorization = { ok: true; expiresAt?: number } | { ok: false; reason: string };

/**
 * Whether `exporter` lets `importer` import `imp` (nats-server `checkStreamImportAuthorized` /
 * `checkServiceImportAuthorized` with `checkAuth` and `checkActivation`): an exact export
 * subject first, else the first export the subject is a subset of; public exports admit
 * everyone, `account_token_position` admits the account named at that token, `token_req`
 * needs a valid, unrevoked activation token signed by the exporter (or one of its signing
 * keys) for the importer. `expiresAt` (unix seconds) is when the activation runs out.
 */
export function checkImportAuthorized(exporter: JwtAccount, importerKey: string, imp: JwtImport, now: number = Date.now()): ImportAuthorization {
  const subject = imp.remoteSubject;
  if (!isValidSubject(subject)) return { ok: false, reason: 'invalid subject' };
  const exports = exporter.exports.filter((e) => e.kind === imp.kind);
  const exact = exports.find((e) => e.subject === subject);
  const tokens = subject.split('.');
  const match = exact ?? exports.find((e) => subjectIsSubsetOf(subject, e.subject));
  if (!match) return { ok: false, reason: `${imp.kind} import not authorized` };
  if (match.accountTokenPosition !== undefined) {
    // An exact subject match passes no tokens to the check (nats-server quirk).
    const pos = match.accountTokenPosition;
    const ok = !exact && pos <= tokens.length && tokens[pos - 1] === importerKey;
    return ok ? { ok: true } : { ok: false, reason: `${imp.kind} import not authorized` };
  }
  if (!match.tokenRequired) return { ok: true };
  return checkActivation(exporter, importerKey, imp, match, now);
}

function checkActivation(exporter: JwtAccount, importerKey: string, imp: JwtImport, exp: JwtExport, now: number): ImportAuthorization {
  const fail = (reason: string): ImportAuthorization => ({ ok: false, reason });
  if (!imp.claim.token) return fail('activation token required');
  const vr = new ValidationResults();
  validateImport(imp.claim, importerKey, vr, now);
  if (vr.isBlocking(true)) return fail(`activation token invalid: ${vr.errors().join('; ')}`);
  let act;
  try {
    act = decodeActivationJwt(imp.claim.token);
  } catch (e) {
    return fail(`activation token invalid: ${(e as Error).message}`);
  }
  // isIssuerClaimTrusted: a token issued through a signing key must name this exporter and use one of its keys.
  if (act.nats.issuerAccount !== '' && (act.nats.issuerAccount !== exporter.publicKey || !exporter.signingKeys.has(act.iss))) {
    return fail(`invalid issuer account "${act.nats.issuerAccount}" in activation claim`);
  }
  const avr = new ValidationResults();
  validateActivationClaims(act, avr, true, now);
  if (avr.isBlocking(true)) return fail(`activation token invalid: ${avr.issues.map((i) => i.description).join('; ')}`);
  const nowSec = Math.floor(now / 1000);
  if (act.exp !== 0 && act.exp <= nowSec) return fail('activation token expired');
  if (isRevoked(exp.revocations, act.sub, act.iat)) return fail('activation token revoked');
  return act.exp !== 0 ? { ok: true, expiresAt: act.exp } : { ok: true };
}

/**
 * The definition in the shape of a configured account (`accounts { … }` in the model), for code
 * that already applies configured accounts. Account names are public keys; JWT-only facts
 * (token requirements, activation tokens, revocations, signing keys) are not representable there
 * and stay in the `JwtAccount`.
 */
export function toConfigAccount(def: JwtAccount): ConfigAccount {
  const exports: ConfigExport[] = def.exports.map((e) => ({
    [e.kind]: e.subject,
    ...(e.tokenRequired && e.accountTokenPosition === undefined ? { accounts: [] } : {}),
    ...(e.kind === 'service' && e.responseType !== 'singleton' ? { responseType: e.responseType } : {}),
    ...(e.responseThreshold !== undefined ? { responseThreshold: e.responseThreshold } : {}),
    ...(e.accountTokenPosition !== undefined ? { accountTokenPosition: e.accountTokenPosition } : {}),
    ...(e.latency ? { latency: e.latency } : {}),
  }));
  const imports: ConfigImport[] = def.imports.map((i) => {
    const src = { account: i.account, subject: i.remoteSubject };
    if (i.kind === 'stream') {
      if (i.prefix !== undefined) return { stream: src, prefix: i.prefix };
      return i.localSubject !== i.remoteSubject ? { stream: src, to: i.localSubject } : { stream: src };
    }
    return { service: src, ...(i.localSubject !== i.remoteSubject ? { to: i.localSubject } : {}), ...(i.share ? { share: true } : {}) };
  });
  const out: ConfigAccount = {
    nkey: def.publicKey,
    exports,
    imports,
    limits: {
      maxConnections: def.limits.maxConnections,
      maxSubscriptions: def.limits.maxSubscriptions,
      maxPayload: def.limits.maxPayload,
      maxLeafnodes: def.limits.maxLeafnodes,
    },
  };
  if (def.defaultPermissions) out.defaultPermissions = def.defaultPermissions;
  if (Object.keys(def.mappings).length) out.mappings = def.mappings;
  return out;
}
