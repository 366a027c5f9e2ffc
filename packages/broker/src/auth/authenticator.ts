/**
 * Client authentication for one server (nats-server auth.go: configureAuthorization,
 * processClientOrLeafAuthentication; client.go: RegisterUser, RegisterNkeyUser; parser.go:
 * the no_auth_user shortcut). The Server's auth hooks delegate here.
 *
 * Decision order for a CONNECT when auth is required:
 *   (operator mode: a user JWT — not implemented yet; it slots in first, see `authenticate`)
 *   1. nkey users exist and CONNECT has `nkey` → that nkey must be configured, `sig` must sign the nonce;
 *   2. else users exist → TLS-mapped user (verify_and_map), or the no_auth_user when CONNECT has
 *      no user/pass/token, or the named user; its password must match;
 *   3. else `authorization { token }`, or the single `user`/`password`.
 * A failure reveals nothing: the client gets `-ERR 'Authorization Violation'` only.
 */
import type { TLSSocket } from 'node:tls';
import type { Options } from '@switchboard/shared';
import type { Account } from '../accounts/account.js';
import type { Client, ConnectOptions } from '../server/client.js';
import type { Logger } from '../server/logger.js';
import { ERR, ClosedReason } from '../protocol/errors.js';
import { configureAccounts } from './accounts.js';
import { buildAuthConfig, type AuthConfig, type AuthUser } from './config.js';
import { generateNonce, verifyNonceSignature } from './nonce.js';
import { comparePasswords, comparePasswordsAsync, constantTimeEquals } from './passwords.js';
import { permissionsFor } from './permissions.js';
import { buildTlsSetup, mapCertificateToUser, peerVerifyError, wrapServerSocket, type TlsSetup } from './tls.js';

/** What authentication needs of a server. */
export interface AuthHost {
  readonly opts: Options;
  readonly accounts: Map<string, Account>;
  readonly globalAccount: Account;
  getOrCreateAccount(name: string): Account;
  readonly logger: Logger;
  readonly clients: Map<number, Client>;
}

/** How a connection was authenticated, kept for reload. */
interface ClientAuthState {
  nonce?: string;
  tls?: TLSSocket;
  /** The user name or nkey the connection is bound to. */
  boundAs?: { kind: 'user' | 'nkey'; id: string };
  /** Bound through no_auth_user (no credentials were presented). */
  noAuth?: boolean;
}

/** The connection type of client connections for `allowed_connection_types`. */
const CONNECTION_TYPE = 'STANDARD';

function typeAllowed(u: AuthUser): boolean {
  const t = u.allowedConnectionTypes;
  return t === undefined || t.length === 0 || t.some((x) => x.toUpperCase() === CONNECTION_TYPE);
}

export class ServerAuth {
  config!: AuthConfig;
  tls: TlsSetup | null = null;
  private readonly state = new WeakMap<Client, ClientAuthState>();

  constructor(private readonly host: AuthHost) {
    this.configure(host.opts);
    if (this.config.plaintext) host.logger.warn('Plaintext passwords detected, use nkeys or bcrypt');
  }

  /** (Re)builds the auth model, TLS setup and configured accounts. Throws on invalid settings, changing nothing. */
  configure(opts: Options): void {
    const config = buildAuthConfig(opts);
    const tls = opts.tls !== undefined && (opts.tls.certFile !== undefined || opts.tls.keyFile !== undefined) ? buildTlsSetup(opts.tls) : null;
    this.config = config;
    this.tls = tls;
    configureAccounts(this.host, opts);
  }

  /** Clients must send CONNECT first and authenticate. */
  get required(): boolean {
    return this.config.required;
  }

  /** INFO fields for every client, in nats-server's key order. */
  infoFields(): Record<string, unknown> {
    const f: Record<string, unknown> = {};
    // With a no_auth_user, INFO says no auth is needed; the server still expects a CONNECT.
    if (this.config.required && this.config.noAuthUser === undefined) f.auth_required = true;
    if (this.tls !== null) {
      f.tls_required = true;
      if (this.tls.verify) f.tls_verify = true;
    }
    return f;
  }

  /** Per-connection INFO fields: the nkey challenge. */
  infoExtras(client: Client): Record<string, unknown> {
    if (!this.config.nonce) return {};
    const st = this.stateOf(client);
    st.nonce ??= generateNonce();
    return { nonce: st.nonce };
  }

  authTimeoutSeconds(): number {
    const t = this.host.opts.authTimeout;
    if (t !== undefined) return t;
    return this.tls !== null ? this.tls.timeout + 1 : 2;
  }

  private stateOf(client: Client): ClientAuthState {
    let st = this.state.get(client);
    if (st === undefined) {
      st = {};
      this.state.set(client, st);
    }
    return st;
  }

  // ---- TLS ---------------------------------------------------------------------------------

  /**
   * With TLS configured: writes INFO in plaintext on the accepted socket, starts the server-side
   * handshake and returns the TLS socket the client must use from now on. Null without TLS.
   */
  secureSocket(client: Client, infoLine: Buffer): TLSSocket | null {
    const setup = this.tls;
    if (setup === null) return null;
    const raw = client.socket;
    raw.on('error', () => {});
    raw.write(infoLine);
    const secure = wrapServerSocket(raw, setup);
    this.stateOf(client).tls = secure;
    const logger = this.host.logger;
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

  // ---- authentication ----------------------------------------------------------------------

  /** Decides a CONNECT synchronously (reload re-checks) and, on success, binds the user. */
  authenticate(client: Client, c: ConnectOptions): boolean {
    return this.decide(client, c, comparePasswords) as boolean;
  }

  /** Decides a CONNECT; a bcrypt check not seen before makes the verdict a Promise. */
  authenticateConnect(client: Client, c: ConnectOptions): boolean | Promise<boolean> {
    return this.decide(client, c, comparePasswordsAsync);
  }

  private decide(client: Client, c: ConnectOptions, compare: (secret: string, given: string | undefined) => boolean | Promise<boolean>): boolean | Promise<boolean> {
    const then = (v: boolean | Promise<boolean>, onOk: () => void): boolean | Promise<boolean> => {
      if (v instanceof Promise) return v.then((ok) => (ok && !client.closed ? (onOk(), true) : false));
      if (v) onOk();
      return v;
    };
    const cfg = this.config;
    if (!cfg.required) return true;
    // Operator mode (trusted operators, user JWT in `c.jwt`) goes here, before everything else.
    const st = this.stateOf(client);
    st.noAuth = false;
    const nkeys = cfg.nkeys;
    const users = cfg.users;
    if (nkeys !== null && nkeys.size > 0 && c.nkey) {
      const nu = nkeys.get(c.nkey);
      if (nu === undefined || !typeAllowed(nu)) return false;
      if (st.nonce === undefined || !verifyNonceSignature(c.nkey, st.nonce, c.sig)) return false;
      this.bind(client, nu, { kind: 'nkey', id: c.nkey });
      return true;
    }
    let user: AuthUser | undefined;
    let name = '';
    if (users !== null && users.size > 0) {
      if (this.tls?.map) {
        const cert = st.tls?.getPeerX509Certificate();
        if (cert === undefined) return false;
        const hit = mapCertificateToUser(cert, users, typeAllowed);
        if (hit === null) return false;
        if (c.user) this.host.logger.warn(`User "${c.user}" found in connect proto, but user required from cert`);
        user = hit.user;
        name = hit.name;
      } else if (cfg.noAuthUser !== undefined && !c.user && !c.pass && !c.auth_token) {
        const u = users.get(cfg.noAuthUser);
        if (u !== undefined) {
          // No credentials presented: the connection becomes the no_auth_user.
          st.noAuth = true;
          this.bind(client, u, { kind: 'user', id: cfg.noAuthUser });
          return true;
        }
      } else if (c.user) {
        user = users.get(c.user);
        if (user === undefined || !typeAllowed(user)) return false;
        name = c.user;
      }
    }
    if (user !== undefined) {
      const found = user;
      return then(compare(found.password ?? '', c.pass), () => this.bind(client, found, { kind: 'user', id: name }));
    }
    if (cfg.token !== undefined) return compare(cfg.token, c.auth_token);
    if (cfg.user !== undefined) {
      const single = cfg.user;
      const userOk = constantTimeEquals(single, c.user ?? '');
      const passOk = compare(cfg.password ?? '', c.pass);
      if (passOk instanceof Promise) return passOk.then((ok) => (ok && userOk ? ((client.user = single), true) : false));
      if (!userOk || !passOk) return false;
      client.user = single;
      return true;
    }
    return false;
  }

  /** A first operation other than CONNECT: bind the no_auth_user if there is one. */
  bindNoAuthUser(client: Client): boolean {
    const cfg = this.config;
    if (cfg.noAuthUser === undefined || cfg.users === null) return false;
    const u = cfg.users.get(cfg.noAuthUser);
    if (u === undefined) return false;
    this.stateOf(client).noAuth = true;
    this.bind(client, u, { kind: 'user', id: cfg.noAuthUser });
    return true;
  }

  private bind(client: Client, user: AuthUser, as: { kind: 'user' | 'nkey'; id: string }): void {
    const acc = this.host.getOrCreateAccount(user.account);
    client.account = acc;
    client.perms = permissionsFor(user.permissions);
    client.user = as.id;
    this.stateOf(client).boundAs = as;
  }

  // ---- reload ------------------------------------------------------------------------------

  /**
   * Whether the user/nkey of a connection now lives in another account or no longer exists
   * (nats-server reload.go: clientHasMovedToDifferentAccount).
   */
  private movedAccount(client: Client): boolean {
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
   * - the rest are re-authenticated with their original CONNECT; failures get
   *   `-ERR 'Authorization Violation'` and are closed;
   * - survivors get the new permissions; subscriptions no longer allowed are removed with
   *   `-ERR 'Permissions Violation for Subscription to "<subj>" (sid "<sid>")'`.
   */
  reapply(): ReapplyResult {
    const result: ReapplyResult = { moved: 0, unauthorized: 0, subsRemoved: 0 };
    const clients = [...this.host.clients.values()].filter((c) => c.connectReceived && !c.closed);
    const stay: Client[] = [];
    for (const c of clients) {
      if (this.movedAccount(c)) {
        result.moved++;
        c.close(ClosedReason.clientClosed);
      } else stay.push(c);
    }
    for (const c of stay) {
      const st = this.stateOf(c);
      const ok = st.noAuth ? this.bindNoAuthUser(c) : this.authenticate(c, c.opts);
      if (!ok) {
        result.unauthorized++;
        c.authViolation();
        continue;
      }
      result.subsRemoved += this.pruneSubscriptions(c);
    }
    return result;
  }

  /** Removes the subscriptions the connection's permissions no longer allow; returns how many. */
  private pruneSubscriptions(client: Client): number {
    const perms = client.perms;
    if (perms === null) return 0;
    let removed = 0;
    for (const sub of [...client.subs.values()]) {
      const plain = perms.canSubscribe(sub.subject, null);
      const queued = sub.queue !== null && perms.canSubscribe(sub.subject, sub.queue);
      if (plain || queued) continue;
      client.unsubscribe(sub);
      client.sendErr(`Permissions Violation for Subscription to ${JSON.stringify(sub.subject)} (sid ${JSON.stringify(sub.sid)})`);
      this.host.logger.notice(`Removed sub ${JSON.stringify(sub.subject)} (sid ${JSON.stringify(sub.sid)}) for ${client.userLabel()} - not authorized`);
      removed++;
    }
    return removed;
  }
}

export interface ReapplyResult {
  /** Closed because their user moved to another account or was removed. */
  moved: number;
  /** Closed with Authorization Violation. */
  unauthorized: number;
  /** Subscriptions removed with a permissions violation. */
  subsRemoved: number;
}
