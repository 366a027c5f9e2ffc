/**
 * Messages and interest across gateways (nats-server gateway.go): the cluster's interest tally
 * and what it tells inbound peers (RS+/RS-, A+/A-, the switch to interest-only), the forwarding
 * of messages that entered here to outbound peers (queue geo-affinity, `_GR_.` reply mapping),
 * and the handling of messages arriving from a peer.
 */
import { hasWildcard, subjectIsSubsetOf } from '@switchboard/shared';
import type { Subscription } from '../contracts/index.js';
import type { Account } from '../core/account.js';
import type { Connection } from '../core/connection.js';
import type { RemoteForwarder } from '../core/delivery.js';
import type { Server } from '../core/server.js';
import { Sublist } from '../subjects/sublist.js';
import type { GatewayClusterLink } from './cluster-link.js';
import type { GatewayConnection } from './connection.js';
import { GW_SUBJECT_OFFSET, OLD_GW_SUBJECT_OFFSET, gwHash, isGwRoutedReply, isOldGwRoutedReply } from './hash.js';
import { InInterest, type OutInterest } from './interest.js';

/** Knobs nats-server keeps as package variables (tests change them). */
export const gatewayTuning = {
  /** RS- sent for one account before it is switched to interest-only. */
  maxRUnsubBeforeSwitch: 1000,
  /**
   * 2.9 behaviour: announce `gateway_iom` and switch every account to interest-only as soon as
   * an inbound registers. Off: the optimistic mode of older servers (only the system account
   * starts interest-only); for tests of the switch.
   */
  forceInterestOnly: true,
  /** How long a new subscription makes replies to it travel as `_GR_.` (ms). */
  recentSubExpiration: 2000,
};

/** Per account: `subject` or `subject queue` → number of local subscriptions. */
interface Tally {
  n: number;
  q: boolean;
}

/** What the router needs of the gateway module. */
export interface GatewayLinks {
  readonly gatewayName: string;
  /** Outbound connections, lowest RTT first. */
  readonly outo: readonly GatewayConnection[];
  readonly inbounds: ReadonlyMap<number, GatewayConnection>;
}

interface ReplyMapping {
  routed: string;
  exp: number;
}

export class GatewayRouter implements RemoteForwarder {
  /** Cluster-wide interest by account (nats-server `pasi`): local subscriptions, not gateway ones. */
  readonly tally = new Map<string, Map<string, Tally>>();
  readonly replyPrefix: string;
  readonly oldReplyPrefix: string;
  readonly clusterHash: string;
  readonly serverHash: string;
  /** Subscriptions created in the last 2 s per account: replies to them are sent as `_GR_.`. */
  private readonly recentSubs = new Map<Account, Sublist<Subscription>>();
  /** Replies that came as `_GR_.…`, by account and plain reply: a response goes straight back. */
  private readonly replyMap = new Map<Account, Map<string, ReplyMapping>>();
  private sweeper: NodeJS.Timeout | null = null;
  /** The other servers of this cluster (routes), when clustered. */
  link: GatewayClusterLink | null = null;

  constructor(
    private readonly server: Server,
    private readonly links: GatewayLinks,
    oldHash: string,
  ) {
    this.clusterHash = gwHash(links.gatewayName);
    this.serverHash = gwHash(server.serverId);
    this.replyPrefix = `_GR_.${this.clusterHash}.${this.serverHash}.`;
    this.oldReplyPrefix = `$GR.${oldHash}.`;
  }

  shutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  // ---- interest we announce (inbound side) -------------------------------------------------

  /** A local subscription was added or removed (the interest seam). */
  interestChanged(account: Account, sub: Subscription, added: boolean): void {
    const accName = account.name;
    if (added && gatewayTuning.forceInterestOnly) {
      // Accounts created after an inbound registered are switched on their first subscription.
      for (const c of this.links.inbounds.values()) if (c.registered) this.ensureInterestOnly(c, accName);
    }
    const key = sub.queue === null ? sub.subject : `${sub.subject} ${sub.queue}`;
    let st = this.tally.get(accName);
    if (st === undefined) {
      if (!added) return;
      st = new Map();
      this.tally.set(accName, st);
    }
    let first = false;
    let last = false;
    const e = st.get(key);
    if (e === undefined) {
      if (!added) return;
      st.set(key, { n: 1, q: sub.queue !== null });
      first = true;
    } else {
      e.n += added ? 1 : -1;
      if (e.n <= 0) {
        st.delete(key);
        last = true;
        if (st.size === 0) this.tally.delete(accName);
      }
    }
    // Internal subscriptions too (a service export's `_R_.` responses): nats-server tracks every sub with a client.
    this.trackRecent(account, sub, added);
    if (!first && !last) return;
    if (sub.queue !== null) this.sendQueueSubOrUnsub(accName, sub, first);
    else this.maybeSendSubOrUnsub(accName, sub, first);
  }

  /** Plain subscription: RS+/RS- to inbound peers in interest-only mode, or clearing an RS-/A- (nats-server maybeSendSubOrUnsubToGateways). */
  private maybeSendSubOrUnsub(accName: string, sub: Subscription, added: boolean): void {
    const subject = sub.subject;
    const wc = hasWildcard(subject);
    for (const c of this.links.inbounds.values()) {
      if (!c.registered) continue;
      const has = c.insim.has(accName);
      const e = c.insim.get(accName) ?? null;
      if (e !== null) {
        let send = false;
        if (e.ni !== null && added) {
          if (wc) {
            for (const s of e.ni) {
              if (subjectIsSubsetOf(s, subject)) {
                e.ni.delete(s);
                send = true;
              }
            }
          } else if (e.ni.delete(subject)) send = true;
        } else if (e.mode === 'Interest-Only') send = true;
        if (send) c.sendLine(`${added ? 'RS+' : 'RS-'} ${accName} ${subject}`);
      } else if (added && has) {
        // We had sent A-: a first subscription clears it.
        c.insim.delete(accName);
        c.sendLine(`A+ ${accName}`);
      }
    }
  }

  /** Queue interest is always sent: RS+ on the group's first member, RS- on its last. */
  private sendQueueSubOrUnsub(accName: string, sub: Subscription, added: boolean): void {
    const line = added ? `RS+ ${accName} ${sub.subject} ${sub.queue} 1` : `RS- ${accName} ${sub.subject} ${sub.queue}`;
    for (const c of this.links.inbounds.values()) {
      if (!c.registered) continue;
      if (added && c.insim.has(accName) && c.insim.get(accName) === null) c.insim.delete(accName);
      c.sendLine(line);
    }
  }

  /** On a new inbound: every queue group of every account. */
  sendQueueSubs(c: GatewayConnection): void {
    for (const [accName, st] of this.tally) {
      for (const [key, t] of st) if (t.q) c.sendLine(`RS+ ${accName} ${key} 1`);
    }
  }

  /** Switches `accName` to interest-only towards `c` unless it already is (or is switching). */
  ensureInterestOnly(c: GatewayConnection, accName: string): void {
    let e = c.insim.get(accName) ?? null;
    if (e === null) {
      e = new InInterest(null);
      c.insim.set(accName, e);
    }
    if (e.mode === 'Optimistic') this.switchToSendAllSubs(c, e, accName);
  }

  /**
   * Tells the peer it gets every plain subscription of the account from now on: INFO
   * gateway_cmd 2, an RS+ per subscription, INFO gateway_cmd 3 (nats-server gatewaySwitchAccountToSendAllSubs).
   */
  private switchToSendAllSubs(c: GatewayConnection, e: InInterest, accName: string): void {
    e.ni = null;
    e.mode = 'Transitioning';
    c.debug(`Gateway "${c.name}": switching account "${accName}" to Interest-Only mode`);
    c.sendLine(`INFO ${commandInfo(this.links.gatewayName, 2, accName)}`);
    const st = this.tally.get(accName);
    if (st !== undefined) for (const [key, t] of st) if (!t.q) c.sendLine(`RS+ ${accName} ${key}`);
    c.sendLine(`INFO ${commandInfo(this.links.gatewayName, 3, accName)}`);
    e.mode = 'Interest-Only';
    c.debug(`Gateway "${c.name}": switching account "${accName}" to Interest-Only mode complete`);
  }

  /** A message for an account we do not know or that has no subscription: A- (once). */
  private accountNoInterest(c: GatewayConnection, accName: string): void {
    const st = this.tally.get(accName);
    if (st !== undefined && st.size > 0) return;
    this.sendAccountUnsub(c, accName);
  }

  private sendAccountUnsub(c: GatewayConnection, accName: string): void {
    const sent = c.insim.has(accName);
    if (c.insim.get(accName) !== null || !sent) {
      c.insim.set(accName, null);
      c.sendLine(`A- ${accName}`);
    }
  }

  /** No plain subscription for the subject: RS- (once), switching past the threshold; A- for an account without any subscription. */
  private subjectNoInterest(c: GatewayConnection, acc: Account, subject: string): void {
    const accName = acc.name;
    if (acc.sublist.size === 0 && acc.responseSub === null) {
      this.sendAccountUnsub(c, accName);
      return;
    }
    let e = c.insim.get(accName) ?? null;
    if (e === null) {
      e = new InInterest(new Set([subject]));
      c.insim.set(accName, e);
      c.sendLine(`RS- ${accName} ${subject}`);
      return;
    }
    if (e.ni === null || e.ni.has(subject)) return;
    if (e.ni.size >= gatewayTuning.maxRUnsubBeforeSwitch) this.switchToSendAllSubs(c, e, accName);
    else {
      e.ni.add(subject);
      c.sendLine(`RS- ${accName} ${subject}`);
    }
  }

  // ---- messages that arrive from a peer ----------------------------------------------------

  /** nats-server processInboundGatewayMsg: deliver to local subscribers (listed queue groups only); prune with RS-/A-. */
  inboundMessage(c: GatewayConnection, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    const m = c.parser.msg;
    const accName = m.account;
    const queues = m.queues;
    if (this.handleGatewayReply(c, accName, subject, reply, hdr, buf, start, end)) return;
    const acc = this.server.accounts.get(accName);
    if (acc === undefined) {
      this.accountNoInterest(c, accName);
      return;
    }
    if (!subject.startsWith('_R_.')) {
      // Service-import subscriptions are served on the requester's server: they are no interest here.
      const psubs = acc.sublist.match(subject).psubs;
      let noInterest = true;
      for (let i = 0; i < psubs.length; i++) {
        const s = psubs[i];
        if (s.conn !== null || s.advertise) {
          noInterest = false;
          break;
        }
      }
      if (noInterest) {
        this.subjectNoInterest(c, acc, subject);
        if (queues === null || queues.length === 0) return;
      }
    }
    let plainReply = reply;
    if (reply.length > 0) {
      if (isGwRoutedReply(reply)) plainReply = this.trackReply(acc, reply, GW_SUBJECT_OFFSET);
      else if (isOldGwRoutedReply(reply)) plainReply = this.trackReply(acc, reply, OLD_GW_SUBJECT_OFFSET);
    }
    // Routes get the reply as it came (the route peer strips and tracks it for its own clients).
    this.server.delivery.deliver(c, acc, subject, plainReply, hdr, buf, start, end, false, queues, plainReply === reply ? null : reply);
  }

  /**
   * A routed message (from a server of this cluster) on a `_GR_.` subject, or with a `_GR_.`
   * reply (a request a gateway brought in). The first is a reply that a server of this cluster
   * passed on to its origin, us: delivered as from the gateway. The second reaches our clients
   * with the plain reply, remembered so a response goes back across. Returns whether it was one.
   */
  routedMessage(r: Connection, acc: Account, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number, queues: string[] | null): boolean {
    const s0 = subject.charCodeAt(0);
    if ((s0 === 95 || s0 === 36) && (isGwRoutedReply(subject) || isOldGwRoutedReply(subject))) {
      const real = this.ownReplySubject(subject);
      if (real !== null) this.deliverReply(acc, real, reply, hdr, buf, start, end);
      return true;
    }
    if (reply.length === 0) return false;
    let plain: string;
    if (isGwRoutedReply(reply)) plain = this.trackReply(acc, reply, GW_SUBJECT_OFFSET);
    else if (isOldGwRoutedReply(reply)) plain = this.trackReply(acc, reply, OLD_GW_SUBJECT_OFFSET);
    else return false;
    this.server.delivery.deliver(r, acc, subject, plain, hdr, buf, start, end, false, queues);
    return true;
  }

  /**
   * A message on `_GR_.<cluster>.<server>.<subject>`: a reply coming home. Dropped unless the
   * cluster hash is ours; delivered locally under the plain subject, then offered to other
   * gateways that want it (nats-server handleGatewayReply). Returns whether it was one.
   */
  private handleGatewayReply(c: GatewayConnection, accName: string, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): boolean {
    if (!isGwRoutedReply(subject) && !isOldGwRoutedReply(subject)) return false;
    const real = this.ownReplySubject(subject);
    if (real === null) return true;
    const acc = this.server.accounts.get(accName);
    if (acc === undefined) {
      this.accountNoInterest(c, accName);
      return true;
    }
    // The requester is on another server of this cluster: the reply goes to it as it came.
    if (this.link !== null && subject.charCodeAt(0) === 95) {
      const srv = subject.slice(12, 18);
      if (srv !== this.serverHash) {
        const route = this.link.routeByIdHash(srv);
        if (route !== undefined && route.registered) {
          route.deliverRemote(accName, subject, reply, '', hdr, buf, start, end);
          return true;
        }
      }
    }
    this.deliverReply(acc, real, reply, hdr, buf, start, end);
    return true;
  }

  /** The subject inside a `_GR_.`/`$GR.` reply meant for this cluster; null for another cluster's (dropped). */
  private ownReplySubject(subject: string): string | null {
    if (isGwRoutedReply(subject)) return subject.slice(5, 11) === this.clusterHash ? subject.slice(GW_SUBJECT_OFFSET) : null;
    return subject.slice(4, 8) === this.oldReplyPrefix.slice(4, 8) ? subject.slice(OLD_GW_SUBJECT_OFFSET) : null;
  }

  /**
   * A reply that made it home: delivered in this cluster (plain and queue subscribers, over
   * routes too) and then offered to the gateways that want the real subject, except a
   * service-import response (nats-server handleGatewayReply, processed locally).
   */
  private deliverReply(acc: Account, real: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    this.server.delivery.deliver(null, acc, real, reply, hdr, buf, start, end, real.startsWith('_R_.'));
  }

  /** Remembers that `plain` came as `routed` (for 2 s): a publish to it goes straight back. Returns the plain reply. */
  private trackReply(acc: Account, routed: string, offset: number): string {
    const plain = routed.slice(offset);
    let m = this.replyMap.get(acc);
    if (m === undefined) {
      m = new Map();
      this.replyMap.set(acc, m);
    }
    m.set(plain, { routed, exp: Date.now() + gatewayTuning.recentSubExpiration });
    this.startSweeper();
    return plain;
  }

  private trackRecent(acc: Account, sub: Subscription, added: boolean): void {
    let sl = this.recentSubs.get(acc);
    if (added) {
      if (sl === undefined) {
        sl = new Sublist<Subscription>({ cache: false });
        this.recentSubs.set(acc, sl);
      }
      try {
        sl.insert(sub);
      } catch {
        return;
      }
      const list = sl;
      setTimeout(() => {
        list.remove(sub);
        if (list.size === 0 && this.recentSubs.get(acc) === list) this.recentSubs.delete(acc);
      }, gatewayTuning.recentSubExpiration).unref();
    } else if (sl !== undefined) {
      sl.remove(sub);
      if (sl.size === 0) this.recentSubs.delete(acc);
    }
  }

  private startSweeper(): void {
    if (this.sweeper !== null) return;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [acc, m] of this.replyMap) {
        for (const [k, v] of m) if (v.exp <= now) m.delete(k);
        if (m.size === 0) this.replyMap.delete(acc);
      }
      if (this.replyMap.size === 0 && this.sweeper !== null) {
        clearInterval(this.sweeper);
        this.sweeper = null;
      }
    }, 1000);
    this.sweeper.unref();
  }

  // ---- messages that entered here (outbound side) ------------------------------------------

  /** The core's hook after local delivery: only messages that entered on this server go to gateways. */
  forward(from: Connection | null, account: Account, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number, localQueues: string[] | null): boolean {
    if (this.links.outo.length === 0) return false;
    if (from !== null && from.kind !== 'CLIENT') return false;
    if (this.replyMap.size > 0) {
      const mapped = this.replyMap.get(account)?.get(subject);
      if (mapped !== undefined && mapped.exp > Date.now()) subject = mapped.routed;
    }
    return this.forwardMessage(account, subject, reply, hdr, buf, start, end, localQueues, from);
  }

  /** nats-server sendMsgToGateways. A link whose queue grows stalls the publishing client, or is cut past max_pending. */
  forwardMessage(account: Account, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number, localQueues: string[] | null, from: Connection | null = null): boolean {
    const gws = this.links.outo;
    if (gws.length === 0 || subject.length === 0) return false;
    const accName = account.name;
    let dstHash: string | null = null;
    let old = false;
    if (isGwRoutedReply(subject)) dstHash = subject.slice(5, 11);
    else if (isOldGwRoutedReply(subject)) {
      dstHash = subject.slice(4, 8);
      old = true;
    }
    let groups: string[] | null = localQueues;
    let mreply: string | null = null;
    let sent = false;
    for (let i = 0; i < gws.length; i++) {
      const c = gws[i];
      let queues = '';
      if (dstHash !== null) {
        const r = c.remote!;
        if ((old ? r.oldHash : r.hash) !== dstHash) continue;
      } else {
        // Plain interest and queue groups the peer announced for this account/subject.
        const has = c.outsim.has(accName);
        const e: OutInterest | null = c.outsim.get(accName) ?? null;
        if (has && e === null) continue;
        let psi = !has && !c.interestOnlyMode;
        if (e !== null) {
          if (!c.interestOnlyMode && e.ni !== null && !e.ni.has(subject)) psi = true;
          if (e.ni === null || e.qsubs > 0) {
            const r = e.sl.match(subject);
            if (r.psubs.length > 0) psi = true;
            for (let g = 0; g < r.qsubs.length; g++) {
              const q = r.qsubs[g][0].queue!;
              if (groups !== null && groups.includes(q)) continue;
              (groups ??= []).push(q);
              queues = queues.length === 0 ? q : `${queues} ${q}`;
            }
          }
        }
        if (!psi && queues.length === 0) continue;
      }
      if (mreply === null) {
        mreply = reply;
        if (reply.length > 0 && this.shouldMapReply(account, reply)) mreply = (c.useOldPrefix ? this.oldReplyPrefix : this.replyPrefix) + reply;
      }
      c.sendMsg(accName, subject, mreply, queues, hdr, buf, start, end);
      sent = true;
      if (c.pendingBytes > this.server.stallAt && !c.checkSlowConsumer() && from !== null) from.stallOn(c);
    }
    return sent;
  }

  /** A reply to a subscription made in the last 2 s travels as `_GR_.…` (the peer may not have its interest yet). */
  private shouldMapReply(account: Account, reply: string): boolean {
    const sl = this.recentSubs.get(account);
    if (sl === undefined || sl.size === 0) return false;
    const r = sl.match(reply);
    return r.psubs.length + r.qsubs.length > 0;
  }
}

/** The INFO of a gateway command (nats-server marshals an otherwise empty Info: its non-omitempty keys appear with zero values). */
export function commandInfo(gateway: string, cmd: number, account: string | null, urls?: string[], serverId = ''): string {
  const info: Record<string, unknown> = {
    server_id: serverId,
    server_name: '',
    version: '',
    proto: 0,
    go: '',
    host: '',
    port: 0,
    headers: false,
    max_payload: 0,
    gateway,
  };
  if (urls && urls.length > 0) info.gateway_urls = urls;
  info.gateway_cmd = cmd;
  if (account !== null) info.gateway_cmd_payload = Buffer.from(account).toString('base64');
  return JSON.stringify(info);
}
