/**
 * Gateways: this server's links to other clusters of a super cluster (nats-server gateway.go).
 *
 * - The listener accepts inbound gateway connections (CONNECT first, optional authorization,
 *   `reject_unknown_cluster`); the peer's messages arrive on them and our interest goes back.
 * - One outbound connection per remote cluster, solicited 1 s after start and re-dialed after
 *   1 s (+ up to 100 ms) when it fails or drops; clusters learned from inbound INFO and gossip
 *   are implicit remotes, given up after `connect_retries` unless an inbound from them exists.
 * - Messages that entered here reach the outbound connections through the core's
 *   `Delivery.forwarder` (the router); interest comes from the interest seam.
 *
 * In a cluster of several servers, `cluster-link.ts` shares gateway URLs and remotes over the
 * routes, and the router sends a `_GR_.` reply for another server of the cluster over its route.
 */
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { BrokerModule, GatewayLinkView, GatewayRemoteView, GatewayStatus, InterestChange } from '../contracts/index.js';
import type { Account } from '../core/account.js';
import { advertisedHostPort } from '../core/link.js';
import { secureLink } from '../core/link-tls.js';
import type { Server } from '../core/server.js';
import { ClosedReason } from '../protocol/errors.js';
import { VERSION } from '../protocol/version.js';
import { GatewayClusterLink, type ClusterLink, type ClusterLinkHost, type KnownRemote, type RouteGatewayInfo } from './cluster-link.js';
import { buildLinkTls, type LinkTls } from '../tls/context.js';
import { GatewayConnection, type GatewayHost } from './connection.js';
import { gwOldHash } from './hash.js';
import { OutInterest } from './interest.js';
import { checkCredentials, firstNonLoopbackIp, gatewayOptionErrors } from './options.js';
import { RemoteGatewayCfg, hostPort } from './remotes.js';
import { linkView } from './status.js';
import { GatewayRouter, commandInfo, gatewayTuning } from './router.js';

/** Delays (ms) as nats-server's: first solicitation, between attempts, before a reconnect. */
export const gatewayDelays = { solicit: 1000, connect: 1000, reconnect: 1000, dial: 1000, handshake: 5000 };

/** Close reasons of gateway handshakes (nats-server ClosedState strings). */
const WRONG_PORT = 'Wrong Port' as ClosedReason;
const WRONG_GATEWAY = 'Wrong Gateway' as ClosedReason;
const DUPLICATE_SERVER_NAME = 'Duplicate Server Name' as ClosedReason;

interface GatewayInfo {
  server_id?: string;
  server_name?: string;
  gateway?: string;
  gateway_urls?: string[];
  gateway_url?: string;
  gateway_cmd?: number;
  gateway_cmd_payload?: string;
  gateway_nrp?: boolean;
  gateway_iom?: boolean;
  headers?: boolean;
}

/** The gateway subsystem: a broker module (interest seam, start, shutdown) and the host of gateway connections. */
export class GatewayModule implements BrokerModule, GatewayHost, GatewayStatus, ClusterLinkHost {
  readonly name = 'gateway';
  /** This cluster's gateway name. */
  readonly gatewayName: string;
  readonly enabled: boolean;
  readonly remotesByName = new Map<string, RemoteGatewayCfg>();
  /** Registered outbound connections by remote name, and the same ordered by RTT (the send order). */
  readonly out = new Map<string, GatewayConnection>();
  outo: GatewayConnection[] = [];
  /** Registered inbound connections by cid. */
  readonly inbounds = new Map<number, GatewayConnection>();
  /** Connections before their handshake completed. */
  private readonly pending = new Set<GatewayConnection>();
  readonly router: GatewayRouter;
  /** Resolves once the gateway listener is bound (immediately without gateways). */
  readonly listening: Promise<void>;
  private resolveListening!: () => void;
  private rejectListening!: (e: Error) => void;
  private listener: NetServer | null = null;
  private boundPort = 0;
  private infoHost = '';
  /** This server's gateway URL (host:port) and the cluster's URL set. */
  private url = '';
  private stopped = false;
  /** The other servers of this cluster (over routes); a link to no cluster until `attachCluster`. */
  link: GatewayClusterLink;
  private solicitTimer: NodeJS.Timeout | null = null;
  private rttTimer: NodeJS.Timeout | null = null;
  /** `gateway { tls {} }`: inbound connections, and outbound ones to remotes without their own `tls`. */
  private readonly tls: LinkTls | null;

  constructor(private readonly server: Server) {
    const errors = gatewayOptionErrors(server.opts);
    if (errors.length > 0) throw new Error(errors.join('\n'));
    const g = server.opts.gateway;
    this.gatewayName = g?.name ?? '';
    this.enabled = this.gatewayName !== '' && (g?.port ?? 0) !== 0;
    this.tls = g?.tls !== undefined ? buildLinkTls(g.tls) : null;
    this.listening = new Promise((resolve, reject) => {
      this.resolveListening = resolve;
      this.rejectListening = reject;
    });
    // Whoever awaits `listening` sees the failure; nobody awaiting it is no unhandled rejection.
    this.listening.catch(() => {});
    for (const r of g?.gateways ?? []) {
      if (r.name === this.gatewayName) continue;
      this.remotesByName.set(r.name, RemoteGatewayCfg.fromOptions(r, this.tls));
    }
    this.link = new GatewayClusterLink(this, null);
    this.router = new GatewayRouter(server, this, gwOldHash(this.gatewayName));
    if (!this.enabled) this.resolveListening();
  }

  /** Runs gateways across the servers of a cluster (called by the composition root, before start). */
  attachCluster(cluster: ClusterLink & { routedReplies: unknown }): void {
    if (!this.enabled) return;
    this.link = new GatewayClusterLink(this, cluster);
    this.router.link = this.link;
    cluster.routedReplies = this.router;
  }

  // ---- ClusterLinkHost -----------------------------------------------------------------------

  get serverId(): string {
    return this.server.serverId;
  }

  get serverName(): string {
    return this.server.opts.serverName ?? '';
  }

  get shuttingDown(): boolean {
    return this.stopped || this.server.isShuttingDown;
  }

  connectedRemotes(): KnownRemote[] {
    const out: KnownRemote[] = [];
    for (const name of this.out.keys()) {
      const r = this.remotesByName.get(name);
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  /** nats-server sendAsyncGatewayInfo: inbound peers learn the cluster's gateway URLs. */
  gatewayUrlsChanged(): void {
    if (this.url === '') return;
    const line = Buffer.from(`INFO ${this.infoJson()}\r\n`);
    for (const c of this.inbounds.values()) {
      if (c.closed) continue;
      c.enqueue(line);
      c.flush();
    }
  }

  implicitGateway(info: RouteGatewayInfo): void {
    this.processImplicitGateway(info);
  }

  logError(text: string): void {
    this.server.logger.error(text);
  }

  // ---- GatewayStatus -------------------------------------------------------------------------

  get host(): string {
    return this.infoHost;
  }

  get port(): number {
    return this.boundPort;
  }

  outbound(): GatewayLinkView[] {
    return this.outo.map((c) => linkView(c, this.remotesByName.get(c.name)));
  }

  inbound(): GatewayLinkView[] {
    return [...this.inbounds.values()].map((c) => linkView(c, undefined));
  }

  remotes(): GatewayRemoteView[] {
    return [...this.remotesByName.values()].map((r) => ({
      name: r.name,
      urls: [...r.urls.keys()],
      implicit: r.implicit,
      state: this.out.has(r.name) ? 'connected' : r.attempts > 1 || r.lastError !== null ? 'retrying' : 'connecting',
      attempts: r.attempts,
      lastError: r.lastError,
    }));
  }

  // ---- BrokerModule --------------------------------------------------------------------------

  /** Listens, then resolves (the cluster starts after, so its route INFO carries our `gateway_url`). */
  async start(): Promise<void> {
    if (!this.enabled) return;
    const g = this.server.opts.gateway!;
    const host = g.host ?? '0.0.0.0';
    const listener = createNetServer({ noDelay: true }, (socket) => this.accept(socket));
    listener.on('error', (e) => {
      // nats-server exits here (Fatalf); the command does too (it awaits `listening`), an embedding caller decides.
      const msg = `Error listening on gateway port: ${g.port} - ${e.message}`;
      this.server.logger.fatal(msg);
      this.rejectListening(new Error(msg));
    });
    listener.listen({ host, port: g.port === -1 ? 0 : g.port }, () => {
      this.listener = listener;
      this.boundPort = (listener.address() as AddressInfo).port;
      this.server.logger.info(`Gateway name is ${this.gatewayName}`);
      this.server.logger.info(`Listening for gateways connections on ${host}:${this.boundPort}`);
      if (this.tls?.insecure || [...this.remotesByName.values()].some((r) => r.tls?.insecure)) {
        this.server.logger.warn('TLS certificate chain and hostname of solicited gateways will not be verified. DO NOT USE IN PRODUCTION!');
      }
      this.setInfoHostPort(host);
      this.resolveListening();
      this.solicitTimer = setTimeout(() => this.solicitAll(), gatewayDelays.solicit);
      this.solicitTimer.unref();
      // Keep the send order by RTT as it is measured.
      this.rttTimer = setInterval(() => this.orderOutbound(), 1000);
      this.rttTimer.unref();
    });
    this.server.delivery.forwarder = this.router;
    // A listen failure is reported through `listening` (the command exits on it).
    await this.listening.catch(() => {});
  }

  shutdown(): void {
    this.stopped = true;
    if (this.solicitTimer) clearTimeout(this.solicitTimer);
    if (this.rttTimer) clearInterval(this.rttTimer);
    for (const r of this.remotesByName.values()) if (r.timer) clearTimeout(r.timer);
    this.router.shutdown();
    if (this.server.delivery.forwarder === this.router) this.server.delivery.forwarder = null;
    this.listener?.close();
    this.listener = null;
    for (const c of [...this.pending, ...this.out.values(), ...this.inbounds.values()]) {
      c.flush();
      c.close(ClosedReason.serverShutdown);
    }
  }

  interestChanged(change: InterestChange): void {
    if (!this.enabled) return;
    const sub = change.sub;
    // Local and internal subscriptions, and those of the rest of the cluster (a route's, which
    // are not advertised to routes): the cluster's interest, as nats-server's gatewayUpdateSubInterest.
    if (!sub.advertise && (sub.conn === null || sub.conn.kind !== 'ROUTER')) return;
    this.router.interestChanged(change.account as Account, sub, change.added);
  }

  // ---- INFO ----------------------------------------------------------------------------------

  private setInfoHostPort(listenHost: string): void {
    const g = this.server.opts.gateway!;
    let host = listenHost;
    let port = this.boundPort;
    if (g.advertise) ({ host, port } = advertisedHostPort(g.advertise, port));
    else if (host === '0.0.0.0' || host === '::') {
      const ip = firstNonLoopbackIp();
      if (ip !== null) host = ip;
      else this.server.logger.error(`Could not find any non-local IP for gateway "${this.gatewayName}" with listen specification "${listenHost}"`);
    }
    this.infoHost = host;
    this.url = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    this.advertisedPort = port;
    this.link.setOwnUrl(this.url);
    this.server.logger.info(`${g.advertise ? 'Advertise address' : 'Address'} for gateway "${this.gatewayName}" ${g.advertise ? 'is set to' : 'is'} ${this.url}`);
  }

  private advertisedPort = 0;

  /** This server's gateway INFO (nats-server Info, gateway fields). */
  private infoJson(): string {
    const o = this.server.opts;
    const auth = o.gateway?.authorization;
    const info: Record<string, unknown> = {
      server_id: this.server.serverId,
      server_name: o.serverName ?? '',
      version: VERSION,
      proto: 0,
      go: '',
      host: this.infoHost,
      port: this.advertisedPort,
      headers: !o.noHeaderSupport,
    };
    if (auth?.user) info.auth_required = true;
    if (this.tls !== null) {
      info.tls_required = true;
      info.tls_verify = true;
    }
    info.max_payload = o.maxPayload;
    info.gateway = this.gatewayName;
    info.gateway_urls = this.link.clusterUrls();
    info.gateway_url = this.url;
    info.gateway_nrp = true;
    if (gatewayTuning.forceInterestOnly) info.gateway_iom = true;
    return JSON.stringify(info);
  }

  // ---- outbound: solicitation ----------------------------------------------------------------

  private solicitAll(): void {
    this.solicitTimer = null;
    for (const r of this.remotesByName.values()) if (!r.implicit) this.solicit(r, true);
  }

  /** Starts (or continues) dialing a remote's URLs until one connects. */
  private solicit(r: RemoteGatewayCfg, first: boolean): void {
    if (this.stopped || r.soliciting || this.out.has(r.name)) return;
    r.soliciting = true;
    r.attempts++;
    const urls = r.shuffled();
    const kind = r.implicit ? 'implicit' : 'explicit';
    const report = first || r.attempts % 60 === 1;
    const next = (i: number): void => {
      if (this.stopped) return;
      if (i >= urls.length) return this.attemptFailed(r);
      const u = urls[i];
      const hp = hostPort(u);
      const line = `Connecting to ${kind} gateway "${r.name}" (${hp}) at ${hp} (attempt ${r.attempts})`;
      if (report) this.server.logger.info(line);
      else this.server.logger.debug(line);
      const sock = connect({ host: u.hostname, port: Number(u.port || 7222) });
      const timer = setTimeout(() => sock.destroy(new Error('i/o timeout')), gatewayDelays.dial);
      const onError = (e: Error): void => {
        clearTimeout(timer);
        sock.destroy();
        r.lastError = e.message;
        const msg = `Error connecting to ${kind} gateway "${r.name}" (${hp}) at ${hp} (attempt ${r.attempts}): ${e.message}`;
        if (report) this.server.logger.error(msg);
        else this.server.logger.debug(msg);
        next(i + 1);
      };
      sock.once('error', onError);
      sock.once('connect', () => {
        clearTimeout(timer);
        sock.off('error', onError);
        if (this.stopped) {
          sock.destroy();
          return;
        }
        r.soliciting = false;
        this.createOutbound(r, u, sock);
      });
    };
    next(0);
  }

  private attemptFailed(r: RemoteGatewayCfg): void {
    r.soliciting = false;
    if (r.implicit) {
      const retries = this.server.opts.gateway?.connectRetries ?? 0;
      if ((retries === 0 || r.attempts > retries) && !this.hasInbound(r.name)) {
        this.remotesByName.delete(r.name);
        return;
      }
    }
    this.scheduleSolicit(r, gatewayDelays.connect);
  }

  private scheduleSolicit(r: RemoteGatewayCfg, ms: number): void {
    if (this.stopped || r.timer) return;
    r.timer = setTimeout(() => {
      r.timer = null;
      this.solicit(r, false);
    }, ms);
    r.timer.unref();
  }

  private hasInbound(name: string): boolean {
    for (const c of this.inbounds.values()) if (c.name === name) return true;
    return false;
  }

  private createOutbound(r: RemoteGatewayCfg, u: URL, socket: Socket): void {
    const c = new GatewayConnection(this.server, this, this.server.nextCid(), socket, r, u, r.name);
    this.pending.add(c);
    this.server.logger.info(`${c.label} - Creating outbound gateway connection to "${r.name}"`);
    this.armHandshakeTimeout(c);
    if (r.tls === null) return c.begin();
    const tlsName = r.tlsName;
    secureLink(c, { tls: r.tls, typ: 'gateway', logger: this.server.logger, pinned: this.tls?.pinned ?? null, solicit: { host: u.hostname, tlsName } }, () => c.begin(), (f) => {
      r.lastError = `TLS gateway handshake error: ${f.text}`;
      if (f.hostnameError && tlsName !== '' && f.name === tlsName && r.tlsName === tlsName) r.tlsName = '';
    });
  }

  /**
   * A peer that accepts the TCP connection but never completes the handshake would hold the
   * link forever (no PINGs run before registration): give up and dial again.
   */
  private armHandshakeTimeout(c: GatewayConnection, ms = gatewayDelays.handshake): void {
    setTimeout(() => {
      if (c.closed || c.registered) return;
      this.server.logger.error(`${c.label} - Gateway handshake did not complete in ${ms} ms`);
      c.close(ClosedReason.staleConnection);
    }, ms).unref();
  }

  // ---- inbound: accept -----------------------------------------------------------------------

  private accept(socket: Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const c = new GatewayConnection(this.server, this, this.server.nextCid(), socket, null, null, '');
    this.pending.add(c);
    this.server.logger.info(`${c.label} - Processing inbound gateway connection`);
    const begin = (): void => {
      c.begin();
      c.parser.headers = !this.server.opts.noHeaderSupport;
      c.enqueue(Buffer.from(`INFO ${this.infoJson()}\r\n`));
      c.flush();
    };
    if (this.tls !== null) secureLink(c, { tls: this.tls, typ: 'gateway', logger: this.server.logger, pinned: this.tls.pinned }, begin);
    else begin();
    const secs = this.server.opts.gateway?.authorization?.timeout ?? (this.tls !== null ? this.tls.timeout + 1 : 2);
    this.armHandshakeTimeout(c, Math.max(gatewayDelays.handshake, secs * 1000 + 1000));
    const timer = setTimeout(() => {
      if (c.closed || c.connectReceived) return;
      this.server.logger.error(`${c.label} - Authentication Timeout`);
      c.sendErr('Authentication Timeout');
      c.close(ClosedReason.authTimeout);
    }, secs * 1000);
    timer.unref();
  }

  processConnect(c: GatewayConnection, json: string): void {
    if (c.outbound || c.connectReceived) return;
    let connect: { gateway?: string; user?: string; pass?: string };
    try {
      connect = JSON.parse(json) as typeof connect;
    } catch {
      c.close(ClosedReason.protocolViolation);
      return;
    }
    if (!connect.gateway) {
      this.server.logger.error(`${c.label} - attempted to connect to gateway port`);
      c.sendErr('attempted to connect to gateway port');
      c.close(WRONG_PORT);
      return;
    }
    const auth = this.server.opts.gateway?.authorization;
    const finish = (): void => {
      if (c.closed) return;
      if (this.server.opts.gateway?.rejectUnknown && !this.remotesByName.has(connect.gateway!)) {
        this.server.logger.error(`${c.label} - Rejecting connection from gateway "${connect.gateway}"`);
        c.sendErr(`Connection to gateway "${this.gatewayName}" rejected`);
        c.close(WRONG_GATEWAY);
        return;
      }
      c.connectReceived = true;
      c.name = connect.gateway!;
      c.startPing();
    };
    if (!auth?.user) return finish();
    // A slow (bcrypt) check holds this connection's input until it is decided.
    c.parser.suspend();
    checkCredentials(auth.user, auth.password ?? '', connect.user, connect.pass).then((ok) => {
      if (c.closed) return;
      if (!ok) {
        c.authViolation();
        return;
      }
      finish();
      const backlog = c.parser.resume();
      if (backlog !== null && !c.closed) c.parser.parse(backlog);
    });
  }

  processInfo(c: GatewayConnection, json: string): void {
    let info: GatewayInfo;
    try {
      info = JSON.parse(json) as GatewayInfo;
    } catch {
      c.close(ClosedReason.protocolViolation);
      return;
    }
    const first = !c.infoReceived;
    c.infoReceived = true;
    if (c.outbound) this.outboundInfo(c, info, first);
    else if (first) this.inboundFirstInfo(c, info);
  }

  /** nats-server processGatewayInfo, outbound side. */
  private outboundInfo(c: GatewayConnection, info: GatewayInfo, first: boolean): void {
    const r = c.remote as RemoteGatewayCfg;
    if (!info.gateway) {
      c.sendErr(`Attempt to connect to gateway "${c.name}" using wrong port`);
      c.close(WRONG_PORT);
      return;
    }
    if (info.gateway !== c.name) {
      if (!first && info.gateway_cmd === 1) {
        if (this.server.opts.gateway?.rejectUnknown && !this.remotesByName.has(info.gateway)) return;
        this.processImplicitGateway(info);
        return;
      }
      this.server.logger.error(`${c.label} - Failing connection to gateway "${c.name}", remote gateway name is "${info.gateway}"`);
      c.sendErr(`Connection from "${this.gatewayName}" rejected, wanted to connect to "${c.name}", this is "${info.gateway}"`);
      c.close(WRONG_GATEWAY);
      return;
    }
    if (first && this.isDuplicateServerName(info.server_name)) {
      this.server.logger.error(`${c.label} - Remote server has a duplicate name: "${info.server_name}"`);
      c.close(DUPLICATE_SERVER_NAME);
      return;
    }
    if (info.gateway_urls && info.gateway_urls.length > 0) r.updateUrls(info.gateway_urls);
    if (first) {
      c.remoteId = info.server_id ?? '';
      c.remoteName = info.server_name ?? '';
      c.interestOnlyMode = info.gateway_iom === true;
      c.useOldPrefix = info.gateway_nrp !== true;
      c.headers = !this.server.opts.noHeaderSupport && info.headers === true;
      c.parser.headers = c.headers;
      this.sendConnect(c);
      c.enqueue(Buffer.from(`INFO ${this.infoJson()}\r\n`));
      if (this.out.has(c.name)) {
        c.close(WRONG_GATEWAY);
        return;
      }
      this.pending.delete(c);
      this.out.set(c.name, c);
      this.outo.push(c);
      this.orderOutbound();
      c.registered = true;
      r.attempts = 0;
      r.lastError = null;
      this.server.logger.info(`${c.label} - Outbound gateway connection to "${c.name}" (${c.remoteId}) registered`);
      c.startPing();
    } else if (info.gateway_cmd !== undefined && info.gateway_cmd > 0) {
      const acc = info.gateway_cmd_payload ? Buffer.from(info.gateway_cmd_payload, 'base64').toString() : '';
      if (info.gateway_cmd !== 2 && info.gateway_cmd !== 3) {
        this.server.logger.warn(`Received unknown command ${info.gateway_cmd} from gateway "${c.name}"`);
        return;
      }
      const which = info.gateway_cmd === 2 ? 'start' : 'complete';
      if (acc === '') {
        c.sendErr(`Account absent from receive-all-subscriptions-${which} command`);
        c.close(ClosedReason.protocolViolation);
        return;
      }
      if (info.gateway_cmd === 2) {
        c.debug(`Gateway "${c.name}": switching account "${acc}" to Interest-Only mode`);
        let e = c.outsim.get(acc) ?? null;
        if (e === null) {
          e = new OutInterest();
          c.outsim.set(acc, e);
        }
        e.mode = 'Transitioning';
      } else {
        const e = c.outsim.get(acc) ?? null;
        if (e !== null) {
          e.ni = null;
          e.mode = 'Interest-Only';
          c.debug(`Gateway "${c.name}": switching account "${acc}" to Interest-Only mode complete`);
        }
      }
      return;
    }
    // The rest of the cluster connects to this gateway too (nats-server forwardNewGatewayToLocalCluster).
    this.link.announceRemote(info.gateway, info.gateway_urls);
  }

  /** nats-server processGatewayInfo, first INFO of an inbound connection. */
  private inboundFirstInfo(c: GatewayConnection, info: GatewayInfo): void {
    if (this.isDuplicateServerName(info.server_name)) {
      this.server.logger.error(`${c.label} - Remote server has a duplicate name: "${info.server_name}"`);
      c.close(DUPLICATE_SERVER_NAME);
      return;
    }
    c.remoteId = info.server_id ?? '';
    c.remoteName = info.server_name ?? '';
    if (info.gateway) c.name = info.gateway;
    this.pending.delete(c);
    this.inbounds.set(c.cid, c);
    c.registered = true;
    this.server.logger.info(`${c.label} - Inbound gateway connection from "${c.name}" (${c.remoteId}) registered`);
    this.router.sendQueueSubs(c);
    this.processImplicitGateway(info);
    this.gossipGatewaysTo(c);
    if (gatewayTuning.forceInterestOnly) {
      for (const acc of this.server.accounts.values()) this.router.ensureInterestOnly(c, acc.name);
    } else {
      const sys = this.server.opts.noSystemAccount ? undefined : (this.server.opts.systemAccount ?? '$SYS');
      if (sys !== undefined && this.server.accounts.has(sys)) this.router.ensureInterestOnly(c, sys);
    }
  }

  private sendConnect(c: GatewayConnection): void {
    const g = this.server.opts.gateway;
    let user = '';
    let pass = '';
    if (c.url !== null && c.url.username !== '') {
      user = decodeURIComponent(c.url.username);
      pass = decodeURIComponent(c.url.password);
    } else if (g?.authorization?.user) {
      user = g.authorization.user;
      pass = g.authorization.password ?? '';
    }
    const connect: Record<string, unknown> = { echo: false, verbose: false, pedantic: false };
    if (user) connect.user = user;
    if (pass) connect.pass = pass;
    connect.tls_required = (c.remote as RemoteGatewayCfg).tls !== null;
    connect.headers = false;
    connect.name = this.server.serverId;
    connect.cluster = '';
    connect.gateway = this.gatewayName;
    c.trace(`->> [CONNECT ${JSON.stringify({ ...connect, pass: pass ? '[REDACTED]' : undefined })}]`);
    c.enqueue(Buffer.from(`CONNECT ${JSON.stringify(connect)}\r\n`));
  }

  /** A cluster named in an inbound INFO or gossip: dial it unless known (then only add its URLs). */
  private processImplicitGateway(info: GatewayInfo | RouteGatewayInfo): void {
    const name = info.gateway;
    if (!name || name === this.gatewayName) return;
    const known = this.remotesByName.get(name);
    if (known !== undefined) {
      known.addUrls(info.gateway_urls);
      return;
    }
    const r = new RemoteGatewayCfg(name, [], true, this.tls);
    r.addUrls(info.gateway_urls);
    if (r.urls.size === 0) return;
    this.remotesByName.set(name, r);
    this.solicit(r, true);
  }

  /** Tells a new inbound peer every other cluster we know (gateway_cmd 1), for a full mesh. */
  private gossipGatewaysTo(c: GatewayConnection): void {
    for (const r of this.remotesByName.values()) {
      if (r.name === c.name) continue;
      const urls = [...r.urls.keys()];
      if (urls.length === 0) continue;
      c.sendLine(`INFO ${commandInfo(r.name, 1, null, urls, this.server.serverId)}`);
    }
  }

  /** A name of a server of this cluster: ours or a route peer's (nats-server isDuplicateServerName). */
  private isDuplicateServerName(name: string | undefined): boolean {
    if (!name) return false;
    return (!!this.server.opts.serverName && name === this.server.opts.serverName) || this.link.hasServerName(name);
  }

  inboundMessage(c: GatewayConnection, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    this.router.inboundMessage(c, subject, reply, hdr, buf, start, end);
  }

  // ---- close and reconnect -------------------------------------------------------------------

  gatewayClosed(c: GatewayConnection): void {
    this.pending.delete(c);
    if (c.outbound) {
      if (this.out.get(c.name) === c) {
        this.out.delete(c.name);
        this.outo = this.outo.filter((o) => o !== c);
      }
      this.server.logger.info(`${c.label} - Gateway connection closed: ${c.closeReason}`);
      const r = this.remotesByName.get(c.name);
      if (r !== undefined && r === c.remote && !this.stopped && c.closeReason !== WRONG_GATEWAY) {
        r.lastError = r.lastError ?? `connection closed: ${c.closeReason}`;
        this.scheduleSolicit(r, Math.floor(Math.random() * 100) + (r.implicit ? 0 : gatewayDelays.reconnect));
      }
    } else {
      this.inbounds.delete(c.cid);
      this.server.logger.info(`${c.label} - Gateway connection closed: ${c.closeReason}`);
    }
  }

  private orderOutbound(): void {
    if (this.outo.length > 1) this.outo.sort((a, b) => a.rtt - b.rtt);
  }
}
