/**
 * Operator mode in the server (nats-server 2.9.10 auth.go `processClientOrLeafAuthentication`,
 * client.go `RegisterNkeyUser`/`applyAccountLimits`/`setExpiration`, accounts.go
 * `updateAccountClaimsWithRefresh`/`expiredTimeout`): a module that is both
 *
 * - the `Authenticator` asked first: INFO gets `auth_required` and a nonce, a CONNECT must carry
 *   a user JWT and the nonce signature, decided by the jwt library's `authorizeJwtConnect`;
 *   accepted clients get the JWT's permissions and limits, and are cut when their JWT (or time
 *   window) expires, when their account expires, is revoked for them, or loses room for them;
 * - through `JwtAccounts`, the `AccountSource` of the JWT accounts, loaded from the resolver
 *   on first use and replaced when an update is pushed on `$SYS` (`resolver-subs.ts`).
 *
 * Client-visible errors are nats-server's: `Authorization Violation`, `maximum account active
 * connections exceeded`, `User Authentication Expired`, `Account Authentication Expired`,
 * `User Authentication Revoked`, `maximum subscriptions exceeded`.
 */
import type { Options } from '@switchboard/shared';
import type { Authenticator, AuthResult, BrokerModule, ChangeSet, ClientBinding, ClientView, ServerView, Subscription } from '../contracts/index.js';
import type { ConnectOptions } from '../protocol/connect.js';
import { ERR, ClosedReason } from '../protocol/errors.js';
import { authorizeJwtConnect, recheckConnectedUser, userJwtAccount, type AccountLookup, type ConnectedUser, type JwtConnectAccepted } from '../jwt/connect.js';
import { decodeUserJwt } from '../jwt/claims.js';
import { loadOperatorMode, type OperatorMode } from '../jwt/options.js';
import { MemoryResolver, UrlResolver, type AccountResolver } from '../jwt/resolvers.js';
import { DirResolver } from '../jwt/dir-store.js';
import { resolverTls } from '../jwt/create-resolver.js';
import { generateNonce } from '../auth/nonce.js';
import { permissionsFor } from '../auth/permissions.js';
import { JwtAccounts, type LoadedAccount } from './accounts.js';
import { installResolverSubscriptions } from './resolver-subs.js';
import { ResolverSync } from './resolver-sync.js';

/** Longest delay a Node timer takes (about 24.8 days); later expiries are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface ClientJwtState {
  nonce: string;
  user?: ConnectedUser;
  jwt?: string;
  accepted?: JwtConnectAccepted;
  timer?: NodeJS.Timeout;
}

/** A resolver for the effective options (synchronous: preloads are stored right away). */
export function buildResolver(mode: OperatorMode, opts: Options): AccountResolver {
  const r = mode.resolver;
  if (!r || r.type === 'memory') return new MemoryResolver(mode.preload);
  if (r.type === 'url') return new UrlResolver(r.url, opts.resolverTls ? { tls: resolverTls(opts.resolverTls) } : {});
  const dir = new DirResolver({
    dir: r.dir,
    type: r.type,
    ...(r.limit !== undefined ? { limit: r.limit } : {}),
    ...(r.allowDelete !== undefined ? { allowDelete: r.allowDelete } : {}),
    ...(r.ttl !== undefined ? { ttlMs: r.ttl } : {}),
    ...(r.interval !== undefined ? { syncIntervalMs: r.interval } : {}),
    ...(r.timeout !== undefined ? { fetchTimeoutMs: r.timeout } : {}),
  });
  for (const [k, v] of Object.entries(mode.preload)) dir.store.saveIfNewer(k, v);
  return dir;
}

/** Sets a timer that may lie further out than Node allows. */
function longTimeout(ms: number, fn: () => void, set: (t: NodeJS.Timeout) => void): void {
  if (ms <= MAX_TIMER_MS) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    set(t);
    return;
  }
  const t = setTimeout(() => longTimeout(ms - MAX_TIMER_MS, fn, set), MAX_TIMER_MS);
  t.unref();
  set(t);
}

/** nats-server `minLimit` on -1-unlimited values. */
function minLimit(value: number, limit: number): number {
  if (value !== -1) return limit !== -1 && limit < value ? limit : value;
  return limit;
}

export class OperatorModule implements BrokerModule, Authenticator {
  readonly name = 'operator';
  /** Hot in nats-server too; the operators and the resolver kind need a restart (config/diff.ts). */
  readonly reloadKeys = ['resolverPreload', 'resolverPinnedAccounts'] as const;
  mode: OperatorMode;
  readonly resolver: AccountResolver;
  readonly accounts: JwtAccounts;
  private readonly state = new WeakMap<ClientView, ClientJwtState>();
  private readonly accountTimers = new Map<string, NodeJS.Timeout>();
  private activationTimer: NodeJS.Timeout | undefined;
  private subs: Subscription[] = [];
  private sync: ResolverSync | undefined;
  private started = false;

  constructor(private readonly server: ServerView) {
    this.mode = loadOperatorMode(server.opts);
    this.resolver = buildResolver(this.mode, server.opts);
    this.accounts = new JwtAccounts(this.resolver, this.mode.trust, () => this.accountsChanged());
    if (this.resolver instanceof DirResolver) {
      const store = this.resolver.store;
      store.onChanged = (acc) => {
        if (!this.accounts.get(acc)) return;
        let jwt: string;
        try {
          jwt = store.load(acc);
        } catch {
          return;
        }
        const err = this.applyUpdate(acc, jwt);
        if (err) this.server.logger.error(`Account update for ${acc} failed: ${err}`);
      };
      store.onDeleted = (acc) => this.disableAccount(acc);
    }
  }

  /** The system account's public key (config, else the operator JWT). */
  get systemAccount(): string | undefined {
    return this.mode.systemAccount;
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /**
   * nats-server refuses to start when a URL resolver's base URL does not answer 200 ("is anyone
   * home"); rejects with its message.
   */
  async probeResolver(): Promise<void> {
    if (this.resolver instanceof UrlResolver) await this.resolver.fetch('');
  }

  start(): void {
    this.started = true;
    const sys = this.mode.systemAccount;
    if (sys !== undefined) {
      const sysAccount = this.server.getOrCreateAccount(sys);
      this.subs = installResolverSubscriptions(this.server, this, sysAccount);
      // A directory resolver asks the other servers for what it lacks; a full one also syncs with them.
      if (this.resolver instanceof DirResolver) {
        const sync = new ResolverSync(this.server, sysAccount, this.resolver.store);
        this.sync = sync;
        this.resolver.remoteLookup = (acc, timeoutMs) => sync.lookup(acc, timeoutMs);
        if (this.resolver.kind === 'full') sync.startPackSync(this.resolver.syncIntervalMs);
      }
      // nats-server loads the system account at start; its users connect like any other.
      void this.accounts.load(sys).then((r) => {
        if (!r.ok) this.server.logger.warn(`System account ${sys} could not be loaded: ${r.error}`);
      });
    }
  }

  shutdown(): void {
    this.sync?.close();
    this.sync = undefined;
    for (const t of this.accountTimers.values()) clearTimeout(t);
    this.accountTimers.clear();
    if (this.activationTimer) clearTimeout(this.activationTimer);
    void this.resolver.close();
  }

  validate(): string[] {
    return [];
  }

  /**
   * A reload: new pinned accounts for new connections, and the preloads stored again (memory:
   * replaced; directory: kept when newer); a loaded account whose stored JWT changed is updated
   * live like a pushed update.
   */
  reload(changes: ChangeSet): void {
    this.mode = loadOperatorMode(changes.next);
    this.accounts.trust = this.mode.trust;
    if (!changes.touches('resolverPreload')) return;
    const preload = this.mode.preload;
    if (this.resolver instanceof MemoryResolver) {
      this.resolver.preload(preload);
      for (const [k, jwt] of Object.entries(preload)) {
        if (!this.accounts.get(k)) continue;
        const err = this.applyUpdate(k, jwt);
        if (err) this.server.logger.error(`Preloaded account ${k} not applied: ${err}`);
      }
    } else if (this.resolver instanceof DirResolver) {
      // The store's change callback applies what it wrote to loaded accounts.
      for (const [k, jwt] of Object.entries(preload)) {
        try {
          this.resolver.store.saveIfNewer(k, jwt);
        } catch (e) {
          this.server.logger.error(`Preloaded account ${k} not stored: ${(e as Error).message}`);
        }
      }
    }
  }

  // ---- Authenticator -----------------------------------------------------------------------

  readonly required = true;

  infoFields(): Record<string, unknown> {
    return { auth_required: true };
  }

  infoFor(client: ClientView): Record<string, unknown> {
    return { nonce: this.stateOf(client).nonce };
  }

  timeoutSeconds(): number {
    return this.server.opts.authTimeout ?? 2;
  }

  private stateOf(client: ClientView): ClientJwtState {
    let st = this.state.get(client);
    if (st === undefined) {
      st = { nonce: generateNonce() };
      this.state.set(client, st);
    }
    return st;
  }

  /** Operator mode decides every CONNECT: a user JWT or nothing. */
  authenticate(client: ClientView, c: ConnectOptions): AuthResult | Promise<AuthResult> {
    const key = userJwtAccount(c.jwt);
    if (key === undefined) return this.decide(client, c, undefined);
    const pinned = this.mode.trust.pinnedAccounts;
    if (pinned && !pinned.has(key)) return this.decide(client, c, undefined);
    const loaded = this.accounts.get(key);
    if (loaded) return this.decide(client, c, this.lookupOf(key, loaded));
    return this.accounts.load(key).then((r) => this.decide(client, c, r.ok ? this.lookupOf(key, r.account) : { ok: false, error: r.error }));
  }

  private lookupOf(key: string, a: LoadedAccount): AccountLookup {
    const ref = this.server.accounts.get(key);
    return { ok: true, account: a.def, expired: a.expired, activeConnections: ref?.numClients ?? 0 };
  }

  private decide(client: ClientView, c: ConnectOptions, lookup: AccountLookup | undefined): AuthResult {
    if (client.closed) return false;
    const st = this.stateOf(client);
    const o = this.server.opts;
    const d = authorizeJwtConnect(
      { ...(c.jwt ? { jwt: c.jwt } : {}), ...(c.sig ? { sig: c.sig } : {}), nonce: st.nonce, clientHost: client.host, connectionType: 'STANDARD', now: Date.now() },
      { trust: this.mode.trust, server: { maxPayload: o.maxPayload, maxSubscriptions: o.maxSubscriptions } },
      lookup,
    );
    const log = this.server.logger;
    if (!d.ok) {
      const line = `${client.label} - ${d.log.message}`;
      if (d.log.level === 'error') log.error(line);
      else log.debug(line);
      if (d.error === ERR.authorizationViolation) return false;
      // Not an authorization failure: its own -ERR and close reason, and no CLIENT.AUTH.ERR event.
      client.sendErr(d.error);
      client.close(ClosedReason.maxAccountConnections);
      return false;
    }
    for (const n of d.notices) log.error(`${client.label} - ${n}`);
    st.user = d.user;
    st.jwt = c.jwt;
    st.accepted = d;
    const binding: ClientBinding = { account: d.user.account, permissions: permissionsFor(d.permissions), user: d.user.publicKey, limits: { maxPayload: d.limits.maxPayload, maxSubscriptions: d.limits.maxSubscriptions } };
    return binding;
  }

  // ---- client hooks ------------------------------------------------------------------------

  clientConnected(client: ClientView): void {
    const st = this.state.get(client);
    const d = st?.accepted;
    if (!st || !d) return;
    if (d.expiresInMs !== undefined) {
      longTimeout(
        d.expiresInMs,
        () => {
          if (client.closed) return;
          log(this.server, client, ERR.userAuthExpired);
          client.sendErr(ERR.userAuthExpired);
          client.close(ClosedReason.authExpired);
        },
        (t) => (st.timer = t),
      );
    }
    if (d.subscriptionsAtLimit) this.subsAtLimit(client);
  }

  clientClosed(client: ClientView): void {
    const st = this.state.get(client);
    if (st?.timer) clearTimeout(st.timer);
  }

  /** nats-server: a client whose subscription limit is already reached is told so and closed shortly after. */
  private subsAtLimit(client: ClientView): void {
    client.sendErr(ERR.maxSubscriptions);
    const t = setTimeout(() => {
      if (!client.closed) client.close(ClosedReason.maxSubscriptions);
    }, 20);
    t.unref();
  }

  // ---- accounts ----------------------------------------------------------------------------

  private accountsChanged(): void {
    this.server.refreshAccounts();
    for (const [key, a] of this.accounts.loaded) this.armAccountExpiry(key, a);
    this.armActivationRefresh();
  }

  private armAccountExpiry(key: string, a: LoadedAccount): void {
    const old = this.accountTimers.get(key);
    if (old) clearTimeout(old);
    this.accountTimers.delete(key);
    const exp = a.def.expires;
    if (exp === 0 || a.expired) return;
    longTimeout(exp * 1000 - Date.now(), () => this.expireAccount(key, a), (t) => this.accountTimers.set(key, t));
  }

  /** An account JWT ran out (nats-server `expiredTimeout`): its clients are cut. */
  private expireAccount(key: string, a: LoadedAccount): void {
    this.accountTimers.delete(key);
    if (this.accounts.get(key) !== a) return;
    a.expired = true;
    for (const c of this.clientsOf(key)) {
      log(this.server, c, ERR.accountAuthExpired);
      c.sendErr(ERR.accountAuthExpired);
      c.close(ClosedReason.authExpired);
    }
  }

  /** Activation tokens that run out make their imports go away then: refresh at the earliest. */
  private armActivationRefresh(): void {
    if (this.activationTimer) clearTimeout(this.activationTimer);
    this.activationTimer = undefined;
    const at = this.accounts.nextActivationExpiry();
    if (at === undefined) return;
    longTimeout(at * 1000 - Date.now() + 10, () => this.accountsChanged(), (t) => (this.activationTimer = t));
  }

  /** A deleted account (full resolver, `$SYS.REQ.CLAIMS.DELETE`): no room for anyone, its clients expire. */
  disableAccount(key: string): void {
    const a = this.accounts.get(key);
    if (!a) return;
    a.def.limits = { ...a.def.limits, maxConnections: 0, maxSubscriptions: 0, maxPayload: 0, maxLeafnodes: 0 };
    this.expireAccount(key, a);
  }

  private clientsOf(key: string): ClientView[] {
    return [...this.server.clients.values()].filter((c) => c.connectReceived && !c.closed && c.account.name === key && this.state.get(c)?.user !== undefined);
  }

  isLoaded(key: string): boolean {
    return this.accounts.get(key) !== undefined;
  }

  ownsReply(reply: string): boolean {
    return this.sync?.ownsReply(reply) ?? false;
  }

  /**
   * A new JWT for a loaded account (pushed on `$SYS`): verified, then applied live as
   * nats-server's `updateAccountClaimsWithRefresh` — exports, imports and limits change, clients
   * past the new connection limit are cut (sorted newest first, the newest stay), revoked users and bearer users the
   * account no longer allows are disconnected, users of a removed or changed signing key too.
   * Returns nats-server's error text when the JWT is refused.
   */
  applyUpdate(key: string, jwt: string): string | undefined {
    const prev = this.accounts.get(key);
    if (prev && prev.def.jwt === jwt) return undefined;
    const r = this.accounts.verify(key, jwt);
    if (!r.ok) return r.error;
    this.server.logger.debug(`Updating account claims: ${key}/${r.account.def.name}`);
    this.accounts.replace(key, r.account);
    const def = r.account.def;
    let clients = this.clientsOf(key);
    const mconns = def.limits.maxConnections;
    if (mconns !== -1 && clients.length > mconns) clients = clients.sort((a, b) => b.start.getTime() - a.start.getTime());
    clients.forEach((c, i) => {
      if (mconns !== -1 && i >= mconns) {
        log(this.server, c, ERR.maxAccountConnections, 'error');
        c.sendErr(ERR.maxAccountConnections);
        c.close(ClosedReason.maxAccountConnections);
        return;
      }
      const st = this.state.get(c)!;
      this.reapplyLimits(c, st, r.account);
      const verdict = recheckConnectedUser(st.user!, st.jwt!, def, prev?.def.signingKeys);
      if (verdict === 'revoked') {
        log(this.server, c, ERR.userAuthRevoked);
        c.sendErr(ERR.userAuthRevoked);
        c.close(ClosedReason.revocation);
      } else if (verdict === 'bearer-disallowed') c.authViolation();
      else if (verdict === 'signer-removed') c.close(ClosedReason.authFailure);
    });
    if (r.account.expired) this.expireAccount(key, r.account);
    return undefined;
  }

  /** nats-server `applyAccountLimits` for a connected client after its account changed. */
  private reapplyLimits(c: ClientView, st: ClientJwtState, a: LoadedAccount): void {
    let pay = -1;
    let subs = -1;
    try {
      const u = decodeUserJwt(st.jwt!);
      pay = u.nats.payload;
      subs = u.nats.subs;
      const scope = a.def.signingKeys.get(u.iss);
      if (u.nats.issuerAccount !== '' && u.nats.issuerAccount !== u.iss && scope) {
        pay = scope.template.payload;
        subs = scope.template.subs;
      }
    } catch {
      return;
    }
    pay = minLimit(pay, a.def.limits.maxPayload);
    subs = minLimit(subs, a.def.limits.maxSubscriptions);
    const o = this.server.opts;
    pay = minLimit(pay, o.maxPayload === 0 ? -1 : o.maxPayload);
    subs = minLimit(subs, o.maxSubscriptions === 0 ? -1 : o.maxSubscriptions);
    c.bind({ account: c.account.name, permissions: c.perms, limits: { maxPayload: pay, maxSubscriptions: subs } });
    if (subs !== -1 && c.subs.size >= subs) this.subsAtLimit(c);
  }

  /** Subscriptions this module placed (resolver handlers), for tests and monitoring. */
  get resolverSubscriptions(): readonly Subscription[] {
    return this.subs;
  }

  get isStarted(): boolean {
    return this.started;
  }
}

function log(server: ServerView, c: ClientView, text: string, level: 'debug' | 'error' = 'debug'): void {
  if (level === 'error') server.logger.error(`${c.label} - ${text}`);
  else server.logger.debug(`${c.label} - ${text}`);
}
