import { EventEmitter } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { createServer, type Server as NetServer, type Socket, type AddressInfo } from 'node:net';
import { createServer as createServerKey } from '@nats-io/nkeys';
import { resolveOptions, type Options, type OptionsInput } from '@switchboard/shared';
import type { Change } from '../config/index.js';
import type { AccountSource, AuthResult, Authenticator, BrokerModule, ChangeSet, ClientBinding, ClusterView, ConnectionView, AccountRef, ServerStats, ServerView } from '../contracts/index.js';
import { Logger } from '../log/logger.js';
import type { ConnectOptions } from '../protocol/connect.js';
import { ERR, ClosedReason } from '../protocol/errors.js';
import { VERSION, GO_VERSION, SWITCHBOARD_VERSION } from '../protocol/version.js';
import type { Account, InterestSink } from './account.js';
import { AccountRegistry } from './accounts.js';
import { ClientConnection, type ClientHost } from './client.js';
import type { Connection } from './connection.js';
import { Delivery } from './delivery.js';
import { runLameDuck, type LameDuckState } from './lameduck.js';
import { advertisedHostPort } from './link.js';
import { planReload, explainChange, type ReloadResult } from './reload.js';

export interface ServerDeps {
  logger?: Logger;
  /** The conf file the options came from: `reload()` re-reads it. */
  configFile?: string;
  /** Options given on the command line: they win over the file, on reload too. */
  overrides?: OptionsInput;
}

/** The server's public events (the console listens to them). */
export interface ServerEvents {
  ready: [];
  shutdown: [];
  reload: [ReloadResult];
  'ldm:start': [LameDuckState];
  'ldm:progress': [LameDuckState];
  'ldm:done': [LameDuckState];
}

/** nats-server's accept back-off bounds (const.go: ACCEPT_MIN_SLEEP, ACCEPT_MAX_SLEEP). */
const ACCEPT_MIN_SLEEP_MS = 10;
const ACCEPT_MAX_SLEEP_MS = 1000;
/** How often the server checks that it can still open a file descriptor. */
const DESCRIPTOR_CHECK_MS = 1000;

/** Milliseconds as Go prints a time.Duration (`10s`, `1.5s`, `200ms`, `2m0s`). */
function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${ms / 1000}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${(ms - m * 60_000) / 1000}s`;
}

function changeSet(prev: Options, next: Options, changes: readonly Change[]): ChangeSet {
  return {
    prev,
    next,
    changes,
    touches: (...keys) => changes.some((c) => keys.some((k) => c.path === k || c.path.startsWith(`${k}.`))),
  };
}

/**
 * The broker core: the client listener, the connections, the account registry and delivery,
 * stats, reload plumbing, lame duck and shutdown. Everything else (authentication, account
 * sources, monitoring records, $SYS events; later routes and gateways) is a `BrokerModule`
 * registered by the composition root (`createServer` in src/index.ts), and reaches the core
 * only through the contracts.
 */
export class Server extends EventEmitter<ServerEvents> implements ServerView, ClientHost {
  opts: Options;
  readonly logger: Logger;
  readonly serverId: string;
  readonly clients = new Map<number, ClientConnection>();
  readonly stats: ServerStats = { inMsgs: 0, outMsgs: 0, inBytes: 0, outBytes: 0, slowConsumers: 0, totalConnections: 0 };
  readonly startTime = new Date();
  configLoadTime = new Date();
  readonly delivery: Delivery;
  readonly registry: AccountRegistry;
  readonly configFile: string | undefined;
  readonly overrides: OptionsInput;
  /** Set while in lame duck mode; observable progress for the console. */
  lameDuckState: LameDuckState | null = null;
  /** The cluster module's view, set by the composition root when one is wired in. */
  cluster: ClusterView | null = null;

  private listener: NetServer | null = null;
  private cidCounter = 0;
  private flushQueue: Connection[] = [];
  private flushScheduled = false;
  private shuttingDown = false;
  private infoBase: Record<string, unknown> = {};
  /** INFO fields set by modules (a cluster's `cluster`, `connect_urls`), after the core's own. */
  private infoExtra: Record<string, unknown> = {};
  /** Modules in registration order: hooks run in this order (shutdown in reverse). */
  private readonly modules: BrokerModule[] = [];
  /** The modules that watch interest, so a SUB costs nothing more when none does. */
  private readonly interestWatchers: BrokerModule[] = [];
  private readonly authenticators: Authenticator[] = [];

  constructor(input: OptionsInput = {}, deps: ServerDeps = {}) {
    super();
    this.configFile = deps.configFile;
    this.overrides = deps.overrides ?? {};
    this.opts = resolveOptions(input);
    this.logger = deps.logger ?? new Logger({ debug: this.opts.debug, trace: this.opts.trace, logtime: this.opts.logtime, logFile: this.opts.logFile });
    this.serverId = createServerKey().getPublicKey();
    this.delivery = new Delivery(this.opts.maxPending);
    this.registry = new AccountRegistry(this.interestChanged, this.delivery, () => this.name);
  }

  // ---- composition -------------------------------------------------------------------------

  /** Adds a module; its hooks run after those of the modules registered before it. */
  register(module: BrokerModule): void {
    this.modules.push(module);
    if (module.interestChanged !== undefined) this.interestWatchers.push(module);
  }

  /** Adds an authenticator; earlier ones are asked first. */
  addAuthenticator(a: Authenticator): void {
    this.authenticators.push(a);
  }

  addAccountSource(source: AccountSource): void {
    this.registry.addSource(source);
  }

  /** Every module's objections to `next` (none: it can be used). */
  validate(next: Options): string[] {
    const errors: string[] = [];
    for (const m of this.modules) if (m.validate) errors.push(...m.validate(next));
    return errors;
  }

  /** The interest seam: every sublist insert and remove, internal subscriptions included, passes here. */
  private readonly interestChanged: InterestSink = (account, sub, added) => {
    const watchers = this.interestWatchers;
    if (watchers.length === 0) return;
    const change = { account, sub, added };
    for (let i = 0; i < watchers.length; i++) watchers[i].interestChanged!(change);
  };

  // ---- views -------------------------------------------------------------------------------

  get name(): string {
    return this.opts.serverName ?? this.serverId;
  }

  get accounts(): ReadonlyMap<string, Account> {
    return this.registry.accounts;
  }

  get globalAccount(): Account {
    return this.registry.globalAccount;
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

  get stallAt(): number {
    return this.delivery.stallAt;
  }

  getOrCreateAccount(name: string): Account {
    return this.registry.getOrCreate(name);
  }

  refreshAccounts(): void {
    this.registry.refresh();
  }

  deliverMessage(from: ConnectionView | null, account: AccountRef, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number, noForward = false): boolean {
    return this.delivery.deliver(from as Connection | null, account as Account, subject, reply, hdr, buf, start, end, noForward);
  }

  // ---- start -------------------------------------------------------------------------------

  async start(): Promise<void> {
    const log = this.logger;
    log.info('Starting switchboard');
    log.info(`  Version:  ${SWITCHBOARD_VERSION}`);
    log.info(`  Protocol: nats-server ${VERSION} (proto 1)`);
    log.info(`  Name:     ${this.name}`);
    log.info(`  ID:       ${this.serverId}`);
    const listener = createServer({ noDelay: true }, (socket) => this.accept(socket));
    listener.maxConnections = Number.MAX_SAFE_INTEGER;
    const port = this.opts.port === -1 ? 0 : this.opts.port;
    const listen = (host: string) =>
      new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen({ host, port, backlog: 4096, ipv6Only: false }, () => {
          listener.off('error', reject);
          resolve();
        });
      });
    // Go's listener on 0.0.0.0 is dual-stack (IPv4 and IPv6, e.g. [::1]); so is Node's on '::'.
    // Without IPv6 on the machine, plain 0.0.0.0.
    if (this.opts.host === '0.0.0.0') await listen('::').catch(() => listen('0.0.0.0'));
    else await listen(this.opts.host);
    this.listener = listener;
    // Accept failures must not end the process: logged as nats-server logs them.
    listener.on('error', (err) => this.acceptError(err));
    this.descriptorWatch = setInterval(() => this.checkDescriptors(), DESCRIPTOR_CHECK_MS);
    this.descriptorWatch.unref();
    this.rebuildInfo();
    log.info(`Listening for client connections on ${this.opts.host}:${this.port}`);
    for (const m of this.modules) await m.start?.();
    log.info('Server is ready');
    this.emit('ready');
  }

  // ---- INFO and authentication -------------------------------------------------------------

  /** INFO fields in nats-server's order (server.go: Info). */
  rebuildInfo(): void {
    const o = this.opts;
    const listening = this.listener ? this.port : o.port;
    const { host, port } = o.clientAdvertise ? advertisedHostPort(o.clientAdvertise, listening) : { host: o.host, port: listening };
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
    for (const a of this.authenticators) Object.assign(info, a.infoFields());
    info.max_payload = o.maxPayload;
    Object.assign(info, this.infoExtra);
    this.infoBase = info;
  }

  setClientInfoFields(fields: Record<string, unknown>, notify: boolean): void {
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) delete this.infoExtra[k];
      else this.infoExtra[k] = v;
    }
    this.rebuildInfo();
    if (!notify) return;
    for (const c of this.clients.values()) {
      if (!c.closed && c.acceptsAsyncInfo()) c.enqueue(this.infoLineFor(c));
    }
  }

  /** The INFO line for a client (with its id, IP and, when needed, a nonce). */
  infoLineFor(client: ClientConnection, extra: Record<string, unknown> = {}): Buffer {
    const info: Record<string, unknown> = { ...this.infoBase };
    info.max_payload = client.maxPayload;
    info.client_id = client.cid;
    info.client_ip = client.host;
    for (const a of this.authenticators) if (a.infoFor) Object.assign(info, a.infoFor(client));
    Object.assign(info, extra);
    return Buffer.from(`INFO ${JSON.stringify(info)} \r\n`);
  }

  /** Whether clients must authenticate (CONNECT first). */
  authRequired(): boolean {
    for (const a of this.authenticators) if (a.required) return true;
    return false;
  }

  authTimeoutSeconds(): number {
    let secs = 0;
    for (const a of this.authenticators) secs = Math.max(secs, a.timeoutSeconds());
    return secs > 0 ? secs : 2;
  }

  secureSocket(client: ClientConnection, infoLine: Buffer): Socket | null | Promise<Socket | null> {
    for (const a of this.authenticators) {
      const s = a.secure?.(client, infoLine) ?? null;
      if (s !== null) return s;
    }
    return null;
  }

  /** Asks the authenticators in order; the first that answers decides (a Promise for a slow check). */
  authenticate(client: ClientConnection, connect: ConnectOptions, from = 0): AuthResult | Promise<AuthResult> {
    const auths = this.authenticators;
    for (let i = from; i < auths.length; i++) {
      const r = auths[i].authenticate(client, connect);
      if (r instanceof Promise) return r.then((v) => (v === undefined ? this.authenticate(client, connect, i + 1) : v));
      if (r !== undefined) return r;
    }
    return this.authRequired() ? false : undefined;
  }

  bypassAuth(client: ClientConnection): ClientBinding | null {
    for (const a of this.authenticators) {
      const b = a.bypass?.(client) ?? null;
      if (b !== null) return b;
    }
    return null;
  }

  // ---- connections -------------------------------------------------------------------------

  private descriptorWatch: NodeJS.Timeout | null = null;
  /** When the next accept error may be logged, and how long after it the one after (nats-server's 10 ms .. 1 s). */
  private acceptLogAt = 0;
  private acceptDelay = ACCEPT_MIN_SLEEP_MS;
  private acceptErrorsSuppressed = 0;
  private outOfDescriptors = false;

  /**
   * Out of file descriptors, libuv sheds each pending connection itself (it frees a reserved
   * descriptor, accepts the connection and closes it) and tells nobody, so the server cannot see
   * the failed accepts that nats-server logs. It looks instead: once a second it opens and
   * closes /dev/null; EMFILE or ENFILE there means new connections are being refused, and it
   * says so in nats-server's words ("Temporary Client Accept Error") until descriptors are free.
   */
  private checkDescriptors(): void {
    let fd: number;
    try {
      fd = openSync('/dev/null', 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EMFILE' || code === 'ENFILE') {
        this.outOfDescriptors = true;
        const what = code === 'EMFILE' ? 'too many open files' : 'file table overflow';
        this.acceptError(Object.assign(new Error(`accept tcp ${this.opts.host}:${this.port}: ${what}; new connections are refused until descriptors are free`), { code }));
      }
      return;
    }
    closeSync(fd);
    if (this.outOfDescriptors) {
      this.outOfDescriptors = false;
      this.acceptDelay = ACCEPT_MIN_SLEEP_MS;
      this.logger.info('File descriptors available again: accepting client connections');
    }
  }

  /**
   * An accept failure: logged, never thrown (an 'error' on the listener would otherwise end the
   * process). Temporary ones as nats-server logs them, at most once per back-off period, the
   * period doubling from 10 ms to 1 s while failures go on (those in between are counted into
   * the next line).
   */
  private acceptError(err: Error): void {
    if (this.shuttingDown) return;
    const now = Date.now();
    if (now < this.acceptLogAt) {
      this.acceptErrorsSuppressed++;
      return;
    }
    const code = (err as NodeJS.ErrnoException).code;
    const temporary = code === 'EMFILE' || code === 'ENFILE' || code === 'ENOBUFS' || code === 'ENOMEM' || code === 'ECONNABORTED' || code === 'EAGAIN';
    const more = this.acceptErrorsSuppressed > 0 ? ` (${this.acceptErrorsSuppressed} more)` : '';
    this.acceptErrorsSuppressed = 0;
    if (!temporary) {
      this.logger.error(`Client Accept error: ${err.message}${more}`);
      return;
    }
    this.logger.error(`Temporary Client Accept Error(${err.message})${more}`);
    this.acceptLogAt = now + this.acceptDelay;
    this.acceptDelay = Math.min(this.acceptDelay * 2, ACCEPT_MAX_SLEEP_MS);
  }

  /** The next connection id (clients and other kinds share one sequence, as nats-server's cid/rid). */
  nextCid(): number {
    return ++this.cidCounter;
  }

  private accept(socket: Socket): void {
    if (this.shuttingDown) {
      socket.destroy();
      return;
    }
    const cid = ++this.cidCounter;
    const client = new ClientConnection(this, cid, socket, this.globalAccount);
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
  clientConnected(client: ClientConnection): void {
    client.account.numClients++;
    for (const m of this.modules) m.clientConnected?.(client);
  }

  clientAuthFailed(client: ClientConnection): void {
    for (const m of this.modules) m.clientAuthFailed?.(client);
  }

  /** Called exactly once by a client when it closes. */
  clientClosed(client: ClientConnection): void {
    if (!this.clients.delete(client.cid)) return;
    this.stats.inMsgs += client.inMsgs;
    this.stats.inBytes += client.inBytes;
    this.stats.outMsgs += client.outMsgs;
    this.stats.outBytes += client.outBytes;
    client.debug(`Client connection closed: ${client.closeReason}`);
    if (client.account.numClients > 0 && client.connectReceived) client.account.numClients--;
    for (const m of this.modules) m.clientClosed?.(client);
  }

  slowConsumerDetected(c: Connection, reason: ClosedReason): void {
    this.stats.slowConsumers++;
    // Same text as nats-server (client.go: queueOutbound, handleWriteTimeout); the label carries cid and name.
    if (reason === ClosedReason.slowConsumerWriteDeadline) {
      this.logger.info(`${c.label} - Slow Consumer Detected: WriteDeadline of ${goDuration(this.opts.writeDeadline)} exceeded with 1 chunks of ${c.pendingBytes} total bytes.`);
    } else {
      this.logger.info(`${c.label} - Slow Consumer Detected: MaxPending of ${this.opts.maxPending} Exceeded`);
    }
  }

  queueFlush(c: Connection): void {
    this.flushQueue.push(c);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushAll);
    }
  }

  private readonly flushAll = (): void => {
    this.flushScheduled = false;
    this.flushQueued();
  };

  /** Flushes the connections queued so far; the end-of-turn flush finds nothing left of them. */
  flushQueued(): void {
    const q = this.flushQueue;
    if (q.length === 0) return;
    this.flushQueue = [];
    for (let i = 0; i < q.length; i++) q[i].flush();
  }

  // ---- reload ------------------------------------------------------------------------------

  /**
   * Hot reload, the path SIGHUP and the console share: parse (the config file, or `next`),
   * lay the command-line overrides on top, validate, diff, and apply only if every change is
   * reloadable. With `dryRun` nothing is applied; the result says what would change.
   */
  async reload(next?: OptionsInput, opts: { dryRun?: boolean } = {}): Promise<ReloadResult> {
    const source = next !== undefined ? { options: next } : { configFile: this.configFile };
    const plan = planReload(this.opts, source, this.overrides, (n) => this.validate(n));
    const result = plan.result;
    // A dry run (the console's review) is a question, not a reload: nothing logged, no event.
    if (opts.dryRun) return result;
    if (plan.next === null) {
      for (const e of result.errors) this.logger.error(`Failed to reload server configuration: ${e}`);
      this.emit('reload', result);
      return result;
    }
    this.applyOptions(plan.next, result.changes);
    result.applied = true;
    for (const c of result.changes) this.logger.info(`Reloaded: ${explainChange(c)}`);
    this.logger.info('Reloaded server configuration');
    this.emit('reload', result);
    return result;
  }

  /**
   * Applies validated options: the core's own settings first, then each module whose reload
   * keys the changes touch, in registration order, then INFO for new connections.
   */
  private applyOptions(next: Options, changes: Change[]): void {
    const prev = this.opts;
    this.opts = next;
    this.configLoadTime = new Date();
    this.logger.setLevels({ debug: next.debug, trace: next.trace, logtime: next.logtime });
    this.delivery.setMaxPending(next.maxPending);
    for (const c of this.clients.values()) {
      // Clients whose limits authentication bound (JWT users) keep them.
      if (c.maxSubs === null) {
        c.maxPayload = next.maxPayload;
        c.parser.maxPayload = next.maxPayload;
      }
      c.parser.maxControlLine = next.maxControlLine;
    }
    const set = changeSet(prev, next, changes);
    for (const m of this.modules) {
      if (m.reload !== undefined && m.reloadKeys !== undefined && set.touches(...m.reloadKeys)) m.reload(set);
    }
    this.rebuildInfo();
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
    for (const m of this.modules) m.lameDuckStarted?.();
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

  ldmInfoFor(client: ClientConnection): Buffer {
    return this.infoLineFor(client, { ldm: true });
  }

  async shutdown(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.logger.info('Initiating Shutdown...');
    if (this.descriptorWatch) clearInterval(this.descriptorWatch);
    this.descriptorWatch = null;
    for (let i = this.modules.length - 1; i >= 0; i--) this.modules[i].shutdown?.();
    this.registry.shutdown();
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
