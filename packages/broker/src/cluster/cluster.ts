/**
 * The cluster module (nats-server route.go): listens on the cluster port, solicits the
 * configured routes (and those learned by gossip), runs the route handshake, keeps one route
 * per peer, tells peers about this server's interest through the interest seam, and pushes
 * the cluster's client URLs to clients. A route connection is `RouteConnection` (route.ts).
 */
import { connect, createServer, isIP, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { ClusterOptions } from '@switchboard/shared';
import type { BrokerModule, ChangeSet, ClusterView, InterestChange, RouteView } from '../contracts/index.js';
import type { Account } from '../core/account.js';
import type { Delivery } from '../core/delivery.js';
import { advertisedHostPort } from '../core/link.js';
import { secureLink } from '../core/link-tls.js';
import type { Server } from '../core/server.js';
import { ERR, ClosedReason } from '../protocol/errors.js';
import { GO_VERSION, VERSION } from '../protocol/version.js';
import { buildLinkTls, TlsConfigError, type LinkTls } from '../tls/context.js';
import { decodeRouteConnect, infoLine, type RouteConnectMessage, type RouteInfoMessage } from './info.js';
import { RemoteClientUrls, ownClientUrls } from './client-urls.js';
import { AdvertisedInterest } from './interest.js';
import { checkPassword, constantTimeEquals, generatedName, hostPortOf, permissionJson, permits, redact } from './route-rules.js';
import { RouteConnection, type RouteHost, type RoutedReplyHandler } from './route.js';

/** nats-server's DEFAULT_ROUTE_RECONNECT / DEFAULT_ROUTE_CONNECT / DEFAULT_ROUTE_DIAL. */
const RECONNECT_MS = 1000;
const CONNECT_DELAY_MS = 1000;
const DIAL_TIMEOUT_MS = 1000;
/** A route connection that has not completed its INFO/CONNECT exchange by then is closed. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** nats-server's clusterTLSInsecureWarning. */
const INSECURE_WARNING = 'TLS certificate chain and hostname of solicited routes will not be verified. DO NOT USE IN PRODUCTION!';

/** Called when a route registers or goes away (gateways gossip their URLs over routes). */
export type RouteListener = (route: RouteConnection, up: boolean) => void;
/** Called for an INFO with `gateway` set arriving on a registered route (the gateway module's business). */
export type GatewayInfoListener = (info: RouteInfoMessage, route: RouteConnection) => void;

export class ClusterModule implements BrokerModule, ClusterView, RouteHost {
  readonly name = 'cluster';
  readonly reloadKeys = ['cluster'] as const;

  /** Registered routes by connection id, and by the peer's server id. */
  readonly routes = new Map<number, RouteConnection>();
  private readonly byId = new Map<string, RouteConnection>();
  /** Every route connection, registered or in its handshake. */
  private readonly all = new Set<RouteConnection>();
  /** The interest this server advertises to its peers. */
  private readonly interest = new AdvertisedInterest();
  /** Other servers' client URLs (from their route INFO). */
  private readonly remoteClientUrls = new RemoteClientUrls();
  /** Dials in flight, by route URL host:port, so gossip does not dial the same peer twice at once. */
  private readonly dialing = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly routeListeners: RouteListener[] = [];
  private readonly gatewayInfoListeners: GatewayInfoListener[] = [];
  /** Fields other modules add to this server's route INFO (the gateway module's `gateway_url`). */
  private readonly routeInfoExtra: Record<string, unknown> = {};
  /** Routed messages with a `_GR_.` subject or reply go here first (set by the gateway module). */
  routedReplies: RoutedReplyHandler | null = null;

  private listener: NetServer | null = null;
  /** `cluster { tls {} }`: every route is TLS from its first byte (null: plaintext). */
  private tls: LinkTls | null = null;
  /**
   * The first host name among the configured route URLs: the name checked against a peer's
   * certificate when a route is dialed by IP (gossiped routes; nats-server routeTLSName).
   */
  private tlsName = '';
  private currentName: string;
  private nameDynamic: boolean;
  private started = false;
  private stopping = false;
  private lameDuck = false;

  constructor(private readonly server: Server) {
    const c = server.opts.cluster ?? {};
    this.currentName = c.name && c.name.length > 0 ? c.name : generatedName();
    this.nameDynamic = !(c.name && c.name.length > 0);
  }

  /** Whether options ask for clustering (a cluster port: `cluster { port }` / `--cluster`). */
  static enabled(opts: { cluster?: ClusterOptions }): boolean {
    return opts.cluster !== undefined && opts.cluster.port !== undefined && opts.cluster.port !== 0;
  }

  // ---- ClusterView ---------------------------------------------------------------------------

  get clusterName(): string {
    return this.currentName;
  }

  get dynamic(): boolean {
    return this.nameDynamic;
  }

  get port(): number {
    const a = this.listener?.address() as AddressInfo | null | undefined;
    return a ? a.port : 0;
  }

  get host(): string {
    return this.copts.host || this.server.opts.host;
  }

  allRoutes(): RouteView[] {
    return [...this.all];
  }

  /** Tells `fn` when routes register and go away (the gateway module gossips over routes). */
  onRoute(fn: RouteListener): void {
    this.routeListeners.push(fn);
  }

  onGatewayInfo(fn: GatewayInfoListener): void {
    this.gatewayInfoListeners.push(fn);
  }

  /**
   * Adds fields to the route INFO this server sends from now on (undefined removes one), e.g.
   * the gateway module's `gateway_url`; with `resend`, registered routes get the new INFO now.
   */
  setRouteInfoFields(fields: Record<string, unknown>, resend = false): void {
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) delete this.routeInfoExtra[k];
      else this.routeInfoExtra[k] = v;
    }
    if (resend) this.broadcastInfo(this.routeInfo({}));
  }

  /** Sends an INFO (e.g. gateway gossip) to every registered route. */
  broadcastInfo(info: Record<string, unknown> | RouteInfoMessage): void {
    const line = `INFO ${JSON.stringify(info)}\r\n`;
    for (const r of this.routes.values()) r.sendProto(line);
  }

  // ---- RouteHost -----------------------------------------------------------------------------

  get delivery(): Delivery {
    return this.server.delivery;
  }

  lookupAccount(name: string): Account | undefined {
    return this.server.accounts.get(name);
  }

  /**
   * nats-server route.go `processRemoteSub`: with a directory or URL resolver an account may not
   * be loaded here yet when a peer's client subscribes in it; it is registered empty so the
   * interest is kept, and gets its exports/imports when the resolver loads it.
   */
  accountForInterest(name: string): Account | undefined {
    const known = this.server.accounts.get(name);
    if (known !== undefined) return known;
    const r = this.server.opts.resolver;
    if (r === undefined || r.type === 'memory') return undefined;
    this.server.logger.debug(`Unknown account "${name}" for remote subscription: registered until it is resolved`);
    return this.server.getOrCreateAccount(name);
  }

  canExport(subject: string): boolean {
    return permits(this.copts.permissions?.export, subject);
  }

  private canImport(subject: string): boolean {
    return permits(this.copts.permissions?.import, subject);
  }

  private get copts(): ClusterOptions {
    return this.server.opts.cluster ?? {};
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  async start(): Promise<void> {
    const c = this.copts;
    const log = this.server.logger;
    this.interest.rebuild(this.server.accounts.values());
    this.applyTls();
    this.started = true;
    const listener = createServer({ noDelay: true }, (socket) => this.accept(socket));
    const host = c.host || this.server.opts.host;
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ host, port: c.port === -1 ? 0 : c.port, backlog: 1024 }, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    this.listener = listener;
    log.info(`Cluster name is ${this.currentName}`);
    if (this.nameDynamic) log.warn('Cluster name was dynamically generated, consider setting one');
    log.info(`Listening for route connections on ${host}:${this.port}`);
    if (this.tls?.insecure) log.warn(INSECURE_WARNING);
    this.updateClientInfo(false);
    for (const url of c.routes ?? []) this.solicit(url, true, 0, true);
  }

  shutdown(): void {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.listener?.close();
    this.listener = null;
    for (const r of [...this.all]) {
      r.noReconnect = true;
      r.flush();
      r.close(ClosedReason.serverShutdown);
    }
  }

  lameDuckStarted(): void {
    this.lameDuck = true;
    const line = infoLine(this.routeInfo({ ldm: true }));
    for (const r of this.routes.values()) r.sendProto(line);
  }

  validate(next: { cluster?: ClusterOptions }): string[] {
    return ClusterModule.check(next);
  }

  /** Cluster settings Switchboard refuses (at start and on reload). */
  static check(next: { cluster?: ClusterOptions }): string[] {
    const c = next.cluster;
    if (c === undefined) return [];
    const errors: string[] = [];
    if (c.tls !== undefined) {
      try {
        buildLinkTls(c.tls);
      } catch (e) {
        if (!(e instanceof TlsConfigError)) throw e;
        errors.push(`cluster tls: ${e.message}`);
      }
    }
    for (const u of c.routes ?? []) {
      try {
        const url = new URL(u);
        if (!url.hostname || !url.port) errors.push(`route URL "${u}" needs a host and a port`);
      } catch {
        errors.push(`invalid route URL "${u}"`);
      }
    }
    return errors;
  }

  /** Routes list, authorization and permissions apply at once (as nats-server reloads them). */
  reload(changes: ChangeSet): void {
    // New TLS settings apply to routes made from now on (nats-server reloads cluster TLS too).
    if (changes.touches('cluster.tls')) this.applyTls();
    const prev = new Set((changes.prev.cluster?.routes ?? []).map(hostPortOf));
    const next = new Set((changes.next.cluster?.routes ?? []).map(hostPortOf));
    for (const url of changes.next.cluster?.routes ?? []) if (!prev.has(hostPortOf(url))) this.solicit(url, true, 0);
    for (const r of [...this.all]) {
      if (r.isConfigured && r.didSolicit && !next.has(hostPortOf(r.url))) {
        r.noReconnect = true;
        r.close(ClosedReason.routeRemoved);
      }
    }
    if (changes.touches('cluster.permissions')) {
      // Interest the new import permission hides or reveals: resend everything (RS+ is idempotent).
      const line = infoLine(this.routeInfo({}));
      for (const r of this.routes.values()) {
        r.sendProto(line);
        this.sendAllInterest(r);
      }
    }
  }

  // ---- connections ---------------------------------------------------------------------------

  private accept(socket: Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const r = new RouteConnection(this.server, this, this.server.nextCid(), socket, false);
    this.all.add(r);
    this.handshakeDeadline(r);
    r.debug('Route connection created');
    if (this.tls !== null) secureLink(r, { tls: this.tls, typ: 'route', logger: this.server.logger, pinned: this.tls.pinned }, () => this.beginAccepted(r));
    else this.beginAccepted(r);
  }

  /** Sends INFO on an accepted route (after TLS, with TLS) and arms the authorization timeout. */
  private beginAccepted(r: RouteConnection): void {
    const auth = this.copts.authorization;
    r.begin([Buffer.from(infoLine(this.routeInfo({})))]);
    if (auth?.user !== undefined) {
      r.parser.requireConnect = true;
      r.authTimer = setTimeout(() => {
        if (r.closed || r.connectReceived) return;
        this.server.logger.error(`${r.label} - Authentication Timeout`);
        r.sendErr(ERR.authenticationTimeout);
        r.close(ClosedReason.authTimeout);
      }, (auth.timeout ?? (this.tls !== null ? this.tls.timeout + 1 : 2)) * 1000);
    }
  }

  /**
   * Dials a route URL; `explicit` ones (configured) are retried forever, implicit ones (gossip)
   * `retries` more times.
   */
  private solicit(url: string, explicit: boolean, attempt: number, firstConnect = false): void {
    if (this.stopping) return;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      this.server.logger.error(`Error parsing route URL "${url}"`);
      return;
    }
    const hp = hostPortOf(url);
    if (this.isSelf(u)) {
      this.server.logger.debug(`Detected route to self, ignoring "${redact(url)}"`);
      return;
    }
    if (attempt === 0 && this.dialing.has(hp)) return;
    this.dialing.add(hp);
    this.server.logger.debug(`Trying to connect to route on ${u.hostname}:${u.port}`);
    const socket = connect({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) });
    const timer = setTimeout(() => socket.destroy(new Error('dial timeout')), DIAL_TIMEOUT_MS);
    const failed = (err: Error) => {
      clearTimeout(timer);
      this.dialing.delete(hp);
      if (this.stopping) return;
      // As nats-server's shouldReportConnectErr: the first failure, then every Nth (connect_error_reports
      // before the first connection, reconnect_error_reports after); the rest at debug level.
      const n = attempt + 1;
      const every = firstConnect ? this.server.opts.connectErrorReports : this.server.opts.reconnectErrorReports;
      const text = `Error trying to connect to route (attempt ${n}): ${err.message}`;
      if (n === 1 || (every > 0 && n % every === 0)) this.server.logger.error(text);
      else this.server.logger.debug(text);
      const retries = this.copts.connectRetries ?? 0;
      if (!explicit && attempt >= retries) return;
      if (explicit && !this.stillConfigured(url)) return;
      this.later(CONNECT_DELAY_MS, () => this.solicit(url, explicit, attempt + 1, firstConnect));
    };
    socket.once('error', failed);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', failed);
      this.dialing.delete(hp);
      if (this.stopping) {
        socket.destroy();
        return;
      }
      const r = new RouteConnection(this.server, this, this.server.nextCid(), socket, true);
      r.url = url;
      r.isConfigured = explicit;
      this.all.add(r);
      this.handshakeDeadline(r);
      const begin = () => {
        r.debug('Route connect msg sent');
        r.begin([Buffer.from(this.connectLine(u)), Buffer.from(infoLine(this.routeInfo({})))]);
      };
      if (this.tls === null) return begin();
      const tlsName = this.tlsName;
      secureLink(r, { tls: this.tls, typ: 'route', logger: this.server.logger, pinned: this.tls.pinned, solicit: { host: u.hostname, tlsName } }, begin, (f) => {
        // The saved name did not match this peer: forget it (nats-server issue 1256).
        if (f.hostnameError && tlsName !== '' && f.name === tlsName && this.tlsName === tlsName) this.tlsName = '';
      });
    });
  }

  /** (Re)reads `cluster { tls {} }` and picks the TLS name from the configured routes. */
  private applyTls(): void {
    const t = this.copts.tls;
    this.tls = t !== undefined ? buildLinkTls(t) : null;
    this.tlsName = '';
    for (const url of this.copts.routes ?? []) {
      try {
        const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
        if (host !== '' && isIP(host) === 0) {
          this.tlsName = host;
          break;
        }
      } catch {
        // Refused by check() before start.
      }
    }
  }

  private handshakeDeadline(r: RouteConnection): void {
    const t = setTimeout(() => {
      if (r.closed || r.registered) return;
      this.server.logger.error(`${r.label} - Route handshake not completed in ${HANDSHAKE_TIMEOUT_MS / 1000}s, closing`);
      r.close(ClosedReason.staleConnection);
    }, HANDSHAKE_TIMEOUT_MS);
    t.unref();
  }

  private stillConfigured(url: string): boolean {
    const hp = hostPortOf(url);
    return (this.copts.routes ?? []).some((r) => hostPortOf(r) === hp);
  }

  private isSelf(u: URL): boolean {
    if (Number(u.port) !== this.port) return false;
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost' || host === this.host) return true;
    for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) if (a.address === host) return true;
    return false;
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  // ---- handshake -----------------------------------------------------------------------------

  /** The route CONNECT a soliciting server sends (credentials from the URL). */
  private connectLine(u: URL): string {
    const c: RouteConnectMessage = { echo: true, verbose: false, pedantic: false };
    if (u.username) c.user = decodeURIComponent(u.username);
    if (u.password) c.pass = decodeURIComponent(u.password);
    c.tls_required = this.tls !== null;
    c.headers = !this.server.opts.noHeaderSupport;
    c.name = this.server.serverId;
    c.cluster = this.currentName;
    if (this.nameDynamic) c.cluster_dynamic = true;
    c.lnoc = true;
    return `CONNECT ${JSON.stringify(c)}\r\n`;
  }

  /** This server's route INFO (nats-server's key order). */
  private routeInfo(extra: Partial<RouteInfoMessage>): RouteInfoMessage {
    const o = this.server.opts;
    const c = this.copts;
    let host = c.host || o.host;
    let port = this.port;
    let ip: string | undefined;
    if (c.advertise) {
      ({ host, port } = advertisedHostPort(c.advertise, port));
      ip = `nats-route://${host}:${port}/`;
    }
    const info: RouteInfoMessage = {
      server_id: this.server.serverId,
      server_name: this.server.name,
      version: VERSION,
      proto: 2,
      go: GO_VERSION,
      host,
      port,
      headers: !o.noHeaderSupport,
    };
    if (c.authorization?.user !== undefined) info.auth_required = true;
    if (this.tls !== null) {
      info.tls_required = true;
      info.tls_verify = true;
    }
    info.max_payload = o.maxPayload;
    if (ip !== undefined) info.ip = ip;
    info.cluster = this.currentName;
    if (this.nameDynamic) info.cluster_dynamic = true;
    if (!c.noAdvertise) info.connect_urls = this.ownClientUrls();
    if (extra.ldm || this.lameDuck) info.ldm = true;
    const imp = permissionJson(c.permissions?.import);
    const exp = permissionJson(c.permissions?.export);
    if (imp) info.import = imp;
    if (exp) info.export = exp;
    info.lnoc = true;
    return Object.assign(info, this.routeInfoExtra, extra);
  }

  onRouteConnect(r: RouteConnection, json: string): void {
    let proto: RouteConnectMessage;
    try {
      proto = decodeRouteConnect(json);
    } catch {
      this.server.logger.error(`${r.label} - Route Error invalid CONNECT`);
      r.close(ClosedReason.parseError);
      return;
    }
    r.connectReceived = true;
    if (proto.lang !== undefined && proto.lang !== '') {
      this.server.logger.error(`${r.label} - ${ERR.routePort}`);
      r.sendErr(ERR.routePort);
      r.noReconnect = true;
      r.close(ClosedReason.wrongPort);
      return;
    }
    if (proto.gateway) {
      const text = `Rejecting connection from gateway "${proto.gateway}" on the Route port`;
      this.server.logger.error(`${r.label} - ${text}`);
      r.sendErr(text);
      r.noReconnect = true;
      r.close(ClosedReason.wrongGateway);
      return;
    }
    const auth = this.copts.authorization;
    if (auth?.user !== undefined) {
      const ok = constantTimeEquals(auth.user, proto.user ?? '') && checkPassword(auth.password ?? '', proto.pass ?? '');
      if (!ok) {
        r.authViolation();
        return;
      }
    }
    const theirs = proto.cluster ?? '';
    if (theirs !== this.currentName) {
      if (this.nameDynamic && (!proto.cluster_dynamic || this.currentName < theirs)) {
        this.adoptClusterName(theirs, !proto.cluster_dynamic, r);
      } else {
        const text = `Rejecting connection, cluster name "${theirs}" does not match "${this.currentName}"`;
        this.server.logger.error(`${r.label} - ${text}`);
        r.sendErr(text);
        r.close(ClosedReason.clusterNameConflict);
        return;
      }
    }
    r.remoteId = proto.name ?? '';
    r.headers = !this.server.opts.noHeaderSupport && proto.headers === true;
  }

  onRouteInfo(r: RouteConnection, info: RouteInfoMessage): void {
    if (r.closed) return;
    if (info.server_id === this.server.serverId) {
      r.remoteId = info.server_id;
      r.noReconnect = true;
      this.server.logger.debug(`${r.label} - Detected route to self, ignoring`);
      r.close(ClosedReason.duplicateRoute);
      return;
    }
    const theirs = info.cluster ?? '';
    if (theirs !== '' && theirs !== this.currentName) {
      if (this.nameDynamic && (!info.cluster_dynamic || this.currentName < theirs)) {
        this.adoptClusterName(theirs, !info.cluster_dynamic, r);
      } else {
        this.server.logger.error(`${r.label} - Rejecting connection, cluster name "${theirs}" does not match "${this.currentName}"`);
        r.close(ClosedReason.clusterNameConflict);
        return;
      }
    }
    if (r.infoReceived) {
      if (info.gateway) {
        for (const fn of this.gatewayInfoListeners) fn(info, r);
        return;
      }
      if (r.remoteId !== '' && r.remoteId !== info.server_id) {
        this.implicitRoute(info);
        return;
      }
      if (info.ldm) {
        this.server.logger.debug(`${r.label} - Route ${r.remoteId} entered lame duck mode`);
        if (r.registered && !this.copts.noAdvertise) this.removeClientUrls(r.connectUrls);
        r.connectUrls = [];
      } else {
        r.remoteImport = info.import;
        r.remoteExport = info.export;
      }
      return;
    }
    if (!r.didSolicit && info.server_name !== undefined && info.server_name === this.server.name) {
      this.server.logger.error(`${r.label} - Remote server has a duplicate name: "${info.server_name}"`);
      r.noReconnect = true;
      r.close(ClosedReason.duplicateServerName);
      return;
    }
    r.infoReceived = true;
    r.remoteId = info.server_id;
    r.remoteName = info.server_name ?? '';
    r.headers = !this.server.opts.noHeaderSupport && info.headers === true;
    r.gatewayUrl = info.gateway_url ?? '';
    r.remoteImport = info.import;
    r.remoteExport = info.export;
    r.connectUrls = info.ldm ? [] : [...(info.connect_urls ?? [])];
    if (r.url === '') r.url = `nats-route://${info.host}:${info.port}/`;
    r.label = `${r.host}:${r.port} - rid:${r.cid} - "${r.remoteName || r.remoteId}"`;
    this.register(r, info);
  }

  /** nats-server addRoute: one route per peer; a second connection to the same peer is closed. */
  private register(r: RouteConnection, info: RouteInfoMessage): void {
    if (this.stopping) {
      r.close(ClosedReason.serverShutdown);
      return;
    }
    const existing = this.byId.get(r.remoteId);
    if (existing !== undefined) {
      if (r.didSolicit) {
        if (existing.url === '' || !existing.didSolicit) existing.url = r.url;
        existing.isConfigured ||= r.isConfigured;
      }
      existing.retry = true;
      r.noReconnect = true;
      r.debug(`Detected duplicate remote route "${r.remoteId}"`);
      r.close(ClosedReason.duplicateRoute);
      return;
    }
    this.byId.set(r.remoteId, r);
    this.routes.set(r.cid, r);
    r.registered = true;
    r.info = info;
    this.server.logger.info(`${r.label} - Route connection created`);
    r.debug(`Registering remote route "${r.remoteId}"`);
    this.sendAllInterest(r);
    r.startPings();
    if (this.routes.size > 1) this.forwardInfo(r, info);
    if (!this.copts.noAdvertise) this.addClientUrls(r.connectUrls);
    for (const fn of this.routeListeners) fn(r, true);
  }

  /** Tells the other routes about a new peer, so they connect to it (full mesh by gossip). */
  private forwardInfo(r: RouteConnection, info: RouteInfoMessage): void {
    const fwd: RouteInfoMessage = { ...info };
    delete fwd.nonce;
    if (!fwd.ip) fwd.ip = `nats-route://${r.host}:${info.port}/`;
    const line = infoLine(fwd);
    for (const other of this.routes.values()) if (other !== r && other.remoteId !== info.server_id) other.sendProto(line);
  }

  /** An INFO about another server arrived on a route: connect to it unless we know it (processImplicitRoute). */
  private implicitRoute(info: RouteInfoMessage): void {
    const id = info.server_id;
    if (id === this.server.serverId || this.byId.has(id)) return;
    const hp = `${info.host}:${info.port}`.toLowerCase();
    if ((this.copts.routes ?? []).some((u) => hostPortOf(u) === hp)) return;
    if (!info.ip) return;
    let url: URL;
    try {
      url = new URL(info.ip);
    } catch {
      this.server.logger.error(`Error parsing URL from INFO: ${info.ip}`);
      return;
    }
    const auth = this.copts.authorization;
    if (info.auth_required && auth?.user !== undefined) {
      url.username = encodeURIComponent(auth.user);
      url.password = encodeURIComponent(auth.password ?? '');
    }
    this.solicit(url.toString(), false, 0);
  }

  onRouteClosed(r: RouteConnection): void {
    this.all.delete(r);
    const stats = this.server.stats;
    stats.inMsgs += r.inMsgs;
    stats.inBytes += r.inBytes;
    stats.outMsgs += r.outMsgs;
    stats.outBytes += r.outBytes;
    if (r.registered && this.byId.get(r.remoteId) === r) {
      this.byId.delete(r.remoteId);
      this.routes.delete(r.cid);
      r.registered = false;
      this.server.logger.info(`${r.label} - Route connection closed: ${r.closeReason}`);
      // Shutting down: clients keep the URLs of the other nodes to fail over to.
      if (!this.copts.noAdvertise && !this.stopping) this.removeClientUrls(r.connectUrls);
      for (const fn of this.routeListeners) fn(r, false);
    }
    r.registered = false;
    if (this.stopping || r.noReconnect || r.url === '') return;
    if (!r.didSolicit && !r.retry) return;
    if (r.remoteId !== '' && this.byId.has(r.remoteId)) return;
    const explicit = r.isConfigured && this.stillConfigured(r.url);
    const delay = Math.floor(Math.random() * 100) + (explicit ? RECONNECT_MS : 0);
    this.later(delay, () => {
      if (r.remoteId !== '' && this.byId.has(r.remoteId)) return;
      this.solicit(r.url, explicit, 0);
    });
  }

  /** A generated cluster name gives way to a peer's (static, or greater): other routes are dropped. */
  private adoptClusterName(name: string, isStatic: boolean, keep: RouteConnection): void {
    this.server.logger.info(`Cluster name updated to ${name}`);
    this.currentName = name;
    if (isStatic) this.nameDynamic = false;
    for (const other of [...this.all]) if (other !== keep) other.close(ClosedReason.clusterNameConflict);
    this.updateClientInfo(true);
  }

  // ---- interest ------------------------------------------------------------------------------

  interestChanged(change: InterestChange): void {
    if (!this.started) return;
    const { account, sub, added } = change;
    const line = this.interest.count(account.name, sub.subject, sub.queue, sub.advertise, sub.conn, added ? 1 : -1);
    if (line === null || this.routes.size === 0 || !this.canImport(sub.subject)) return;
    for (const r of this.routes.values()) r.sendProto(line);
  }

  /** All advertised interest, to a route that just registered (nats-server sendSubsToRoute). */
  private sendAllInterest(r: RouteConnection): void {
    const all = this.interest.lines((subject) => this.canImport(subject));
    if (all.length > 0) r.sendProto(all);
  }

  // ---- client URLs ---------------------------------------------------------------------------

  private addClientUrls(urls: readonly string[]): void {
    if (this.remoteClientUrls.add(urls)) this.updateClientInfo(true);
  }

  private removeClientUrls(urls: readonly string[]): void {
    if (this.remoteClientUrls.remove(urls)) this.updateClientInfo(true);
  }

  clientUrls(): string[] {
    return this.copts.noAdvertise ? [] : [...new Set([...this.ownClientUrls(), ...this.remoteClientUrls.urls()])];
  }

  /** This server's client URLs. */
  ownClientUrls(): string[] {
    return ownClientUrls(this.server.opts, this.server.port);
  }

  /** `cluster` and `connect_urls` in the clients' INFO; with `notify`, an async INFO to clients now. */
  private updateClientInfo(notify: boolean): void {
    const urls = this.clientUrls();
    this.server.setClientInfoFields({ cluster: this.currentName, connect_urls: urls.length > 0 ? urls : undefined }, notify);
  }
}
