/**
 * A route: a connection to another server of the cluster (nats-server's ROUTER client kind).
 * The connection base gives it the socket, outbound buffering, keepalive and slow-consumer
 * handling; this class adds the route op table's handlers and the RMSG/HMSG framing. The
 * cluster module (cluster.ts) decides the handshake, registration and interest.
 */
import type { Socket } from 'node:net';
import type { RouteView } from '../contracts/index.js';
import type { Account } from '../core/account.js';
import type { ConnectionHost } from '../core/connection.js';
import type { Delivery } from '../core/delivery.js';
import { LinkConnection } from '../core/link.js';
import { Sub } from '../core/subscription.js';
import { putInt, putLatin1 } from '../core/outbound.js';
import { ERR, ClosedReason } from '../protocol/errors.js';
import { InvalidSubjectError } from '../subjects/sublist.js';
import { ROUTE_OPS, routedArgs, type RouteOpHandler, type RoutedMsgArgs } from './route-ops.js';
import type { RouteInfoMessage, SubjectPermissionJson } from './info.js';

/** What a route needs of the cluster module (the connection base's host is the server itself). */
export interface RouteHost {
  readonly delivery: Delivery;
  /** An existing account (routes never create accounts: a static resolver drops unknown ones). */
  lookupAccount(name: string): Account | undefined;
  /** The account a peer's RS+ names: as lookupAccount, but kept (registered empty) when accounts are resolved later. */
  accountForInterest(name: string): Account | undefined;
  /** Whether our cluster `export` permission lets the peer's interest in `subject` in. */
  canExport(subject: string): boolean;
  onRouteConnect(r: RouteConnection, json: string): void;
  onRouteInfo(r: RouteConnection, info: RouteInfoMessage): void;
  onRouteClosed(r: RouteConnection): void;
  /** Set when gateways run: routed messages on or replying to `_GR_.` subjects are theirs. */
  readonly routedReplies: RoutedReplyHandler | null;
}

/** Takes a routed message whose subject or reply is a gateway-routed reply; returns whether it did. */
export interface RoutedReplyHandler {
  routedMessage(r: RouteConnection, account: Account, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number, queues: string[] | null): boolean;
}

export class RouteConnection extends LinkConnection<RouteOpHandler> implements RouteOpHandler, RouteView {
  readonly kind = 'ROUTER' as const;
  override readonly isRemote = true;
  /** Interest the peer registered here, by `account subject[ queue]`. */
  readonly subs = new Map<string, Sub>();
  /** The peer's route URL, for reconnecting (`nats-route://[user:pass@]host:port`). */
  url = '';
  isConfigured = false;
  /** Reconnect to `url` when this closes, even though it was accepted (duplicate-route resolution). */
  retry = false;
  /** Closed on purpose (duplicate, self, name conflict): do not reconnect from it. */
  noReconnect = false;
  connectUrls: string[] = [];
  gatewayUrl = '';
  remoteImport: SubjectPermissionJson | undefined;
  remoteExport: SubjectPermissionJson | undefined;
  /** The peer's INFO as received at registration (gossiped to the other routes). */
  info: RouteInfoMessage | null = null;
  authTimer: NodeJS.Timeout | null = null;

  private readonly msgArgs: RoutedMsgArgs;
  private lastAccount: Account | undefined;
  constructor(
    server: ConnectionHost,
    private readonly cluster: RouteHost,
    cid: number,
    socket: Socket,
    readonly didSolicit: boolean,
  ) {
    super(server, cid, socket, ROUTE_OPS);
    this.msgArgs = routedArgs(this.parser);
    this.parser.headers = true;
    this.label = `${this.host}:${this.port} - rid:${cid}`;
  }

  protected get kindName(): string {
    return 'Route';
  }

  /** Wires the socket and sends the first protocol lines (INFO, or CONNECT then INFO). */
  begin(first: Buffer[]): void {
    this.attachSocket();
    for (const b of first) this.enqueue(b);
    this.flush();
  }

  /** Starts keepalive once registered: first PING after a second, then every ping_interval. */
  startPings(): void {
    this.setPingTimer(1000);
  }

  protected override clearTimers(): void {
    super.clearTimers();
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
  }

  protected onClosed(): void {
    for (const sub of this.subs.values()) this.removeSub(sub);
    this.subs.clear();
    this.cluster.onRouteClosed(this);
  }

  // ---- parser handlers ---------------------------------------------------------------------

  protected connectArrived(json: string): void {
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    this.cluster.onRouteConnect(this, json);
  }

  protected infoArrived(json: string): void {
    let info: RouteInfoMessage;
    try {
      info = JSON.parse(json) as RouteInfoMessage;
    } catch {
      this.server.logger.error(`${this.label} - Route Error invalid INFO`);
      this.close(ClosedReason.parseError);
      return;
    }
    this.cluster.onRouteInfo(this, info);
  }

  onRemoteSub(accountName: string, subject: string, queue: string | null, weight: number): void {
    if (this.server.logger.isTrace) this.trace(`<<- [RS+ ${accountName} ${subject}${queue === null ? '' : ` ${queue} ${weight}`}]`);
    const account = this.cluster.accountForInterest(accountName);
    if (account === undefined) {
      this.debug(`Unknown account "${accountName}" for subject "${subject}"`);
      return;
    }
    if (!this.cluster.canExport(subject)) return;
    const key = queue === null ? `${accountName} ${subject}` : `${accountName} ${subject} ${queue}`;
    const existing = this.subs.get(key);
    if (existing !== undefined) {
      if (queue !== null) existing.qw = weight;
      return;
    }
    const sub = new Sub(this, subject, queue, key, null, false, false);
    sub.qw = queue === null ? 1 : weight;
    try {
      account.addSub(sub);
    } catch (e) {
      if (e instanceof InvalidSubjectError) {
        this.sendErr(ERR.invalidSubscription);
        return;
      }
      throw e;
    }
    this.subs.set(key, sub);
  }

  onRemoteUnsub(accountName: string, subject: string, queue: string | null): void {
    if (this.server.logger.isTrace) this.trace(`<<- [RS- ${accountName} ${subject}${queue === null ? '' : ` ${queue}`}]`);
    const key = queue === null ? `${accountName} ${subject}` : `${accountName} ${subject} ${queue}`;
    const sub = this.subs.get(key);
    if (sub === undefined) return;
    this.subs.delete(key);
    this.removeSub(sub);
  }

  private removeSub(sub: Sub): void {
    if (sub.closed) return;
    const sp = sub.sid.indexOf(' ');
    const account = this.cluster.lookupAccount(sub.sid.slice(0, sp));
    if (account !== undefined) account.removeSub(sub);
  }

  /** RMSG / HMSG / LMSG: delivered to this server's local subscriptions only (one hop). */
  onMsg(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    this.inMsgs++;
    this.inBytes += end - start;
    const m = this.msgArgs;
    if (this.server.logger.isTrace) this.trace(`<<- [RMSG ${m.account} ${subject}${reply ? ' ' + reply : ''}${m.queues ? ' ' + m.queues.join(' ') : ''} ${end - start}]`);
    let account = this.lastAccount;
    if (account === undefined || account.name !== m.account) {
      account = this.cluster.lookupAccount(m.account);
      if (account === undefined) {
        this.debug(`Unknown account "${m.account}" for routed message on subject "${subject}"`);
        return;
      }
      this.lastAccount = account;
    }
    const gw = this.cluster.routedReplies;
    if (gw !== null && gw.routedMessage(this, account, subject, reply, hdr, buf, start, end, m.queues)) return;
    this.cluster.delivery.deliver(this, account, subject, reply, hdr, buf, start, end, false, m.queues);
  }

  // ---- outbound ----------------------------------------------------------------------------

  /** Delivery reaches a route through `deliverRemote` (one copy per route), never per subscription. */
  deliver(): boolean {
    return false;
  }

  /** Queues one RMSG (HMSG when headers are present and both sides speak them). */
  override deliverRemote(account: string, subject: string, reply: string, queues: string, hdr: number, buf: Buffer, start: number, end: number): boolean {
    if (this.closed || !this.registered) return false;
    const withHdr = hdr > 0 && this.headers;
    const from = hdr > 0 && !withHdr ? start + hdr : start;
    const size = end - from;
    const out = this.out;
    out.ensure(account.length + subject.length + reply.length + queues.length + 40 + size);
    const b = out.buf;
    let o = out.len;
    b[o++] = withHdr ? 72 : 82; // H / R
    b[o++] = 77; // M
    b[o++] = 83; // S
    b[o++] = 71; // G
    b[o++] = 32;
    o = putLatin1(b, o, account);
    b[o++] = 32;
    o = putLatin1(b, o, subject);
    b[o++] = 32;
    if (queues.length > 0) {
      if (reply.length > 0) {
        b[o++] = 43; // +
        b[o++] = 32;
        o = putLatin1(b, o, reply);
      } else b[o++] = 124; // |
      b[o++] = 32;
      o = putLatin1(b, o, queues);
      b[o++] = 32;
    } else if (reply.length > 0) {
      o = putLatin1(b, o, reply);
      b[o++] = 32;
    }
    if (withHdr) {
      o = putInt(b, o, hdr);
      b[o++] = 32;
    }
    o = putInt(b, o, size);
    b[o++] = 13;
    b[o++] = 10;
    if (size < 64) for (let i = from; i < end; i++) b[o++] = buf[i];
    else o += buf.copy(b, o, from, end);
    b[o++] = 13;
    b[o++] = 10;
    out.len = o;
    this.outMsgs++;
    this.outBytes += size;
    if (this.server.logger.isTrace) this.trace(`->> [${withHdr ? 'HMSG' : 'RMSG'} ${account} ${subject} ${queues.length > 0 ? (reply ? `+ ${reply} ` : '| ') + queues + ' ' : reply ? reply + ' ' : ''}${size}]`);
    this.scheduleFlush();
    return true;
  }

  /** Queues protocol text (RS+/RS-/INFO lines). */
  sendProto(line: string): void {
    if (this.closed) return;
    this.out.writeLatin1(line);
    this.scheduleFlush();
  }
}

