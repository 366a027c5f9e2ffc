/**
 * A gateway connection (nats-server client with kind GATEWAY): one TCP link to a server of
 * another cluster. An outbound connection (we solicited it) carries our messages to that
 * cluster and receives its interest (RS+/RS-, A+/A-); an inbound one (it solicited us) carries
 * its messages to us and our interest back. The handshake, message handling and gossip are the
 * module's (`GatewayHost`); the per-account interest the peer sent lives here.
 */
import type { Socket } from 'node:net';
import { hasWildcard, subjectIsSubsetOf } from '@switchboard/shared';
import type { ConnectionHost } from '../core/connection.js';
import { LinkConnection } from '../core/link.js';
import type { Sub } from '../core/subscription.js';
import { ClosedReason } from '../protocol/errors.js';
import { GATEWAY_OPS, type GatewayOpHandler } from '../protocol/gateway-ops.js';
import { InvalidSubjectError } from '../subjects/sublist.js';
import { InInterest, OutInterest, RemoteSub } from './interest.js';

/** What a gateway connection asks of the gateway module (the connection base's host is the server itself). */
export interface GatewayHost {
  processConnect(c: GatewayConnection, json: string): void;
  processInfo(c: GatewayConnection, json: string): void;
  inboundMessage(c: GatewayConnection, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void;
  gatewayClosed(c: GatewayConnection): void;
}

const GW_MAX_PING_INTERVAL = 15_000;

/** Remote gateway config entry: what an outbound connection was made for (set by the module). */
export interface RemoteRef {
  readonly name: string;
  readonly hash: string;
  readonly oldHash: string;
}

export class GatewayConnection extends LinkConnection<GatewayOpHandler> implements GatewayOpHandler {
  readonly kind = 'GATEWAY' as const;
  /** The remote cluster's gateway name (configured for outbound; from CONNECT/INFO for inbound). */
  name: string;
  /** Outbound: the remote it was made for, and the URL dialed (its credentials go in CONNECT). */
  readonly remote: RemoteRef | null;
  readonly url: URL | null;
  /** The peer knows only the legacy `$GR.` reply prefix. */
  useOldPrefix = false;
  /** The peer switches every account to interest-only at once (2.9 `gateway_iom`). */
  interestOnlyMode = false;
  /** Outbound: per account, the interest the peer announced (null entry: A-, no interest at all). */
  readonly outsim = new Map<string, OutInterest | null>();
  /** Outbound: the peer's subscriptions by `account subject[ queue]`. */
  readonly remoteSubs = new Map<string, RemoteSub>();
  /** Inbound: per account, what we told the peer (null entry: we sent A-). */
  readonly insim = new Map<string, InInterest | null>();
  constructor(server: ConnectionHost, private readonly gateways: GatewayHost, cid: number, socket: Socket, remote: RemoteRef | null, url: URL | null, name: string) {
    super(server, cid, socket, GATEWAY_OPS);
    this.remote = remote;
    this.url = url;
    this.name = name;
    this.label = `${this.host}:${this.port} - gid:${cid}`;
  }

  get outbound(): boolean {
    return this.remote !== null;
  }

  protected get kindName(): string {
    return 'Gateway';
  }

  /** Wires the socket; an inbound connection must send CONNECT first. */
  begin(): void {
    this.attachSocket();
    if (!this.outbound) this.parser.requireConnect = true;
  }

  /** Starts keep-alive: PINGs every min(ping_interval, 15 s). */
  startPing(): void {
    this.setPingTimer(this.server.opts.pingInterval);
  }

  /** Gateway PINGs are at most 15 s apart (nats-server gwMaxPingInterval), so a dead link is noticed. */
  protected override setPingTimer(ms: number): void {
    super.setPingTimer(Math.min(ms, GW_MAX_PING_INTERVAL));
  }

  sendLine(line: string): void {
    if (this.closed) return;
    this.trace(`->> [${line}]`);
    this.out.writeLatin1(line + '\r\n');
    this.scheduleFlush();
  }

  /** One RMSG/HMSG (`queues`: "q1 q2" or ''), headers dropped for a peer without header support. */
  sendMsg(account: string, subject: string, reply: string, queues: string, hdr: number, buf: Buffer, start: number, end: number): void {
    if (this.closed) return;
    const hmsg = hdr > 0 && this.headers;
    const from = hdr > 0 && !hmsg ? start + hdr : start;
    let line = `${hmsg ? 'HMSG' : 'RMSG'} ${account} ${subject} `;
    if (queues.length > 0) line += reply.length > 0 ? `+ ${reply} ${queues} ` : `| ${queues} `;
    else if (reply.length > 0) line += `${reply} `;
    if (hmsg) line += `${hdr} `;
    line += `${end - from}\r\n`;
    this.out.writeLatin1(line);
    this.out.writeBytes(buf, from, end);
    this.out.writeLatin1('\r\n');
    this.outMsgs++;
    this.outBytes += end - from;
    if (this.server.logger.isTrace) this.trace(`->> [${line.slice(0, -2)}]`);
    this.scheduleFlush();
  }

  /** Gateways own no subscriptions in account sublists: nothing is delivered to them that way. */
  deliver(_sub: Sub, _subject: string, _reply: string, _hdr: number, _buf: Buffer, _start: number, _end: number): boolean {
    return false;
  }

  protected onClosed(): void {
    this.gateways.gatewayClosed(this);
  }

  // ---- parser handlers ---------------------------------------------------------------------

  protected connectArrived(json: string): void {
    this.gateways.processConnect(this, json);
  }

  protected infoArrived(json: string): void {
    this.gateways.processInfo(this, json);
  }

  onMsg(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    this.inMsgs++;
    this.inBytes += end - start;
    if (this.server.logger.isTrace) this.trace(`<<- [${hdr >= 0 ? 'HMSG' : 'RMSG'} ${this.parser.msg.account} ${subject} ${reply} ${end - start}]`);
    this.gateways.inboundMessage(this, subject, reply, hdr, buf, start, end);
  }

  /** RS+ on an outbound connection (nats-server processGatewayRSub). */
  onRemoteSub(account: string, subject: string, queue: string | null, weight: number): void {
    if (this.server.logger.isTrace) this.trace(`<<- [RS+ ${account} ${subject}${queue !== null ? ` ${queue} ${weight}` : ''}]`);
    if (!this.outbound) return this.inboundViolation('RS+');
    let e = this.outsim.get(account) ?? null;
    let useSl: boolean;
    let fresh = false;
    if (e !== null) useSl = queue !== null || e.mode !== 'Optimistic';
    else if (queue === null) return;
    else {
      e = new OutInterest();
      fresh = true;
      useSl = true;
    }
    if (useSl) {
      const key = queue === null ? `${account} ${subject}` : `${account} ${subject} ${queue}`;
      if (this.remoteSubs.has(key)) return;
      const sub = new RemoteSub(subject, queue, weight);
      try {
        e.sl.insert(sub);
      } catch (err) {
        if (err instanceof InvalidSubjectError) return;
        throw err;
      }
      this.remoteSubs.set(key, sub);
      if (queue !== null) e.qsubs++;
      if (fresh) this.outsim.set(account, e);
    } else if (e.ni !== null) {
      if (hasWildcard(subject)) {
        for (const k of e.ni) if (subjectIsSubsetOf(k, subject)) e.ni.delete(k);
      } else e.ni.delete(subject);
    }
  }

  /** RS- on an outbound connection (nats-server processGatewayRUnsub). */
  onRemoteUnsub(account: string, subject: string, queue: string | null): void {
    if (this.server.logger.isTrace) this.trace(`<<- [RS- ${account} ${subject}${queue !== null ? ` ${queue}` : ''}]`);
    if (!this.outbound) return this.inboundViolation('RS-');
    const e = this.outsim.get(account) ?? null;
    if (e === null) {
      if (queue !== null) return;
      // Optimistic mode: the peer has no interest in this subject.
      const ne = new OutInterest();
      ne.ni!.add(subject);
      this.outsim.set(account, ne);
      return;
    }
    if (queue !== null || e.mode !== 'Optimistic') {
      const key = queue === null ? `${account} ${subject}` : `${account} ${subject} ${queue}`;
      const sub = this.remoteSubs.get(key);
      if (sub === undefined) return;
      e.sl.remove(sub);
      this.remoteSubs.delete(key);
      if (queue !== null) e.qsubs--;
      if (e.sl.size === 0 && e.mode === 'Optimistic' && (e.ni === null || e.ni.size === 0)) this.outsim.delete(account);
    } else if (e.ni !== null) e.ni.add(subject);
  }

  /** A+: the peer has interest in the account again (nats-server processGatewayAccountSub). */
  onAccountSub(account: string): void {
    this.trace(`<<- [A+ ${account}]`);
    if (!this.outbound) return this.inboundViolation('A+');
    if (!this.outsim.has(account)) return;
    const e = this.outsim.get(account)!;
    if (e !== null && e.qsubs > 0) return;
    this.outsim.delete(account);
  }

  /** A-: the peer has no interest at all in the account (nats-server processGatewayAccountUnsub). */
  onAccountUnsub(account: string): void {
    this.trace(`<<- [A- ${account}]`);
    if (!this.outbound) return this.inboundViolation('A-');
    const had = this.outsim.has(account);
    const e = this.outsim.get(account) ?? null;
    if (e !== null) {
      if (e.qsubs > 0) {
        e.ni = new Set();
        return;
      }
    } else if (had) return;
    this.outsim.set(account, null);
  }

  private inboundViolation(op: string): void {
    this.server.logger.error(`${this.label} - Received ${op} from gateway on inbound connection`);
    this.close(ClosedReason.protocolViolation);
  }
}
