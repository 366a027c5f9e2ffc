/**
 * Client authentication from the config file (nats-server auth.go: configureAuthorization,
 * processClientOrLeafAuthentication; client.go: RegisterUser, RegisterNkeyUser; parser.go:
 * the no_auth_user shortcut), and client TLS. A module: it implements the `Authenticator`
 * contract and re-applies itself when authorization, accounts, no_auth_user or tls change.
 *
 * Decision order for a CONNECT when auth is required:
 *   (operator mode: a user JWT — another authenticator, asked before this one)
 *   1. nkey users exist and CONNECT has `nkey` → that nkey must be configured, `sig` must sign the nonce;
 *   2. else users exist → TLS-mapped user (verify_and_map), or the no_auth_user when CONNECT has
 *      no user/pass/token, or the named user; its password must match;
 *   3. else `authorization { token }`, or the single `user`/`password`.
 * A failure reveals nothing: the client gets `-ERR 'Authorization Violation'` only.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Options } from '@switchboard/shared';
import { isBcrypt } from '@switchboard/shared';
import type { AuthResult, Authenticator, BrokerModule, ChangeSet, ClientBinding, ClientView, ServerView } from '../contracts/index.js';
import type { ConnectOptions } from '../protocol/connect.js';
import { ERR, ClosedReason } from '../protocol/errors.js';
import { GLOBAL_ACCOUNT } from '../protocol/accounts.js';
import { bcryptPool } from './bcrypt-pool.js';
import { buildAuthConfig, type AuthConfig, type AuthUser } from './config.js';
import { generateNonce, verifyNonceSignature } from './nonce.js';
import { comparePasswords, comparePasswordsAsync, constantTimeEquals } from './passwords.js';
import { permissionsFor } from './permissions.js';
import { buildTlsSetup, mapCertificateToUser, peerVerifyError, wrapServerSocket, type TlsSetup } from './tls.js';

/** How a connection was authenticated, kept for reload. */
interface ClientAuthState {
  nonce?: string;
  tls?: TLSSocket;
  /** The user name or nkey the connection is bound to. */
  boundAs?: { kind: 'user' | 'nkey'; id: string };
  /** Bound through no_auth_user (no credentials were presented). */
  noAuth?: boolean;
}

/** The first byte of a TLS ClientHello: a handshake record (content type 22). */
const TLS_HANDSHAKE_RECORD = 0x16;

/** The connection type of client connections for `allowed_connection_types`. */
const CONNECTION_TYPE = 'STANDARD';

function typeAllowed(u: AuthUser): boolean {
  const t = u.allowedConnectionTypes;
  return t === undefined || t.length === 0 || t.some((x) => x.toUpperCase() === CONNECTION_TYPE);
}

type Compare = (secret: string, given: string | undefined) => boolean | Promise<boolean>;

export interface ReapplyResult {
  /** Closed because their user moved to another account or was removed. */
  moved: number;
  /** Closed with Authorization Violation. */
  unauthorized: number;
  /** Subscriptions removed with a permissions violation. */
  subsRemoved: number;
}

/**
 * Problems that make `next` unusable for authentication (unknown no_auth_user, duplicate
 * users, unreadable TLS files…): a non-empty list refuses a reload.
 */
export function validateAuthOptions(next: Options): string[] {
  const errors: string[] = [];
  try {
    buildAuthConfig(next);
  } catch (e) {
    errors.push((e as Error).message);
  }
  if (hasTls(next)) {
    try {
      buildTlsSetup(next.tls!);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return errors;
}

function hasTls(o: Options): boolean {
  return o.tls !== undefined && (o.tls.certFile !== undefined || o.tls.keyFile !== undefined);
}

/** Whether any configured password or token is a bcrypt hash. */
function usesBcrypt(opts: Options): boolean {
  const a = opts.authorization;
  if (a !== undefined && (isBcrypt(a.token ?? '') || isBcrypt(a.password ?? '') || (a.users ?? []).some((u) => isBcrypt(u.password ?? '')))) return true;
  return Object.values(opts.accounts ?? {}).some((acc) => (acc.users ?? []).some((u) => isBcrypt(u.password ?? '')));
}

export class AuthModule implements BrokerModule, Authenticator {
  readonly name = 'auth';
  readonly reloadKeys = ['authorization', 'accounts', 'noAuthUser', 'tls', 'authTimeout'] as const;
  config!: AuthConfig;
  tls: TlsSetup | null = null;
  /** `allow_non_tls` with TLS configured: each client's first byte picks TLS or plaintext. */
  allowNonTls = false;
  private readonly state = new WeakMap<ClientView, ClientAuthState>();

  /** Throws on settings nats-server refuses (see validateAuthOptions). */
  constructor(private readonly server: ServerView) {
    this.configure(server.opts);
    if (this.config.plaintext) server.logger.warn('Plaintext passwords detected, use nkeys or bcrypt');
  }

  /**
   * (Re)builds the auth model and TLS setup, and makes sure the accounts users are bound to
   * exist before the first CONNECT (nats-server configureAccounts). Throws on invalid settings,
   * changing nothing.
   */
  configure(opts: Options): void {
    const config = buildAuthConfig(opts);
    const tls = hasTls(opts) ? buildTlsSetup(opts.tls!) : null;
    this.config = config;
    this.tls = tls;
    this.allowNonTls = tls !== null && opts.allowNonTls;
    for (const u of [...(config.users?.values() ?? []), ...(config.nkeys?.values() ?? [])]) this.server.getOrCreateAccount(u.account);
    if (usesBcrypt(opts)) bcryptPool().warm();
  }

  validate(next: Options): string[] {
    return validateAuthOptions(next);
  }

  /**
   * On reload: new users, nkeys and TLS for new connections; connected clients are checked
   * again only when who may connect changed (not for a TLS or auth_timeout change alone, as
   * nats-server gates reloadAuthorization on its auth options).
   */
  reload(changes: ChangeSet): void {
    this.configure(changes.next);
    if (changes.touches('authorization', 'accounts', 'noAuthUser')) this.reapply();
  }

  /** Applies `next` now and re-checks every client (what a reload of authorization does). */
  apply(next: Options = this.server.opts): ReapplyResult {
    this.configure(next);
    this.server.rebuildInfo();
    return this.reapply();
  }

  // ---- Authenticator -----------------------------------------------------------------------

  get required(): boolean {
    return this.config.required;
  }

  /** INFO fields for every client, in nats-server's key order. */
  infoFields(): Record<string, unknown> {
    const f: Record<string, unknown> = {};
    // With a no_auth_user, INFO says no auth is needed; the server still expects a CONNECT.
    if (this.config.required && this.config.noAuthUser === undefined) f.auth_required = true;
    if (this.tls !== null) {
      // allow_non_tls: TLS is offered, not required (nats-server NewServer: TLSAvailable).
      if (!this.allowNonTls) f.tls_required = true;
      if (this.tls.verify) f.tls_verify = true;
      if (this.allowNonTls) f.tls_available = true;
    }
    return f;
  }

  /** Per-connection INFO fields: the nkey challenge. */
  infoFor(client: ClientView): Record<string, unknown> {
    if (!this.config.nonce) return {};
    const st = this.stateOf(client);
    st.nonce ??= generateNonce();
    return { nonce: st.nonce };
  }

  timeoutSeconds(): number {
    const t = this.server.opts.authTimeout;
    if (t !== undefined) return t;
    return this.tls !== null ? this.tls.timeout + 1 : 2;
  }

  private stateOf(client: ClientView): ClientAuthState {
    let st = this.state.get(client);
    if (st === undefined) {
      st = {};
      this.state.set(client, st);
    }
    return st;
  }

  /**
   * With TLS configured: writes INFO in plaintext on the accepted socket, starts the server-side
   * handshake and returns the TLS socket the client must use from now on. Null without TLS.
   * With allow_non_tls the client's first byte decides, as in nats-server (server.go:
   * createClient): 0x16 (a TLS handshake record) means TLS, anything else, or nothing within
   * the TLS timeout, plaintext; the answer is then a Promise and the byte stays unread.
   */
  secure(client: ClientView, infoLine: Buffer): Socket | null | Promise<Socket | null> {
    const setup = this.tls;
    if (setup === null) return null;
    const raw = client.socket;
    raw.on('error', () => {});
    raw.write(infoLine);
    if (!this.allowNonTls) return this.startTls(client, raw, setup);
    return new Promise((resolve) => {
      const done = (socket: Socket | null) => {
        clearTimeout(timer);
        raw.off('data', onData);
        raw.off('close', onClose);
        resolve(socket);
      };
      const onData = (chunk: Buffer) => {
        raw.pause();
        raw.unshift(chunk);
        done(chunk[0] === TLS_HANDSHAKE_RECORD ? this.startTls(client, raw, setup) : null);
      };
      // Gone before it said anything: nothing to attach.
      const onClose = () => {
        done(null);
        client.close(ClosedReason.clientClosed);
      };
      const timer = setTimeout(() => {
        raw.pause();
        done(null);
      }, setup.timeout * 1000);
      timer.unref();
      raw.on('data', onData);
      raw.once('close', onClose);
    });
  }

  /** Wraps `raw` as the server side of a TLS connection; handshake failures and timeouts close the client. */
  private startTls(client: ClientView, raw: Socket, setup: TlsSetup): TLSSocket {
    const secure = wrapServerSocket(raw, setup);
    this.stateOf(client).tls = secure;
    const logger = this.server.logger;
    let done = false;
    const timer = setTimeout(() => {
      if (done || client.closed) return;
      logger.error(`${client.label} - TLS handshake timeout`);
      // The peer may not speak TLS at all: tell it in plaintext, as nats-server tries to.
      raw.write(`-ERR '${ERR.tlsRequired}'\r\n`);
      client.close(ClosedReason.tlsHandshake);
    }, setup.timeout * 1000);
    timer.unref();
    secure.once('error', (err: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      logger.error(`${client.label} - TLS handshake error: ${err.message}`);
      client.close(ClosedReason.tlsHandshake);
    });
    secure.once('secure', () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const verifyError = setup.verify ? peerVerifyError(secure) : null;
      if (verifyError !== null) {
        logger.error(`${client.label} - TLS handshake error: ${verifyError}`);
        client.close(ClosedReason.tlsHandshake);
        return;
      }
      logger.debug(`${client.label} - TLS handshake complete`);
      const proto = secure.getProtocol();
      const cipher = secure.getCipher();
      logger.debug(`${client.label} - TLS version ${proto ?? '?'}, cipher suite ${cipher?.standardName ?? cipher?.name ?? '?'}`);
    });
    return secure;
  }

  /** Decides a CONNECT; a bcrypt check not seen before makes the verdict a Promise (checked in a worker). */
  authenticate(client: ClientView, c: ConnectOptions): AuthResult | Promise<AuthResult> {
    return this.decide(client, c, comparePasswordsAsync);
  }

  /** A first operation other than CONNECT: bind the no_auth_user if there is one. */
  bypass(client: ClientView): ClientBinding | null {
    const cfg = this.config;
    if (cfg.noAuthUser === undefined || cfg.users === null) return null;
    const u = cfg.users.get(cfg.noAuthUser);
    if (u === undefined) return null;
    this.stateOf(client).noAuth = true;
    return this.binding(client, u, { kind: 'user', id: cfg.noAuthUser });
  }

  private decide(client: ClientView, c: ConnectOptions, compare: Compare): AuthResult | Promise<AuthResult> {
    const cfg = this.config;
    if (!cfg.required) return undefined;
    const st = this.stateOf(client);
    st.noAuth = false;
    const nkeys = cfg.nkeys;
    const users = cfg.users;
    if (nkeys !== null && nkeys.size > 0 && c.nkey) {
      const nu = nkeys.get(c.nkey);
      if (nu === undefined || !typeAllowed(nu)) return false;
      if (st.nonce === undefined || !verifyNonceSignature(c.nkey, st.nonce, c.sig)) return false;
      return this.binding(client, nu, { kind: 'nkey', id: c.nkey });
    }
    let user: AuthUser | undefined;
    let name = '';
    if (users !== null && users.size > 0) {
      if (this.tls?.map) {
        const cert = st.tls?.getPeerX509Certificate();
        if (cert === undefined) return false;
        const hit = mapCertificateToUser(cert, users, typeAllowed);
        if (hit === null) return false;
        if (c.user) this.server.logger.warn(`User "${c.user}" found in connect proto, but user required from cert`);
        user = hit.user;
        name = hit.name;
      } else if (cfg.noAuthUser !== undefined && !c.user && !c.pass && !c.auth_token) {
        const u = users.get(cfg.noAuthUser);
        if (u !== undefined) {
          // No credentials presented: the connection becomes the no_auth_user.
          st.noAuth = true;
          return this.binding(client, u, { kind: 'user', id: cfg.noAuthUser });
        }
      } else if (c.user) {
        user = users.get(c.user);
        if (user === undefined || !typeAllowed(user)) return false;
        name = c.user;
      }
    }
    if (user !== undefined) {
      const found = user;
      const ok = compare(found.password ?? '', c.pass);
      const bind = (v: boolean): AuthResult => (v ? this.binding(client, found, { kind: 'user', id: name }) : false);
      return ok instanceof Promise ? ok.then(bind) : bind(ok);
    }
    const global: ClientBinding = { account: GLOBAL_ACCOUNT, permissions: null };
    if (cfg.token !== undefined) {
      const ok = compare(cfg.token, c.auth_token);
      return ok instanceof Promise ? ok.then((v) => (v ? global : false)) : ok ? global : false;
    }
    if (cfg.user !== undefined) {
      const single = cfg.user;
      const userOk = constantTimeEquals(single, c.user ?? '');
      const passOk = compare(cfg.password ?? '', c.pass);
      const bind = (v: boolean): AuthResult => (v && userOk ? { ...global, user: single } : false);
      return passOk instanceof Promise ? passOk.then(bind) : bind(passOk);
    }
    return false;
  }

  private binding(client: ClientView, user: AuthUser, as: { kind: 'user' | 'nkey'; id: string }): ClientBinding {
    this.stateOf(client).boundAs = as;
    return { account: user.account, permissions: permissionsFor(user.permissions), user: as.id };
  }

  // ---- reload ------------------------------------------------------------------------------

  /**
   * Whether the user/nkey of a connection now lives in another account or no longer exists
   * (nats-server reload.go: clientHasMovedToDifferentAccount).
   */
  private movedAccount(client: ClientView): boolean {
    const as = this.state.get(client)?.boundAs;
    const id = client.opts.nkey || (as?.kind === 'user' ? as.id : client.opts.user);
    if (!id) return false;
    const u = client.opts.nkey ? this.config.nkeys?.get(id) : this.config.users?.get(id);
    if (u === undefined) return true;
    return client.account.name !== u.account;
  }

  /**
   * Re-applies authentication and permissions to connected clients after `configure(next)`
   * (nats-server reload.go: reloadAuthorization; client.go: processSubsOnConfigReload):
   * - clients whose user moved to another account or was removed are closed (no -ERR);
   * - the rest are re-authenticated with their original CONNECT (synchronously: a bcrypt check
   *   not cached yet blocks here, as reload is rare); failures get
   *   `-ERR 'Authorization Violation'` and are closed;
   * - survivors get the new permissions; subscriptions no longer allowed are removed with
   *   `-ERR 'Permissions Violation for Subscription to "<subj>" (sid "<sid>")'`.
   */
  reapply(): ReapplyResult {
    const result: ReapplyResult = { moved: 0, unauthorized: 0, subsRemoved: 0 };
    const clients = [...this.server.clients.values()].filter((c) => c.connectReceived && !c.closed);
    const stay: ClientView[] = [];
    for (const c of clients) {
      if (this.movedAccount(c)) {
        result.moved++;
        c.close(ClosedReason.clientClosed);
      } else stay.push(c);
    }
    for (const c of stay) {
      const st = this.stateOf(c);
      const decision = st.noAuth ? this.bypass(c) : (this.decide(c, c.opts, comparePasswords) as AuthResult);
      if (decision === false || decision === null) {
        result.unauthorized++;
        c.authViolation();
        continue;
      }
      if (decision !== undefined) c.bind(decision);
      result.subsRemoved += this.pruneSubscriptions(c);
    }
    return result;
  }

  /** Removes the subscriptions the connection's permissions no longer allow; returns how many. */
  private pruneSubscriptions(client: ClientView): number {
    const perms = client.perms;
    if (perms === null) return 0;
    let removed = 0;
    for (const sub of [...client.subs.values()]) {
      const plain = perms.canSubscribe(sub.subject, null);
      const queued = sub.queue !== null && perms.canSubscribe(sub.subject, sub.queue);
      if (plain || queued) continue;
      client.unsubscribe(sub);
      client.sendErr(`Permissions Violation for Subscription to ${JSON.stringify(sub.subject)} (sid ${JSON.stringify(sub.sid)})`);
      this.server.logger.notice(`Removed sub ${JSON.stringify(sub.subject)} (sid ${JSON.stringify(sub.sid)}) for ${client.userLabel()} - not authorized`);
      removed++;
    }
    return removed;
  }
}
