/**
 * The monitoring module: the records the views need beyond the live server — closed
 * connections (connz state=closed), per-account connection bookkeeping (accstatz, accountz,
 * the $SYS CONNS events) and HTTP request counts (varz `http_req_stats`). It keeps them from
 * the client connect/close hooks.
 */
import type { AccountStat } from '@switchboard/shared';
import type { AccountRef, BrokerModule, ClientView, GatewayStatus, ServerView } from '../contracts/index.js';
import { ClosedReason } from '../protocol/errors.js';

/** The server as the monitoring views read it: the core's view plus this module's records. */
export interface MonitoredServer extends ServerView {
  readonly monitor: MonitorModule;
  /** The gateway subsystem (null without a gateway block). */
  readonly gateways?: GatewayStatus | null;
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

/** Closed connections kept for /connz?state=closed (nats-server keeps 10 000 too). */
const CLOSED_HISTORY = 10_000;

interface Totals {
  inMsgs: number;
  inBytes: number;
  outMsgs: number;
  outBytes: number;
  slowConsumers: number;
}

interface AccountEntry {
  /** Open, CONNECTed clients bound to the account. */
  readonly clients: Set<ClientView>;
  /** Counters of the account's closed clients. */
  readonly closed: Totals;
  /** When the account was first seen (accountz `update_time`). */
  readonly updated: Date;
}

/**
 * Per-account connection bookkeeping for accstatz, accountz and the CONNS events: which clients
 * are bound to which account, and the counters of the account's closed clients.
 */
export class AccountTracker {
  private readonly entries = new Map<AccountRef, AccountEntry>();
  private readonly boundTo = new WeakMap<ClientView, AccountRef>();

  constructor(private readonly server: ServerView) {}

  private entry(acc: AccountRef, updated = new Date()): AccountEntry {
    let e = this.entries.get(acc);
    if (e === undefined) {
      e = { clients: new Set(), closed: { inMsgs: 0, inBytes: 0, outMsgs: 0, outBytes: 0, slowConsumers: 0 }, updated };
      this.entries.set(acc, e);
    }
    return e;
  }

  /** Accounts that exist at start count as updated at the config's load time. */
  seedAccounts(): void {
    for (const acc of this.server.accounts.values()) this.entry(acc, this.server.configLoadTime);
  }

  add(c: ClientView): void {
    if (this.boundTo.has(c)) return;
    this.boundTo.set(c, c.account);
    this.entry(c.account).clients.add(c);
  }

  remove(c: ClientView): void {
    const acc = this.boundTo.get(c);
    if (acc === undefined) return;
    const e = this.entry(acc);
    if (!e.clients.delete(c)) return;
    e.closed.inMsgs += c.inMsgs;
    e.closed.inBytes += c.inBytes;
    e.closed.outMsgs += c.outMsgs;
    e.closed.outBytes += c.outBytes;
    if (c.closeReason === ClosedReason.slowConsumerPending || c.closeReason === ClosedReason.slowConsumerWriteDeadline) e.closed.slowConsumers++;
  }

  /** The account a counted client is bound to. */
  accountOf(c: ClientView): AccountRef | undefined {
    return this.boundTo.get(c);
  }

  /** Local client connections of `acc`. */
  numConnections(acc: AccountRef): number {
    return this.entries.get(acc)?.clients.size ?? 0;
  }

  /** Open clients bound to `acc`. */
  clientsOf(acc: AccountRef): Iterable<ClientView> {
    return this.entries.get(acc)?.clients ?? [];
  }

  updateTime(acc: AccountRef): Date {
    return this.entry(acc).updated;
  }

  /** Accounts with at least one local connection. */
  activeAccounts(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.clients.size > 0) n++;
    return n;
  }

  /**
   * Account statistics: `received` is what the account's clients published, `sent` what was
   * delivered to them (live plus closed clients).
   */
  statz(acc: AccountRef): AccountStat {
    const e = this.entry(acc);
    const t = { ...e.closed };
    for (const c of e.clients) {
      t.inMsgs += c.inMsgs;
      t.inBytes += c.inBytes;
      t.outMsgs += c.outMsgs;
      t.outBytes += c.outBytes;
    }
    const conns = e.clients.size;
    return {
      acc: acc.name,
      conns,
      leafnodes: 0,
      total_conns: conns,
      sent: { msgs: t.outMsgs, bytes: t.outBytes },
      received: { msgs: t.inMsgs, bytes: t.inBytes },
      slow_consumers: t.slowConsumers,
    };
  }
}

export class MonitorModule implements BrokerModule {
  readonly name = 'monitor';
  readonly tracker: AccountTracker;
  /** Closed connections, oldest first. */
  readonly closed: ClosedClientInfo[] = [];
  private readonly httpStats = new Map<string, number>();

  constructor(server: ServerView) {
    this.tracker = new AccountTracker(server);
  }

  start(): void {
    this.tracker.seedAccounts();
  }

  clientConnected(c: ClientView): void {
    this.tracker.add(c);
  }

  clientClosed(c: ClientView): void {
    if (this.closed.length >= CLOSED_HISTORY) this.closed.shift();
    const subs = [...c.subs.values()];
    this.closed.push({
      cid: c.cid,
      host: c.host,
      port: c.port,
      start: c.start,
      stop: c.stop ?? new Date(),
      reason: c.closeReason ?? '',
      name: c.opts.name,
      lang: c.opts.lang,
      version: c.opts.version,
      account: c.account.name,
      user: c.user,
      inMsgs: c.inMsgs,
      outMsgs: c.outMsgs,
      inBytes: c.inBytes,
      outBytes: c.outBytes,
      rtt: c.rtt,
      subscriptions: subs.map((s) => s.subject),
      lastActivity: new Date(c.lastActivity),
      subsDetail: subs.map((s) => ({ subject: s.subject, queue: s.queue, sid: s.sid, msgs: s.nm, max: s.max })),
    });
    this.tracker.remove(c);
  }

  /** Counts one HTTP request to a monitoring path (reported by varz `http_req_stats`). */
  recordHttpRequest(path: string): void {
    this.httpStats.set(path, (this.httpStats.get(path) ?? 0) + 1);
  }

  httpRequestStats(): Record<string, number> {
    return Object.fromEntries(this.httpStats);
  }
}

/** Counts one HTTP request to a monitoring path (the console's HTTP layer calls this). */
export function recordHttpRequest(server: MonitoredServer, path: string): void {
  server.monitor.recordHttpRequest(path);
}
