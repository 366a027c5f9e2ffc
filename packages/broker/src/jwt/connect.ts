/**
 * The operator-mode CONNECT decision as a pure function, in the order of nats-server 2.9.10's
 * `processClientOrLeafAuthentication` (auth.go) followed by `RegisterNkeyUser` /
 * `registerWithAccount` / `applyAccountLimits` (client.go):
 *
 *  1. a user JWT is required; it must decode and pass validation (incl. expiry / not-before);
 *  2. its `allowed_connection_types` must admit this connection;
 *  3. the account (`issuer_account`, else the issuer) must be pinned when pinning is on, be found,
 *     be issued by a trusted operator key, know the user's issuer (its own key or a signing
 *     key; a scoped key requires an empty user and supplies the template), not be expired and,
 *     for bearer tokens, allow them;
 *  4. unless a bearer token, the CONNECT `sig` must be the user key's signature of the nonce;
 *  5. the user must not be revoked, must come from an allowed `src` network and connect inside
 *     a time window;
 *  6. the account must have room for one more connection.
 *
 * Failures carry the client-visible `-ERR` text, the /connz close reason, whether nats-server
 * publishes `$SYS.SERVER.<id>.CLIENT.AUTH.ERR` for it, and the log line nats-server writes.
 */
import type { Permissions } from '@switchboard/shared';
import { decodeUserJwt, isValidPublicKey, type UserClaims, type UserPermissionLimits } from './claims.js';
import { fromPublic } from '@nats-io/nkeys';
import { accountConnectionsReached, permissionsFromClaim, type JwtAccount } from './account.js';
import { connectTimesAllowed, expandTemplate, isRevoked, isTrustedIssuer, sourceAllowed, type TrustContext } from './trust.js';
import { validateUserClaims } from './validate.js';

/** Connection types of jwt `allowed_connection_types` (nats-server 2.9.10 knows these six). */
export type JwtConnectionType = 'STANDARD' | 'WEBSOCKET' | 'LEAFNODE' | 'LEAFNODE_WS' | 'MQTT' | 'MQTT_WS';
const KNOWN_TYPES = new Set<string>(['STANDARD', 'WEBSOCKET', 'LEAFNODE', 'LEAFNODE_WS', 'MQTT', 'MQTT_WS']);

export interface JwtConnectRequest {
  /** CONNECT `jwt`. */
  jwt?: string;
  /** CONNECT `sig`: base64url (or standard base64) signature of the nonce. */
  sig?: string;
  /** The nonce sent in INFO, as sent (text). */
  nonce: string;
  /** The client's IP address. */
  clientHost: string;
  connectionType: JwtConnectionType;
  /** Milliseconds since the epoch. */
  now: number;
}

/** The account as the server knows it at CONNECT time (from the account source). */
export type AccountLookup = { ok: true; account: JwtAccount; expired?: boolean; activeConnections: number } | { ok: false; error: string };

export interface JwtConnectContext {
  trust: TrustContext;
  /** Server-wide limits laid over the JWT ones (`max_payload`, `max_subscriptions`; 0 = unlimited). */
  server: { maxPayload: number; maxSubscriptions: number };
  /** Zone for time windows without `times_location` (default: the process's local zone). */
  localTimeZone?: string;
}

export interface ConnectedUser {
  publicKey: string;
  name: string;
  tags: string[];
  /** The key that signed the user JWT. */
  issuer: string;
  /** The account the user is bound to (`issuer_account`, else the issuer). */
  account: string;
  /** Set when a signing key (not the account key) issued the user: nats-server evicts on its removal. */
  signingKey?: string;
  bearer: boolean;
  issuedAt: number;
}

export interface JwtConnectAccepted {
  ok: true;
  user: ConnectedUser;
  /** The client's permissions; undefined = no restrictions. */
  permissions?: Permissions;
  /** Empty = any type (already checked against this connection). */
  allowedConnectionTypes: string[];
  /** Effective per-client limits after account and server limits: -1 unlimited. */
  limits: { maxPayload: number; maxSubscriptions: number; data: number };
  /**
   * The subscription limit is already reached (a limit of 0): nats-server sends
   * `-ERR 'maximum subscriptions exceeded'` and closes the connection right after CONNECT.
   */
  subscriptionsAtLimit: boolean;
  /** When to cut the client with `-ERR 'User Authentication Expired'` (JWT expiry or the end of its time window). */
  expiresInMs?: number;
  /** Lines nats-server logs at error level on success (server limits overriding JWT limits). */
  notices: string[];
}

export interface JwtConnectRejected {
  ok: false;
  /** The `-ERR` text sent to the client. */
  error: 'Authorization Violation' | 'maximum account active connections exceeded';
  /** The /connz close reason. */
  closeReason: 'Authentication Failure' | 'Maximum Account Connections Exceeded';
  /** nats-server publishes `CLIENT.AUTH.ERR` for authorization violations only. */
  authErrorEvent: boolean;
  /** nats-server's log line and level for this failure. */
  log: { level: 'debug' | 'error'; message: string };
  /** Counts in /varz `pinned_account_fails`. */
  pinnedAccountFailure?: boolean;
}

export type JwtConnectDecision = JwtConnectAccepted | JwtConnectRejected;

function reject(message: string, level: 'debug' | 'error' = 'debug', extra: Partial<JwtConnectRejected> = {}): JwtConnectRejected {
  return {
    ok: false,
    error: 'Authorization Violation',
    closeReason: 'Authentication Failure',
    authErrorEvent: true,
    log: { level, message },
    ...extra,
  };
}

/**
 * The account a user JWT binds to (`issuer_account`, else the issuer), for the caller to look
 * up before calling `authorizeJwtConnect`; undefined when the JWT does not decode (the decision
 * then fails without a lookup).
 */
export function userJwtAccount(jwt: string | undefined): string | undefined {
  if (!jwt) return undefined;
  try {
    const c = decodeUserJwt(jwt);
    return c.nats.issuerAccount !== '' ? c.nats.issuerAccount : c.iss;
  } catch {
    return undefined;
  }
}

/** Go's `base64.RawURLEncoding`, falling back to `base64.StdEncoding` (padding required). */
function decodeSignature(sig: string): Uint8Array | undefined {
  if (/^[A-Za-z0-9_-]*$/.test(sig) && sig.length % 4 !== 1) return new Uint8Array(Buffer.from(sig, 'base64url'));
  if (/^[A-Za-z0-9+/]*={0,2}$/.test(sig) && sig.length % 4 === 0) return new Uint8Array(Buffer.from(sig, 'base64'));
  return undefined;
}

/** nats-server `minLimit`: the lower of two limits where -1 is unlimited; reports a change. */
function minLimit(value: number, limit: number): { value: number; changed: boolean } {
  if (value !== -1) {
    if (limit !== -1 && limit < value) return { value: limit, changed: true };
    return { value, changed: false };
  }
  if (limit !== -1) return { value: limit, changed: true };
  return { value, changed: false };
}

/**
 * Decides a CONNECT in operator mode. `account` is the lookup of `userJwtAccount(req.jwt)`;
 * pass undefined when the JWT did not decode (it is not consulted then).
 */
export function authorizeJwtConnect(req: JwtConnectRequest, ctx: JwtConnectContext, account: AccountLookup | undefined): JwtConnectDecision {
  if (!req.jwt) return reject('Authentication requires a user JWT');
  let juc: UserClaims;
  try {
    juc = decodeUserJwt(req.jwt);
  } catch (e) {
    return reject(`User JWT not valid: ${(e as Error).message}`);
  }
  const vr = validateUserClaims(juc, req.now);
  if (vr.isBlocking(true)) return reject(`User JWT no longer valid: ${vr.issues.map((i) => i.description).join(', ')}`);

  const declared = juc.nats.allowedConnectionTypes ?? [];
  const allowedTypes = [...new Set(declared.map((t) => t.toUpperCase()).filter((t) => KNOWN_TYPES.has(t)))];
  if (declared.length > 0 && allowedTypes.length === 0) return reject(`invalid connection types ${JSON.stringify(declared.map((t) => t.toUpperCase()))}`);
  if (allowedTypes.length > 0 && !allowedTypes.includes(req.connectionType)) return reject('Connection type not allowed');

  const issuerAccount = juc.nats.issuerAccount !== '' ? juc.nats.issuerAccount : juc.iss;
  if (ctx.trust.pinnedAccounts && !ctx.trust.pinnedAccounts.has(issuerAccount)) {
    return reject(`Account ${issuerAccount} not listed as operator pinned account`, 'debug', { pinnedAccountFailure: true });
  }
  if (!account) return reject('Account JWT lookup error: account missing');
  if (!account.ok) return reject(`Account JWT lookup error: ${account.error}`);
  const acc = account.account;
  if (!isTrustedIssuer(ctx.trust, acc.issuer)) return reject('Account JWT not signed by trusted operator');
  if (!acc.signingKeys.has(juc.iss)) return reject('User JWT issuer is not known');

  let upl: UserPermissionLimits = juc.nats;
  const scope = acc.signingKeys.get(juc.iss);
  if (scope) {
    if (!juc.nats.emptyPermissions) return reject('User JWT is not valid: scoped users require no permissions or limits set');
    const expanded = expandTemplate(scope.template, juc, { name: acc.name, tags: acc.tags });
    if (!expanded.ok) return reject('User JWT generated invalid permissions');
    upl = expanded.limits;
  }
  if (account.expired) return reject('Account JWT has expired');
  if (upl.bearerToken && acc.limits.disallowBearer) return reject('Account does not allow bearer token');
  if (!upl.bearerToken) {
    if (!req.sig) return reject('Signature missing');
    const sig = decodeSignature(req.sig);
    if (!sig) return reject('Signature not valid base64');
    if (!isValidPublicKey(juc.sub)) return reject('User nkey not valid: invalid public key');
    let verified = false;
    try {
      verified = fromPublic(juc.sub).verify(new TextEncoder().encode(req.nonce), sig);
    } catch {
      verified = false;
    }
    if (!verified) return reject('Signature not verified');
  }
  if (isRevoked(acc.revocations, juc.sub, juc.iat)) return reject('User authentication revoked');
  if (!sourceAllowed(upl.src, req.clientHost)) return reject(`Bad src Ip ${req.clientHost}`, 'error');
  const window = connectTimesAllowed(upl.times, upl.timesLocation, req.now, ctx.localTimeZone);
  if (!window.allowed) return reject('Outside connect times', 'error');

  // RegisterNkeyUser: the account's connection limit, then the client's limits.
  if (accountConnectionsReached(acc.limits, account.activeConnections)) {
    return {
      ok: false,
      error: 'maximum account active connections exceeded',
      closeReason: 'Maximum Account Connections Exceeded',
      authErrorEvent: false,
      log: { level: 'error', message: 'maximum account active connections exceeded' },
    };
  }
  const notices: string[] = [];
  // applyAccountLimits: the user JWT's own limits (a scoped user's come from the template).
  let mpay = scope ? scope.template.payload : juc.nats.payload;
  let msubs = scope ? scope.template.subs : juc.nats.subs;
  mpay = minLimit(mpay, acc.limits.maxPayload).value;
  msubs = minLimit(msubs, acc.limits.maxSubscriptions).value;
  const serverPay = ctx.server.maxPayload === 0 ? -1 : ctx.server.maxPayload;
  const serverSubs = ctx.server.maxSubscriptions === 0 ? -1 : ctx.server.maxSubscriptions;
  const payWasUnlimited = mpay === -1;
  const pay = minLimit(mpay, serverPay);
  if (pay.changed && !payWasUnlimited) notices.push(`Max Payload set to ${ctx.server.maxPayload} from server overrides account or user config`);
  const subsWasUnlimited = msubs === -1;
  const subs = minLimit(msubs, serverSubs);
  if (subs.changed && !subsWasUnlimited) notices.push(`Max Subscriptions set to ${ctx.server.maxSubscriptions} from server overrides account or user config`);

  const permissions = permissionsFromClaim(upl) ?? (acc.defaultPermissions ? structuredClone(acc.defaultPermissions) : undefined);
  let expiresInMs: number | undefined;
  if (juc.exp === 0) {
    if (window.validForMs !== 0) expiresInMs = window.validForMs;
  } else {
    const nowSec = Math.floor(req.now / 1000);
    const untilExp = juc.exp > nowSec ? (juc.exp - nowSec) * 1000 : 0;
    expiresInMs = window.validForMs !== 0 && window.validForMs < untilExp ? window.validForMs : untilExp;
  }
  const user: ConnectedUser = {
    publicKey: juc.sub,
    name: juc.name,
    tags: [...(juc.nats.tags ?? [])],
    issuer: juc.iss,
    account: issuerAccount,
    bearer: upl.bearerToken,
    issuedAt: juc.iat,
  };
  if (juc.nats.issuerAccount !== '') user.signingKey = juc.iss;
  const accepted: JwtConnectAccepted = {
    ok: true,
    user,
    allowedConnectionTypes: allowedTypes,
    limits: { maxPayload: pay.value, maxSubscriptions: subs.value, data: scope ? scope.template.data : juc.nats.data },
    subscriptionsAtLimit: subs.value === 0,
    notices,
  };
  if (permissions) accepted.permissions = permissions;
  if (expiresInMs !== undefined) accepted.expiresInMs = expiresInMs;
  return accepted;
}

/**
 * Re-checks a connected user after its account JWT changed (nats-server
 * `updateAccountClaimsWithRefresh`): `revoked` → `-ERR 'User Authentication Revoked'` and close
 * (reason `Credentials Revoked`); `bearer-disallowed` and `signer-removed` → authorization
 * violation; undefined → the client stays.
 */
export function recheckConnectedUser(user: ConnectedUser, userJwt: string, updated: JwtAccount, previousSigningKeys?: ReadonlyMap<string, unknown>): 'revoked' | 'bearer-disallowed' | 'signer-removed' | undefined {
  let juc: UserClaims;
  try {
    juc = decodeUserJwt(userJwt);
  } catch {
    return 'signer-removed';
  }
  if (juc.nats.bearerToken && updated.limits.disallowBearer) return 'bearer-disallowed';
  if (Object.keys(updated.revocations).length > 0 && isRevoked(updated.revocations, juc.sub, juc.iat)) return 'revoked';
  if (user.signingKey) {
    const now = updated.signingKeys.get(user.signingKey);
    if (now === undefined) return 'signer-removed';
    if (previousSigningKeys && JSON.stringify(previousSigningKeys.get(user.signingKey) ?? null) !== JSON.stringify(now)) return 'signer-removed';
  }
  return undefined;
}
