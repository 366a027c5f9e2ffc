import { decodeUserJwt } from '../jwt/claims.js';
import { ClosedReason } from '../protocol/errors.js';
import {
  ACCOUNT_CONNS_EVENT_TYPE,
  CONNECT_EVENT_TYPE,
  DISCONNECT_EVENT_TYPE,
  type AccountNumConns,
  type ClientInfo,
  type ConnectEventMsg,
  type DisconnectEventMsg,
  type EventFilterOptions,
  type ExtExport,
  type ExtImport,
  type ServerAPIResponse,
  type ServerInfo,
  type ServerStats,
  type ServerStatsMsg,
} from '@switchboard/shared';
import { isValidLiteralSubject, subjectIsSubsetOf } from '@switchboard/shared';
import type { AccountRef, BrokerModule, ClientView, Subscription } from '../contracts/index.js';
import { GLOBAL_ACCOUNT } from '../protocol/accounts.js';
import { VERSION } from '../protocol/version.js';
import { connz, subsz, varz, routez, gatewayz, leafz, accountz, accountInfo, accountStatz, healthz, type AccountTracker, type MonitoredServer } from '../monitor/index.js';
import { serverTotals, totalSubscriptions } from '../monitor/varz.js';
import { processUsage } from '../monitor/usage.js';
import { msToNs, rfc3339 } from '../monitor/format.js';
import { Nuid, serverHash } from './ids.js';
import * as R from './requests.js';
import {
  ACC_CONNS_EVENT_SUBJ_NEW,
  AUTH_ERROR_EVENT_SUBJ,
  ACC_CONNS_EVENT_SUBJ_OLD,
  ACC_DIRECT_REQ_SUBJ,
  ACC_NUM_SUBS_REQ_SUBJ,
  ACC_PING_REQ_SUBJ,
  ACCOUNT_SERVICES,
  CONNECT_EVENT_SUBJ,
  CONNS_RESP_SUBJ,
  DISCONNECT_EVENT_SUBJ,
  EVENTS_HB_INTERVAL_MS,
  INBOX_RESP_SUBJ,
  ORPHAN_CHECK_MS,
  ORPHAN_MAX_MS,
  SERVER_DIRECT_REQ_SUBJ,
  SERVER_PING_REQ_SUBJ,
  SERVER_SERVICES,
  SERVER_STATS_PING_REQ_SUBJ,
  SERVER_STATS_SUBJ,
  SHUTDOWN_EVENT_SUBJ,
  STATSZ_FIRST_MS,
  sprintf,
  systemAccountName,
} from '../protocol/sys-subjects.js';

/** Receives one message of an in-process subscription: JSON payloads parsed, others as text. */
export type EventCallback = (subject: string, data: unknown, reply: string) => void;

/** Handler of an internal system subscription: payload copied out of the message buffer. */
type SysHandler = (subject: string, reply: string, payload: Buffer) => void;

/** Marker: the request does not apply to this server, stay silent. */
const SKIP = Symbol('skip');

interface RemoteServer {
  seq: number;
  ltime: number;
}

/**
 * The system account and its events (nats-server events.go): connect/disconnect advisories,
 * account connection counts, STATSZ heartbeats, SHUTDOWN, and the $SYS.REQ services answering
 * with the monitoring views. Also the in-process API the console uses: subscribe() to $SYS
 * subjects, request()/requestMany() for $SYS.REQ calls.
 *
 * Messages are published by the server itself (no publishing client): deliverMessage(null, $SYS, …).
 * A module: it hears client connects and closes through the module hooks, and on a reload of
 * `accounts` gives new accounts their automatic system imports.
 */
export class SystemEvents implements BrokerModule {
  readonly name = 'events';
  readonly reloadKeys = ['accounts'] as const;
  /** The system account (null until started, or when `no_system_account` is set). */
  account: AccountRef | null = null;
  private running = false;
  private seq = 0;
  private sid = 0;
  private readonly ids = new Nuid();
  private readonly tracker: AccountTracker;
  private shash = '';
  private cstatsz = STATSZ_FIRST_MS;
  private statszTimer: NodeJS.Timeout | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private readonly remotes = new Map<string, RemoteServer>();
  private readonly connsTimers = new Map<AccountRef, NodeJS.Timeout>();
  private readonly importsInstalled = new WeakSet<AccountRef>();
  private readonly replies = new Map<string, (subject: string, data: unknown) => void>();

  constructor(private readonly server: MonitoredServer) {
    this.tracker = server.monitor.tracker;
  }

  /** Accounts added by a reload get the automatic system imports too. */
  reload(): void {
    if (this.account !== null) for (const a of this.server.accounts.values()) this.installSystemImports(a);
  }

  /** Whether the server has a system account (`no_system_account` unset). */
  get enabled(): boolean {
    return !this.server.opts.noSystemAccount;
  }

  /** The system account's name (`system_account`, default `$SYS`), or undefined when disabled. */
  get systemAccountName(): string | undefined {
    return systemAccountName(this.server.opts);
  }

  /** Number of other servers heard from (STATSZ `active_servers` is this plus one). */
  get remoteServers(): number {
    return this.remotes.size;
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Creates the system account and its subscriptions; idempotent. False when disabled. */
  setup(): boolean {
    if (this.account !== null) return true;
    const name = this.systemAccountName;
    if (name === undefined) return false;
    const server = this.server;
    this.account = server.getOrCreateAccount(name);
    this.shash = serverHash(server.name);
    this.installSubscriptions();
    for (const a of server.accounts.values()) this.installSystemImports(a);
    return true;
  }

  /** At start: subscriptions, the STATSZ schedule and the orphan sweep. */
  start(): void {
    if (!this.setup() || this.running) return;
    this.running = true;
    this.cstatsz = STATSZ_FIRST_MS;
    this.scheduleStatsz();
    this.sweeper = setInterval(() => this.sweepRemotes(), ORPHAN_CHECK_MS);
    this.sweeper.unref();
  }

  /** First at shutdown: sends SHUTDOWN (the last event) and stops the timers. */
  shutdown(): void {
    if (!this.running) return;
    this.running = false;
    if (this.statszTimer) clearTimeout(this.statszTimer);
    if (this.sweeper) clearInterval(this.sweeper);
    this.statszTimer = this.sweeper = null;
    for (const t of this.connsTimers.values()) clearTimeout(t);
    this.connsTimers.clear();
    this.sendWithInfo(sprintf(SHUTDOWN_EVENT_SUBJ, this.server.serverId), '', (server) => server);
    for (const [inbox, cb] of this.replies) cb(inbox, undefined);
    this.replies.clear();
  }

  // ---- in-process API ------------------------------------------------------------------------

  /**
   * Subscribes to `pattern` (wildcards allowed) in the system account. Returns the unsubscribe
   * function. Throws when the server runs without a system account.
   */
  subscribe(pattern: string, cb: EventCallback): () => void {
    if (!this.setup()) throw new Error('no system account (no_system_account is set)');
    const sub = this.sysSubscribe(pattern, (subject, reply, payload) => cb(subject, decode(payload), reply));
    return () => this.unsubscribe(sub);
  }

  /** Publishes `body` (JSON-encoded unless a string or Buffer) on `subject` in the system account. */
  publish(subject: string, body: unknown = '', reply = ''): void {
    if (!this.setup()) throw new Error('no system account (no_system_account is set)');
    this.send(subject, reply, body);
  }

  /** A $SYS request answered by the first response (rejects after `timeoutMs`). */
  async request(subject: string, body: unknown = '', timeoutMs = 2000): Promise<unknown> {
    const all = await this.requestMany(subject, body, { timeoutMs, max: 1 });
    if (all.length === 0) throw new Error(`request to ${subject} timed out after ${timeoutMs} ms`);
    return all[0];
  }

  /**
   * A $SYS request answered by several servers (e.g. `$SYS.REQ.SERVER.PING` gets the STATSZ of
   * every server): collects responses until `max` arrived or `timeoutMs` passed.
   */
  requestMany(subject: string, body: unknown = '', opts: { timeoutMs?: number; max?: number } = {}): Promise<unknown[]> {
    if (!this.setup()) return Promise.reject(new Error('no system account (no_system_account is set)'));
    const timeoutMs = opts.timeoutMs ?? 1000;
    const max = opts.max ?? Infinity;
    const token = this.ids.next();
    const inbox = sprintf(INBOX_RESP_SUBJ, this.shash, token);
    return new Promise((resolve) => {
      const got: unknown[] = [];
      const finish = () => {
        clearTimeout(timer);
        this.replies.delete(token);
        resolve(got);
      };
      const timer = setTimeout(finish, timeoutMs);
      this.replies.set(token, (_subject, data) => {
        if (data !== undefined) got.push(data);
        if (data === undefined || got.length >= max) finish();
      });
      this.send(subject, inbox, body);
    });
  }

  // ---- server info and stats -----------------------------------------------------------------

  /** The `server` block of the next event (its `seq` increases with every call). */
  nextServerInfo(): ServerInfo {
    const o = this.server.opts;
    const info: Partial<ServerInfo> = { name: this.server.name, host: o.host, id: this.server.serverId };
    const cluster = o.gateway?.name ?? o.cluster?.name;
    if (cluster) info.cluster = cluster;
    info.ver = VERSION;
    if (o.serverTags && o.serverTags.length > 0) info.tags = [...o.serverTags];
    info.seq = ++this.seq;
    info.jetstream = false;
    info.time = rfc3339(Date.now());
    return info as ServerInfo;
  }

  /** The `statsz` part of a ServerStatsMsg. */
  statsz(): ServerStats {
    const server = this.server;
    const usage = processUsage();
    const t = serverTotals(server);
    const stats: ServerStats = {
      start: rfc3339(server.startTime),
      mem: usage.mem,
      cores: usage.cores,
      cpu: usage.cpu,
      connections: server.clients.size,
      total_connections: server.stats.totalConnections,
      active_accounts: this.tracker.activeAccounts(),
      subscriptions: totalSubscriptions(server),
      sent: { msgs: t.outMsgs, bytes: t.outBytes },
      received: { msgs: t.inMsgs, bytes: t.inBytes },
      slow_consumers: t.slowConsumers,
      // Per route, as nats-server's RouteStat (only when clustered).
      ...(server.cluster !== null && server.cluster.routes.size > 0
        ? {
            routes: [...server.cluster.routes.values()].map((r) => ({
              rid: r.cid,
              ...(r.remoteName ? { name: r.remoteName } : {}),
              sent: { msgs: r.outMsgs, bytes: r.outBytes },
              received: { msgs: r.inMsgs, bytes: r.inBytes },
              pending: r.pendingBytes,
            })),
          }
        : {}),
      active_servers: 1 + this.remotes.size,
    };
    // Per remote cluster: our outbound link's sent counts, the inbound links' received counts.
    const gw = server.gateways ?? null;
    if (gw !== null) {
      const inbound = gw.inbound();
      const list = gw.outbound().map((o) => {
        const ins = inbound.filter((i) => i.name === o.name);
        return {
          gwid: o.conn.cid,
          name: o.name,
          sent: { msgs: o.conn.outMsgs, bytes: o.conn.outBytes },
          received: { msgs: ins.reduce((n, i) => n + i.conn.inMsgs, 0), bytes: ins.reduce((n, i) => n + i.conn.inBytes, 0) },
          inbound_connections: ins.length,
        };
      });
      if (list.length > 0) stats.gateways = list;
    }
    return stats;
  }

  // ---- publishing ----------------------------------------------------------------------------

  private send(subject: string, reply: string, body: unknown, account: AccountRef | null = this.account): void {
    if (account === null) return;
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    this.server.deliverMessage(null, account, subject, reply, -1, buf, 0, buf.length);
  }

  /** Sends a message whose `server` block is stamped at send time. */
  private sendWithInfo(subject: string, reply: string, build: (server: ServerInfo) => unknown, account: AccountRef | null = this.account): void {
    this.send(subject, reply, build(this.nextServerInfo()), account);
  }

  private sendStatsz(subject: string): void {
    const statsz = this.statsz();
    this.sendWithInfo(subject, '', (server): ServerStatsMsg => ({ server, statsz }));
  }

  private scheduleStatsz(): void {
    this.statszTimer = setTimeout(() => {
      if (!this.running) return;
      if (this.cstatsz < EVENTS_HB_INTERVAL_MS) this.cstatsz = Math.min(this.cstatsz * 2, EVENTS_HB_INTERVAL_MS);
      this.scheduleStatsz();
      this.sendStatsz(sprintf(SERVER_STATS_SUBJ, this.server.serverId));
    }, this.cstatsz);
    this.statszTimer.unref();
  }

  /** AccountNumConns on the legacy and the new subject (or only to `reply`); re-armed every 30 s while connected. */
  private sendAccConns(acc: AccountRef, reply?: string): void {
    if (!this.running) return;
    const stat = this.tracker.statz(acc);
    const id = this.ids.next();
    const timestamp = rfc3339(Date.now());
    const old = this.connsTimers.get(acc);
    if (old) clearTimeout(old);
    this.connsTimers.delete(acc);
    if (stat.total_conns > 0) {
      const t = setTimeout(() => this.sendAccConns(acc), EVENTS_HB_INTERVAL_MS);
      t.unref();
      this.connsTimers.set(acc, t);
    }
    const subjects = reply ? [reply] : [sprintf(ACC_CONNS_EVENT_SUBJ_OLD, acc.name), sprintf(ACC_CONNS_EVENT_SUBJ_NEW, acc.name)];
    for (const subject of subjects) {
      this.sendWithInfo(subject, '', (server): AccountNumConns => ({ type: ACCOUNT_CONNS_EVENT_TYPE, id, timestamp, server, ...stat }));
    }
  }

  // ---- connection events ---------------------------------------------------------------------

  private clientInfo(c: ClientView, acc: AccountRef, stop: Date | null): ClientInfo {
    const ci: Partial<ClientInfo> = { start: rfc3339(c.start), host: c.host, id: c.cid, acc: acc.name };
    if (c.user) ci.user = c.user;
    if (c.opts.name) ci.name = c.opts.name;
    if (c.opts.lang) ci.lang = c.opts.lang;
    if (c.opts.version) ci.ver = c.opts.version;
    if (stop !== null && c.rtt > 0) ci.rtt = msToNs(c.rtt);
    if (stop !== null) ci.stop = rfc3339(stop);
    if (c.opts.jwt) {
      ci.jwt = c.opts.jwt;
      // An authenticated JWT user (operator mode): its issuer, name and tags (nats-server c.user, c.nameTag, c.tags).
      if (acc.name !== GLOBAL_ACCOUNT && c.user !== undefined) Object.assign(ci, jwtUserInfo(c.opts.jwt));
    }
    ci.kind = 'Client';
    ci.client_type = 'nats';
    return ci as ClientInfo;
  }

  clientConnected(c: ClientView): void {
    if (!this.running) return;
    const acc = this.tracker.accountOf(c) ?? c.account;
    this.installSystemImports(acc);
    // nats-server registers every new connection with the global account before authentication
    // moves it, so each connect also updates $G's count.
    this.sendAccConns(this.server.globalAccount);
    if (acc.name === GLOBAL_ACCOUNT) return;
    this.sendAccConns(acc);
    const id = this.ids.next();
    const timestamp = rfc3339(Date.now());
    const client = this.clientInfo(c, acc, null);
    this.sendWithInfo(sprintf(CONNECT_EVENT_SUBJ, acc.name), '', (server): ConnectEventMsg => ({ type: CONNECT_EVENT_TYPE, id, timestamp, server, client }));
  }

  clientClosed(c: ClientView): void {
    if (!this.running) return;
    const acc = this.tracker.accountOf(c);
    if (acc === undefined || acc.name === GLOBAL_ACCOUNT) return;
    this.sendAccConns(acc);
    const stop = c.stop ?? new Date();
    const id = this.ids.next();
    const client = this.clientInfo(c, acc, stop);
    this.sendWithInfo(sprintf(DISCONNECT_EVENT_SUBJ, acc.name), '', (server): DisconnectEventMsg => ({
      type: DISCONNECT_EVENT_TYPE,
      id,
      timestamp: rfc3339(stop),
      server,
      client,
      sent: { msgs: c.inMsgs, bytes: c.inBytes },
      received: { msgs: c.outMsgs, bytes: c.outBytes },
      reason: c.closeReason ?? '',
    }));
  }

  /** A client failed to authenticate: `$SYS.SERVER.<id>.CLIENT.AUTH.ERR` (a disconnect event). */
  clientAuthFailed(c: ClientView): void {
    if (!this.running) return;
    const stop = new Date();
    const id = this.ids.next();
    const client = this.clientInfo(c, c.account, stop);
    this.sendWithInfo(sprintf(AUTH_ERROR_EVENT_SUBJ, this.server.serverId), '', (server): DisconnectEventMsg => ({
      type: DISCONNECT_EVENT_TYPE,
      id,
      timestamp: rfc3339(stop),
      server,
      client,
      sent: { msgs: c.inMsgs, bytes: c.inBytes },
      received: { msgs: c.outMsgs, bytes: c.outBytes },
      reason: ClosedReason.authFailure,
    }));
  }

  // ---- subscriptions -------------------------------------------------------------------------

  /**
   * An internal subscription whose handler gets the payload copied out. Subscriptions in the
   * system account are advertised (other servers send us their $SYS traffic, as nats-server's
   * system client does); the automatic system imports in other accounts are service imports,
   * answered on this server, and are not.
   */
  private sysSubscribe(subject: string, handler: SysHandler, account: AccountRef | null = this.account): Subscription {
    return account!.addInternalSub({
      subject,
      sid: String(++this.sid),
      advertise: account === this.account,
      handler: (_sub, _from, subj, reply, hdr, buf, start, end) => {
        const payload = Buffer.from(buf.subarray(hdr > 0 ? start + hdr : start, end));
        try {
          handler(subj, reply, payload);
        } catch (e) {
          this.server.logger.error(`System handler for "${subj}" failed: ${(e as Error).message}`);
        }
        return true;
      },
    });
  }

  private unsubscribe(sub: Subscription): void {
    if (sub.closed || this.account === null) return;
    this.account.removeSub(sub);
  }

  private installSubscriptions(): void {
    const id = this.server.serverId;
    this.sysSubscribe(sprintf(INBOX_RESP_SUBJ, this.shash, '*'), (subject, _reply, payload) => {
      const token = subject.slice(subject.lastIndexOf('.') + 1);
      this.replies.get(token)?.(subject, decode(payload));
    });
    this.sysSubscribe(sprintf(ACC_CONNS_EVENT_SUBJ_OLD, '*'), (_s, _r, p) => this.remoteConnsUpdate(p));
    this.sysSubscribe(sprintf(CONNS_RESP_SUBJ, id), (_s, _r, p) => this.remoteConnsUpdate(p));
    this.sysSubscribe(ACC_NUM_SUBS_REQ_SUBJ, (_s, reply, p) => this.nsubs(reply, p));
    this.sysSubscribe(sprintf(SERVER_STATS_SUBJ, '*'), (_s, _r, p) => this.remoteServerUpdate(p));
    this.sysSubscribe(sprintf(SHUTDOWN_EVENT_SUBJ, '*'), (subject) => this.remotes.delete(subject.split('.')[2]));
    this.sysSubscribe(SERVER_STATS_PING_REQ_SUBJ, (_s, reply, p) => this.statszReq(reply, p));
    for (const name of SERVER_SERVICES) {
      const handler = this.serverService(name);
      this.sysSubscribe(sprintf(SERVER_DIRECT_REQ_SUBJ, id, name), handler);
      this.sysSubscribe(sprintf(SERVER_PING_REQ_SUBJ, name), handler);
    }
    for (const name of ACCOUNT_SERVICES) {
      this.sysSubscribe(sprintf(ACC_DIRECT_REQ_SUBJ, '*', name), (subject, reply, p) => this.accountService(name, subject.split('.')[3], reply, p));
    }
    this.sysSubscribe(sprintf(ACC_PING_REQ_SUBJ, 'STATZ'), (_s, reply, p) =>
      this.zReq(reply, p, 'AccountStatzEventOptions', (body) => {
        const opts = R.accountStatzRequest(body);
        const stz = accountStatz(this.server, opts);
        return stz.account_statz.length === 0 && !opts.includeUnused ? SKIP : stz;
      }),
    );
  }

  /**
   * The automatic imports of a non-system account: `$SYS.REQ.ACCOUNT.PING.CONNZ` and
   * `$SYS.REQ.SERVER.PING.CONNZ` answer with connz of that account, `$SYS.REQ.ACCOUNT.PING.STATZ`
   * with its statz. Implemented as internal subscriptions in the importing account whose handler
   * serves the request and replies in that account (no reply mapping through the system account).
   */
  private installSystemImports(acc: AccountRef): void {
    if (this.account === null || acc === this.account || this.importsInstalled.has(acc)) return;
    this.importsInstalled.add(acc);
    const connzHandler: SysHandler = (_s, reply, p) =>
      this.zReq(reply, p, 'ConnzEventOptions', (body) => connz(this.server, { ...R.connzRequest(body), acc: acc.name }), acc);
    this.sysSubscribe(sprintf(ACC_PING_REQ_SUBJ, 'CONNZ'), connzHandler, acc);
    this.sysSubscribe(sprintf(SERVER_PING_REQ_SUBJ, 'CONNZ'), connzHandler, acc);
    this.sysSubscribe(sprintf(ACC_PING_REQ_SUBJ, 'STATZ'), (_s, reply, p) =>
      this.zReq(reply, p, 'AccountStatzEventOptions', (body) => {
        const opts = { ...R.accountStatzRequest(body), accounts: [acc.name] };
        const stz = accountStatz(this.server, opts);
        return stz.account_statz.length === 0 && !opts.includeUnused ? SKIP : stz;
      }, acc),
      acc,
    );
  }

  // ---- request handlers ----------------------------------------------------------------------

  /** Whether this server is filtered out by the request's filter options. */
  private filteredOut(f: EventFilterOptions): boolean {
    const o = this.server.opts;
    if (f.server_name && !this.server.name.includes(f.server_name)) return true;
    if (f.host && !o.host.includes(f.host)) return true;
    if (f.cluster && !(o.cluster?.name ?? '').includes(f.cluster)) return true;
    if (f.tags && f.tags.length > 0) {
      const tags = o.serverTags ?? [];
      if (!f.tags.every((t) => tags.includes(t))) return true;
    }
    if (f.domain) return true;
    return false;
  }

  /** Serves one $SYS.REQ service: `{"server":…,"data":…}` or `{"server":…,"error":{code,description}}`. */
  private zReq(reply: string, payload: Buffer, struct: string, respond: (body: Record<string, unknown>) => unknown, replyAccount: AccountRef | null = this.account): void {
    if (!this.running || reply === '') return;
    // A failing view still leaves `"data": null` in nats-server's answer; a body that does not
    // decode leaves no data key at all.
    let data: unknown;
    let withData = true;
    let error: { code: number; description: string } | undefined;
    try {
      const body = R.parseBody(payload);
      if (payload.length > 0 && this.filteredOut(R.filterOptions(body, struct))) return;
      try {
        data = respond(body);
        if (data === SKIP) return;
      } catch (e) {
        data = null;
        error = { code: 500, description: (e as Error).message };
      }
    } catch (e) {
      withData = false;
      error = { code: 400, description: (e as Error).message };
    }
    this.sendWithInfo(reply, '', (server): ServerAPIResponse => (error ? (withData ? { server, data, error } : { server, error }) : { server, data }), replyAccount);
  }

  private serverService(name: (typeof SERVER_SERVICES)[number]): SysHandler {
    const s = this.server;
    switch (name) {
      case 'STATSZ':
        return (_s, reply, p) => this.statszReq(reply, p);
      case 'VARZ':
        return (_s, reply, p) => this.zReq(reply, p, 'VarzEventOptions', () => varz(s));
      case 'SUBSZ':
        return (_s, reply, p) => this.zReq(reply, p, 'SubszEventOptions', (b) => subsz(s, R.subszRequest(b)));
      case 'CONNZ':
        return (_s, reply, p) => this.zReq(reply, p, 'ConnzEventOptions', (b) => connz(s, R.connzRequest(b)));
      case 'ROUTEZ':
        return (_s, reply, p) => this.zReq(reply, p, 'RoutezEventOptions', (b) => routez(s, R.routezRequest(b)));
      case 'GATEWAYZ':
        return (_s, reply, p) => this.zReq(reply, p, 'GatewayzEventOptions', (b) => gatewayz(s, R.gatewayzRequest(b)));
      case 'LEAFZ':
        return (_s, reply, p) => this.zReq(reply, p, 'LeafzEventOptions', (b) => leafz(s, R.leafzRequest(b)));
      case 'ACCOUNTZ':
        return (_s, reply, p) => this.zReq(reply, p, 'AccountzEventOptions', (b) => accountz(s, R.accountzRequest(b)));
      case 'HEALTHZ':
        return (_s, reply, p) => this.zReq(reply, p, 'HealthzEventOptions', (b) => healthz(s, R.healthzRequest(b)));
    }
  }

  private accountService(name: (typeof ACCOUNT_SERVICES)[number], acc: string, reply: string, p: Buffer): void {
    const s = this.server;
    switch (name) {
      case 'SUBSZ':
        return this.zReq(reply, p, 'SubszEventOptions', (b) => subsz(s, { ...R.subszRequest(b), subs: true, acc }));
      case 'CONNZ':
        return this.zReq(reply, p, 'ConnzEventOptions', (b) => connz(s, { ...R.connzRequest(b), acc }));
      case 'LEAFZ':
        return this.zReq(reply, p, 'LeafzEventOptions', (b) => leafz(s, { ...R.leafzRequest(b), account: acc }));
      case 'INFO':
        return this.zReq(reply, p, 'AccInfoEventOptions', () => accountInfo(s, acc));
      case 'STATZ':
        return this.zReq(reply, p, 'AccountStatzEventOptions', (b) => {
          if (acc === 'PING') return SKIP;
          const opts = { ...R.accountStatzRequest(b), accounts: [acc] };
          const stz = accountStatz(s, opts);
          return stz.account_statz.length === 0 && !opts.includeUnused ? SKIP : stz;
        });
      case 'CONNS': {
        const a = s.accounts.get(acc);
        if (a !== undefined && reply !== '' && this.tracker.numConnections(a) > 0) this.sendAccConns(a, reply);
        return;
      }
    }
  }

  /** `$SYS.REQ.SERVER.PING` / `…PING.STATSZ`: STATSZ to the reply, or on our own subject without one. */
  private statszReq(reply: string, payload: Buffer): void {
    if (!this.running) return;
    const target = reply === '' ? sprintf(SERVER_STATS_SUBJ, this.server.serverId) : reply;
    if (payload.length > 0) {
      try {
        const body = R.parseBody(payload);
        if (this.filteredOut(R.filterOptions(body, 'StatszEventOptions'))) return;
      } catch (e) {
        this.sendWithInfo(target, '', (server): ServerAPIResponse => ({ server, error: { code: 400, description: (e as Error).message } }));
        return;
      }
    }
    this.sendStatsz(target);
  }

  private nsubs(reply: string, payload: Buffer): void {
    if (!this.running || reply === '' || payload.length === 0) return;
    const req = R.nsubsRequest(R.parseBody(payload));
    const acc = this.server.accounts.get(req.acc);
    if (acc === undefined || this.tracker.numConnections(acc) === 0) return;
    let n = 0;
    const counts = (sub: Subscription) => sub.conn !== null && (req.queue === null || sub.queue === req.queue);
    if (isValidLiteralSubject(req.subject)) {
      const r = acc.sublist.match(req.subject);
      if (req.queue === null) for (const sub of r.psubs) if (counts(sub)) n++;
      for (const group of r.qsubs) for (const sub of group) if (counts(sub)) n++;
    } else {
      for (const sub of acc.sublist.all()) if (counts(sub) && subjectIsSubsetOf(sub.subject, req.subject)) n++;
    }
    this.send(reply, '', String(n));
  }

  // ---- remote servers ------------------------------------------------------------------------

  private remoteServerUpdate(payload: Buffer): void {
    const m = decode(payload) as Partial<ServerStatsMsg> | undefined;
    const si = m?.server;
    if (!si || typeof si.id !== 'string' || si.id === this.server.serverId) return;
    this.updateRemoteServer(si);
  }

  private remoteConnsUpdate(payload: Buffer): void {
    const m = decode(payload) as Partial<AccountNumConns> | undefined;
    const si = m?.server;
    if (!si || typeof si.id !== 'string' || si.id === this.server.serverId) return;
    this.updateRemoteServer(si);
  }

  private updateRemoteServer(si: ServerInfo): void {
    const known = this.remotes.get(si.id);
    if (known === undefined) {
      this.remotes.set(si.id, { seq: si.seq, ltime: Date.now() });
      // Announce ourselves to the newcomer.
      if (this.running) this.sendStatsz(sprintf(SERVER_STATS_SUBJ, this.server.serverId));
      return;
    }
    if (si.seq <= known.seq) return;
    known.seq = si.seq;
    known.ltime = Date.now();
  }

  private sweepRemotes(): void {
    const now = Date.now();
    for (const [id, r] of this.remotes) if (now - r.ltime > ORPHAN_MAX_MS) this.remotes.delete(id);
  }
}

/** JSON payloads parsed; anything else as text. */
function decode(payload: Buffer): unknown {
  const text = payload.toString('utf8');
  if (text === '') return '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `issuer_key`, `name_tag` and `tags` of a user JWT (nothing when it does not decode). */
function jwtUserInfo(jwt: string): Partial<ClientInfo> {
  try {
    const u = decodeUserJwt(jwt);
    const out: Partial<ClientInfo> = { issuer_key: u.iss };
    if (u.name) out.name_tag = u.name;
    if (u.nats.tags && u.nats.tags.length > 0) out.tags = [...u.nats.tags];
    return out;
  } catch {
    return {};
  }
}
