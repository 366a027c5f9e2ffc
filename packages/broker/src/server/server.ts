import { EventEmitter } from 'node:events';
import { createServer, type Server as NetServer, type Socket, type AddressInfo } from 'node:net';
import { createServer as createServerKey } from '@nats-io/nkeys';
import { resolveOptions, type Options, type OptionsInput } from '@switchboard/shared';
import { Account, GLOBAL_ACCOUNT } from '../accounts/account.js';
import { ERR, ClosedReason } from '../protocol/errors.js';
import { Client, type ConnectOptions } from './client.js';
import type { Subscription } from './subscription.js';
import { Logger } from './logger.js';
import { VERSION, GO_VERSION } from './version.js';
import { runLameDuck, type LameDuckState } from './lameduck.js';
import { planReload, explainChange, type ReloadResult } from './reload.js';
import type { Change } from '../config/index.js';
import { applyAccountRules, validateAccountRules } from '../accounts/rules.js';
import { operatorModeStartErrors } from '../jwt/options.js';
import { ServerAuth } from '../auth/authenticator.js';
import { reloadAuthorization } from '../auth/reload.js';
import type { TLSSocket } from 'node:tls';
import { SystemEvents } from '../events/system.js';

export interface ServerStats {
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  slowConsumers: number;
  totalConnections: number;
}

/** What /connz needs of a closed connection. */
export interface ClosedClientInfo {
  cid: number;
  host: string;
  port: number;
  start: Date;
  stop: Date;
  reason: string;
  name?: string;
  lang?: string;
  version?: string;
  account: string;
  user?: string;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  rtt: number;
  subscriptions: string[];
  /** Last activity before the close (connz `last_activity`, `idle`). */
  lastActivity?: Date;
  /** The subscriptions at close time (connz `subs=detail`). */
  subsDetail?: { subject: string; queue: string | null; sid: string; msgs: number; max: number }[];
}

export interface ServerDeps {
  logger?: Logger;
  /** The conf file the options came from: `reload()` re-reads it. */
  configFile?: string;
  /** Options given on the command line: they win over the file, on reload too. */
  overrides?: OptionsInput;
}

/** Applies the reloadable part of a change set to subsystems (auth, accounts…). */
export type ReloadHook = (next: Options, prev: Options, changes: Change[]) => void;

const CLOSED_HISTORY = 10_000;

/** Milliseconds as Go prints a time.Duration (`10s`, `1.5s`, `200ms`, `2m0s`). */
function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${ms / 1000}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${(ms - m * 60_000) / 1000}s`;
}

/**
 * A NATS server: listens for clients, routes messages through account sublists, keeps stats.
 * Events: 'ready', 'client:connect' (Client), 'client:close' (Client), 'shutdown'.
 */
export class Server extends EventEmitter {
  opts: Options;
  readonly logger: Logger;
  readonly serverId: string;
  readonly clients = new Map<number, Client>();
  readonly accounts = new Map<string, Account>();
  readonly globalAccount: Account;
  readonly stats: ServerStats = { inMsgs: 0, outMsgs: 0, inBytes: 0, outBytes: 0, slowConsumers: 0, totalConnections: 0 };
  readonly closed: ClosedClientInfo[] = [];
  readonly startTime = new Date();
  configLoadTime = new Date();

  private listener: NetServer | null = null;
  private cidCounter = 0;
  private flushQueue: Client[] = [];
  private flushScheduled = false;
  private shuttingDown = false;
  /** Set while in lame duck mode; observable progress for the console. */
  lameDuckState: LameDuckState | null = null;
  readonly configFile: string | undefined;
  readonly overrides: OptionsInput;
  /** Subsystems that re-apply themselves on reload, in registration order. */
  readonly reloadHooks: ReloadHook[] = [];
  private infoBase: Record<string, unknown> = {};
  /** Producers stall when a subscriber's queue passes this. */
  stallAt: number;
  /** Authentication, permissions binding and client TLS (src/auth). */
  readonly auth: ServerAuth;
  /** The system account, its $SYS events and the in-process $SYS API (src/events). */
  readonly events: SystemEvents;

  constructor(input: OptionsInput = {}, deps: ServerDeps = {}) {
    super();
    this.configFile = deps.configFile;
    this.overrides = deps.overrides ?? {};
    this.opts = resolveOptions(input);
    this.logger = deps.logger ?? new Logger({ debug: this.opts.debug, trace: this.opts.trace, logtime: this.opts.logtime, logFile: this.opts.logFile });
    this.serverId = createServerKey().getPublicKey();
    this.globalAccount = new Account(GLOBAL_ACCOUNT);
    this.accounts.set(GLOBAL_ACCOUNT, this.globalAccount);
    this.stallAt = Math.min(this.opts.maxPending / 2, 8 * 1024 * 1024);
    // Operator mode (JWT) is refused here until it is wired in: nats-server's start checks, then the refusal.
    const accountErrors = [...validateAccountRules(this.opts), ...operatorModeStartErrors(this.opts)];
    if (accountErrors.length > 0) throw new Error(accountErrors.join('\n'));
    applyAccountRules(this, this.opts);
    this.reloadHooks.push((next, _prev, changes) => {
      if (changes.some((c) => c.path === 'accounts' || c.path.startsWith('accounts.'))) applyAccountRules(this, next);
    });
    this.auth = new ServerAuth(this);
    this.reloadHooks.push((next) => void reloadAuthorization(this, next));
    this.events = new SystemEvents(this);
    this.rebuildInfo();
  }

  get name(): string {
    return this.opts.serverName ?? this.serverId;
  }

  /** The bound client port (after start). */
  get port(): number {
    const a = this.listener?.address() as AddressInfo | null | undefined;
    return a ? a.port : this.opts.port;
  }

  get clientURL(): string {
    const host = this.opts.host === '0.0.0.0' || this.opts.host === '::' ? '127.0.0.1' : this.opts.host;
    return `nats://${host}:${this.port}`;
  }

  get isRunning(): boolean {
    return this.listener !== null && !this.shuttingDown;
  }

  async start(): Promise<void> {
    const log = this.logger;
    log.info(`Starting nats-server`);
    log.info(`  Version:  ${VERSION}`);
    log.info(`  Git:      [not set]`);
    log.info(`  Name:     ${this.name}`);
    log.info(`  ID:       ${this.serverId}`);
    const listener = createServer({ noDelay: true }, (socket) => this.accept(socket));
    listener.maxConnections = Number.MAX_SAFE_INTEGER;
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      const port = this.opts.port === -1 ? 0 : this.opts.port;
      listener.listen({ host: this.opts.host, port, backlog: 4096 }, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    this.listener = listener;
    this.rebuildInfo();
    log.info(`Listening for client connections on ${this.opts.host}:${this.port}`);
    this.events.start();
    log.info('Server is ready');
    this.emit('ready');
  }

  /** INFO fields in nats-server's order (server.go: Info). */
  rebuildInfo(): void {
    const o = this.opts;
    const advertise = o.clientAdvertise;
    let host = o.host;
    let port = this.listener ? this.port : o.port;
    if (advertise) {
      const i = advertise.lastIndexOf(':');
      if (i > 0) {
        host = advertise.slice(0, i);
        port = Number(advertise.slice(i + 1));
      } else host = advertise;
    }
    const info: Record<string, unknown> = {
      server_id: this.serverId,
      server_name: this.name,
      version: VERSION,
      proto: 1,
      go: GO_VERSION,
      host,
      port,
      headers: !o.noHeaderSupport,
    };
    Object.assign(info, this.auth.infoFields());
    info.max_payload = o.maxPayload;
    this.infoBase = info;
  }

  /** The INFO line for a client (with its id, IP and, when needed, a nonce). */
  infoLineFor(client: Client, extra: Record<string, unknown> = {}): Buffer {
    const info: Record<string, unknown> = { ...this.infoBase };
    info.max_payload = client.maxPayload;
    info.client_id = client.cid;
    info.client_ip = client.host;
    Object.assign(info, this.infoExtras(client), extra);
    return Buffer.from(`INFO ${JSON.stringify(info)} \r\n`);
  }

  // ---- hooks for authentication (delegated to src/auth) --------------------------------------

  /** Whether clients must authenticate (CONNECT first). */
  authRequired(): boolean {
    return this.auth.required;
  }

  /** Extra INFO fields for one client (e.g. nonce). */
  protected infoExtras(client: Client): Record<string, unknown> {
    return this.auth.infoExtras(client);
  }

  authTimeoutSeconds(): number {
    return this.auth.authTimeoutSeconds();
  }

  /** Decides a CONNECT; binds account/permissions on success. */
  authenticate(client: Client, opts: ConnectOptions): boolean | Promise<boolean> {
    return this.auth.authenticateConnect(client, opts);
  }

  /** Binds the no_auth_user to a client that skipped CONNECT; false when there is none. */
  bindNoAuthUser(client: Client): boolean {
    return this.auth.bindNoAuthUser(client);
  }

  /** With client TLS: sends INFO in plaintext, starts the handshake, returns the socket to use. */
  secureSocket(client: Client, infoLine: Buffer): TLSSocket | null {
    return this.auth.secureSocket(client, infoLine);
  }

  authFailed(client: Client): void {
    this.events.authError(client);
  }

  // ---- connections -------------------------------------------------------------------------

  private accept(socket: Socket): void {
    if (this.shuttingDown) {
      socket.destroy();
      return;
    }
    const cid = ++this.cidCounter;
    const client = new Client(this, cid, socket, this.globalAccount);
    if (this.clients.size >= this.opts.maxConnections) {
      client.begin(this.infoLineFor(client), false);
      this.logger.error(`${client.label} - Maximum Connections Exceeded`);
      client.sendErr(ERR.maxConnections);
      client.flush();
      client.close(ClosedReason.maxConnections);
      return;
    }
    this.clients.set(cid, client);
    this.stats.totalConnections++;
    client.debug('Client connection created');
    client.begin(this.infoLineFor(client), this.authRequired());
  }

  /** Called by a client once its CONNECT was accepted. */
  clientConnected(client: Client): void {
    client.account.numClients++;
    this.emit('client:connect', client);
  }

  /** Called exactly once by a client when it closes. */
  clientClosed(client: Client): void {
    if (!this.clients.delete(client.cid)) return;
    this.stats.inMsgs += client.inMsgs;
    this.stats.inBytes += client.inBytes;
    this.stats.outMsgs += client.outMsgs;
    this.stats.outBytes += client.outBytes;
    client.debug(`Client connection closed: ${client.closeReason}`);
    if (this.closed.length >= CLOSED_HISTORY) this.closed.shift();
    this.closed.push({
      cid: client.cid,
      host: client.host,
      port: client.port,
      start: client.start,
      stop: client.stop ?? new Date(),
      reason: client.closeReason ?? '',
      name: client.opts.name,
      lang: client.opts.lang,
      version: client.opts.version,
      account: client.account.name,
      user: client.user,
      inMsgs: client.inMsgs,
      outMsgs: client.outMsgs,
      inBytes: client.inBytes,
      outBytes: client.outBytes,
      rtt: client.rtt,
      subscriptions: [...client.subs.values()].map((s) => s.subject),
      lastActivity: new Date(client.lastActivity),
      subsDetail: [...client.subs.values()].map((s) => ({ subject: s.subject, queue: s.queue, sid: s.sid, msgs: s.nm, max: s.max })),
    });
    if (client.account.numClients > 0 && client.connectReceived) client.account.numClients--;
    this.emit('client:close', client);
  }

  slowConsumerDetected(client: Client, reason: ClosedReason): void {
    this.stats.slowConsumers++;
    // Same text as nats-server (client.go: queueOutbound, handleWriteTimeout); the label carries cid and name.
    if (reason === ClosedReason.slowConsumerWriteDeadline) {
      this.logger.info(`${client.label} - Slow Consumer Detected: WriteDeadline of ${goDuration(this.opts.writeDeadline)} exceeded with 1 chunks of ${client.pendingBytes} total bytes.`);
    } else {
      this.logger.info(`${client.label} - Slow Consumer Detected: MaxPending of ${this.opts.maxPending} Exceeded`);
    }
  }

  subAdded(_client: Client, _sub: Subscription): void {}
  subRemoved(_client: Client, _sub: Subscription): void {}

  // ---- message routing (the hot path) ------------------------------------------------------

  /**
   * Delivers a message published by `from` (null for the server's own messages) in `account` to
   * every matching subscription: each plain sub, and one member per queue group. Internal
   * subscriptions (imports, system handlers) get it through their handler; with `noForward`,
   * import subscriptions are skipped (a message that arrived through a stream import goes no further).
   * Returns whether anything received it.
   */
  route(from: Client | null, account: Account, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number, noForward = false): boolean {
    const r = account.sublist.match(subject);
    const psubs = r.psubs;
    const qsubs = r.qsubs;
    if (psubs.length === 0 && qsubs.length === 0) return false;
    const noEcho = from !== null && !from.opts.echo;
    let delivered = false;
    for (let i = 0; i < psubs.length; i++) {
      const sub = psubs[i];
      const c = sub.client;
      if (c === null) {
        if (sub.handler !== null && !(noForward && sub.forwards) && sub.handler(sub, from, subject, reply, hdr, buf, start, end)) delivered = true;
        continue;
      }
      if (noEcho && c === from) continue;
      if (c.deliver(sub, subject, reply, hdr, buf, start, end)) {
        delivered = true;
        if (from !== null && c.pendingBytes > this.stallAt) this.backpressure(from, c);
      }
    }
    for (let g = 0; g < qsubs.length; g++) {
      const members = qsubs[g];
      const n = members.length;
      const first = n === 1 ? 0 : Math.floor(Math.random() * n);
      for (let k = 0; k < n; k++) {
        const sub = members[(first + k) % n];
        const c = sub.client;
        if (c === null) {
          if (sub.handler !== null && !(noForward && sub.forwards) && sub.handler(sub, from, subject, reply, hdr, buf, start, end)) {
            delivered = true;
            break;
          }
          continue;
        }
        if (noEcho && c === from) continue;
        if (c.deliver(sub, subject, reply, hdr, buf, start, end)) {
          delivered = true;
          if (from !== null && c.pendingBytes > this.stallAt) this.backpressure(from, c);
          break;
        }
      }
    }
    return delivered;
  }

  /** Finds or creates the account `name` (config, auth and imports all go through here). */
  getOrCreateAccount(name: string): Account {
    let acc = this.accounts.get(name);
    if (acc === undefined) {
      acc = new Account(name);
      this.accounts.set(name, acc);
    }
    return acc;
  }

  /** A subscriber's queue is long: cut it if over max_pending, else slow the producer down. */
  private backpressure(producer: Client, consumer: Client): void {
    if (consumer.checkSlowConsumer()) return;
    if (producer !== consumer) producer.stallOn(consumer);
  }

  queueFlush(client: Client): void {
    this.flushQueue.push(client);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushAll);
    }
  }

  private readonly flushAll = (): void => {
    this.flushScheduled = false;
    const q = this.flushQueue;
    this.flushQueue = [];
    for (let i = 0; i < q.length; i++) q[i].flush();
  };

  // ---- reload ------------------------------------------------------------------------------

  /**
   * Hot reload, the path SIGHUP and the console share: parse (the config file, or `next`),
   * lay the command-line overrides on top, validate, diff, and apply only if every change is
   * reloadable. With `dryRun` nothing is applied; the result says what would change.
   */
  async reload(next?: OptionsInput, opts: { dryRun?: boolean } = {}): Promise<ReloadResult> {
    const plan = planReload(this.opts, next !== undefined ? { options: next } : { configFile: this.configFile }, this.overrides);
    const result = plan.result;
    if (plan.next === null) {
      for (const e of result.errors) this.logger.error(`Failed to reload server configuration: ${e}`);
      this.emit('reload', result);
      return result;
    }
    if (opts.dryRun) return result;
    this.applyOptions(plan.next, result.changes);
    result.applied = true;
    for (const c of result.changes) this.logger.info(`Reloaded: ${explainChange(c)}`);
    this.logger.info('Reloaded server configuration');
    this.emit('reload', result);
    return result;
  }

  private applyOptions(next: Options, changes: Change[]): void {
    const prev = this.opts;
    this.opts = next;
    this.configLoadTime = new Date();
    this.logger.setLevels({ debug: next.debug, trace: next.trace, logtime: next.logtime });
    this.stallAt = Math.min(next.maxPending / 2, 8 * 1024 * 1024);
    this.rebuildInfo();
    for (const c of this.clients.values()) {
      c.maxPayload = next.maxPayload;
      c.parser.maxPayload = next.maxPayload;
      c.parser.maxControlLine = next.maxControlLine;
    }
    for (const hook of this.reloadHooks) hook(next, prev, changes);
    // A lowered max_connections closes the newest connections over the limit.
    const excess = this.clients.size - next.maxConnections;
    if (excess > 0) {
      const newest = [...this.clients.values()].slice(-excess);
      for (const c of newest) {
        c.sendErr(ERR.maxConnections);
        c.close(ClosedReason.maxConnections);
      }
    }
  }

  // ---- lame duck and shutdown --------------------------------------------------------------

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  get isLameDuck(): boolean {
    return this.lameDuckState !== null;
  }

  /**
   * Lame duck mode: stop accepting clients, tell them, then close them spread over
   * lame_duck_duration, then shut down. Resolves when the server has shut down.
   */
  async lameDuck(): Promise<void> {
    if (this.lameDuckState !== null || this.shuttingDown) return;
    this.lameDuckState = { active: true, remaining: this.clients.size, total: this.clients.size, phase: 'grace' };
    await runLameDuck(this, this.lameDuckState);
  }

  /** Closes the client listener; existing connections stay. */
  async stopAccepting(): Promise<void> {
    const listener = this.listener;
    if (!listener || !listener.listening) return;
    await new Promise<void>((r) => {
      listener.close(() => r());
      // close() waits for every connection to end; we only need the port closed.
      setImmediate(r);
    });
  }

  ldmInfoFor(client: Client): Buffer {
    return this.infoLineFor(client, { ldm: true });
  }

  // ---- shutdown ----------------------------------------------------------------------------

  async shutdown(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.logger.info('Initiating Shutdown...');
    this.events.shutdown();
    const listener = this.listener;
    const closing = listener && listener.listening ? new Promise<void>((r) => listener.close(() => r())) : Promise.resolve();
    for (const c of [...this.clients.values()]) {
      c.flush();
      c.close(ClosedReason.serverShutdown);
    }
    await closing;
    this.listener = null;
    this.logger.info('Server Exiting..');
    this.emit('shutdown');
  }
}
