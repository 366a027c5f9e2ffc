import type { AccountStat } from '@switchboard/shared';
import type { Account } from '../accounts/account.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { ClosedReason } from '../protocol/errors.js';

interface Totals {
  inMsgs: number;
  inBytes: number;
  outMsgs: number;
  outBytes: number;
  slowConsumers: number;
}

interface AccountEntry {
  /** Open, CONNECTed clients bound to the account. */
  readonly clients: Set<Client>;
  /** Counters of the account's closed clients. */
  readonly closed: Totals;
  /** When the account was first seen (accountz `update_time`). */
  readonly updated: Date;
}

/**
 * Per-account connection bookkeeping for accstatz, accountz and the CONNS events: which clients
 * are bound to which account, and the counters of the account's closed clients. One per server,
 * created on first use; it picks up clients that connected before it existed.
 */
export class AccountTracker {
  private readonly entries = new Map<Account, AccountEntry>();
  private readonly boundTo = new WeakMap<Client, Account>();

  constructor(private readonly server: Server) {
    for (const acc of server.accounts.values()) this.entry(acc, server.configLoadTime);
    for (const c of server.clients.values()) if (c.connectReceived && !c.closed) this.add(c);
    server.on('client:connect', (c: Client) => this.add(c));
    server.on('client:close', (c: Client) => this.remove(c));
  }

  private entry(acc: Account, updated = new Date()): AccountEntry {
    let e = this.entries.get(acc);
    if (e === undefined) {
      e = { clients: new Set(), closed: { inMsgs: 0, inBytes: 0, outMsgs: 0, outBytes: 0, slowConsumers: 0 }, updated };
      this.entries.set(acc, e);
    }
    return e;
  }

  private add(c: Client): void {
    if (this.boundTo.has(c)) return;
    this.boundTo.set(c, c.account);
    this.entry(c.account).clients.add(c);
  }

  private remove(c: Client): void {
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
  accountOf(c: Client): Account | undefined {
    return this.boundTo.get(c);
  }

  /** Local client connections of `acc`. */
  numConnections(acc: Account): number {
    return this.entries.get(acc)?.clients.size ?? 0;
  }

  /** Open clients bound to `acc`. */
  clientsOf(acc: Account): Iterable<Client> {
    return this.entries.get(acc)?.clients ?? [];
  }

  updateTime(acc: Account): Date {
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
  statz(acc: Account): AccountStat {
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

const trackers = new WeakMap<Server, AccountTracker>();

/** The server's tracker (created, and attached to its connection events, on first use). */
export function accountTracker(server: Server): AccountTracker {
  let t = trackers.get(server);
  if (t === undefined) {
    t = new AccountTracker(server);
    trackers.set(server, t);
  }
  return t;
}

const httpStats = new WeakMap<Server, Map<string, number>>();

/** Counts one HTTP request to a monitoring path (reported by varz `http_req_stats`). */
export function recordHttpRequest(server: Server, path: string): void {
  let m = httpStats.get(server);
  if (m === undefined) {
    m = new Map();
    httpStats.set(server, m);
  }
  m.set(path, (m.get(path) ?? 0) + 1);
}

export function httpRequestStats(server: Server): Record<string, number> {
  return Object.fromEntries(httpStats.get(server) ?? []);
}
