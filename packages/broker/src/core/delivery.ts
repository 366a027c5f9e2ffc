import type { Account } from './account.js';
import type { Connection } from './connection.js';
import type { Sub } from './subscription.js';

/**
 * Passes a message that entered on this server on to other servers after local delivery
 * (gateways: nats-server sendMsgToGateways). Set on `Delivery.forwarder` by the module that
 * owns those connections; the core calls it and knows nothing more.
 */
export interface RemoteForwarder {
  /**
   * `localQueues` names the queue groups served in this cluster (a local member, or a route's
   * member), which are not offered to other clusters; null when none. Returns whether any
   * other server received it.
   */
  forward(from: Connection | null, account: Account, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number, localQueues: string[] | null): boolean;
}

/**
 * Delivery (nats-server processMsgResults): a message published in an account goes to every
 * matching plain subscription and to one member of each queue group. Subscriptions owned by a
 * remote connection (a route) are collected into one copy per connection carrying the queue
 * groups picked for it (nats-server addSubToRouteTargets). The hot path: no allocation here,
 * and no module hook per message.
 */
export class Delivery {
  /** Producers stall when a subscriber's queue passes this: min(max_pending / 2, 8 MB). */
  stallAt: number;
  /** Other clusters' share of a message (gateways), after delivery in this cluster; null without any. */
  forwarder: RemoteForwarder | null = null;
  /** Set by deliverToGroup when it handed the group to a route (served in this cluster). */
  private routedGroup = false;

  /**
   * Remote targets of the messages being delivered, as a stack: a nested delivery (an import
   * handler re-publishing) pushes its own targets above the caller's and pops them before
   * returning. Reused arrays: no allocation per message.
   */
  private readonly rtConns: Connection[] = [];
  private readonly rtQueues: string[] = [];
  private rtTop = 0;

  constructor(maxPending: number) {
    this.stallAt = stallMark(maxPending);
  }

  setMaxPending(maxPending: number): void {
    this.stallAt = stallMark(maxPending);
  }

  /**
   * Delivers a message published by `from` (null for the server's own messages) in `account`.
   * A subscription owned by a connection gets a frame queued on that connection; an internal
   * subscription (imports, system handlers) gets a handler call. With `noForward`, import
   * subscriptions and other servers are skipped (a message that came through a stream import
   * goes no further).
   * Returns whether anything received it.
   *
   * A message from a remote connection (`from.isRemote`) follows the one-hop rule: it reaches
   * local subscriptions only; queue groups are served only when named in `queues` (the
   * routed message's queue list), preferring local members. A message from a gateway reaches
   * this cluster (local and route subscriptions) and, with `queues`, only the groups listed.
   * Messages that entered here (clients, internal) are then offered to the forwarder (gateways).
   * `routeReply`, when given, is the reply routes get instead of `reply` (a gateway message's
   * `_GR_.` reply: clients see it without the prefix, the route peer strips it itself).
   */
  deliver(from: Connection | null, account: Account, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number, noForward = false, queues: readonly string[] | null = null, routeReply: string | null = null): boolean {
    const r = account.sublist.match(subject);
    const psubs = r.psubs;
    const qsubs = r.qsubs;
    const fwd = noForward ? null : this.forwarder;
    if (psubs.length === 0 && qsubs.length === 0) return fwd !== null ? fwd.forward(from, account, subject, reply, hdr, buf, start, end, null) : false;
    const noEcho = from !== null && from.noEcho;
    const fromRemote = from !== null && from.isRemote;
    const fromGateway = from !== null && from.kind === 'GATEWAY';
    // A routed message (one hop) or one passed on by a stream import (to the importer's own
    // clients, as nats-server's shadow subscriptions) goes to no other server.
    const localOnly = fromRemote || noForward;
    const base = this.rtTop;
    let delivered = false;
    for (let i = 0; i < psubs.length; i++) {
      const sub = psubs[i];
      const c = sub.conn as Connection | null;
      if (c === null) {
        if (sub.handler !== null && !(noForward && sub.forwards) && sub.handler(sub, from, subject, reply, hdr, buf, start, end)) delivered = true;
        continue;
      }
      if (c.isRemote) {
        if (!localOnly) this.addTarget(base, c, null);
        continue;
      }
      if (noEcho && c === from) continue;
      if (c.deliver(sub, subject, reply, hdr, buf, start, end)) {
        delivered = true;
        if (from !== null && c.pendingBytes > this.stallAt) this.backpressure(from, c);
      }
    }
    // A routed or gateway message without a queue list serves no queue group.
    let served: string[] | null = null;
    if (qsubs.length > 0 && ((!fromRemote && !fromGateway) || queues !== null)) {
      for (let g = 0; g < qsubs.length; g++) {
        const members = qsubs[g];
        if (fromRemote) {
          if (!queues!.includes(members[0].queue!)) continue;
          if (this.deliverRoutedToGroup(members, from, base, subject, reply, hdr, buf, start, end, noForward)) delivered = true;
          continue;
        }
        if (fromGateway && !queues!.includes(members[0].queue!)) continue;
        this.routedGroup = false;
        if (this.deliverToGroup(members, from, noEcho, base, subject, reply, hdr, buf, start, end, noForward)) {
          delivered = true;
          if (fwd !== null) (served ??= []).push(members[0].queue!);
        } else if (fwd !== null && this.routedGroup) (served ??= []).push(members[0].queue!);
      }
    }
    if (this.rtTop > base) {
      const accName = account.name;
      const rr = routeReply ?? reply;
      for (let i = base; i < this.rtTop; i++) {
        const c = this.rtConns[i];
        if (c.deliverRemote(accName, subject, rr, this.rtQueues[i], hdr, buf, start, end)) {
          delivered = true;
          if (from !== null && c.pendingBytes > this.stallAt) this.backpressure(from, c);
        }
      }
      this.rtTop = base;
    }
    if (fwd !== null && fwd.forward(from, account, subject, reply, hdr, buf, start, end, served)) delivered = true;
    return delivered;
  }

  /** Adds (or extends with a queue name) the copy for remote connection `c` among this delivery's targets. */
  private addTarget(base: number, c: Connection, queue: string | null): void {
    for (let i = base; i < this.rtTop; i++) {
      if (this.rtConns[i] === c) {
        if (queue !== null) this.rtQueues[i] = this.rtQueues[i].length === 0 ? queue : `${this.rtQueues[i]} ${queue}`;
        return;
      }
    }
    const i = this.rtTop++;
    this.rtConns[i] = c;
    this.rtQueues[i] = queue ?? '';
  }

  /**
   * One member of a queue group, for a message of this server's own clients: a member is picked
   * at random, a remote member counting as many times as its weight (the members it stands
   * for, as nats-server's sublist shadows it), then the next ones while a local member cannot take it.
   */
  private deliverToGroup(members: Sub[], from: Connection | null, noEcho: boolean, base: number, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number, noForward: boolean): boolean {
    const n = members.length;
    let first = 0;
    if (n > 1) {
      let total = 0;
      for (let k = 0; k < n; k++) total += members[k].qw;
      let pick = Math.floor(Math.random() * total);
      while (pick >= members[first].qw) pick -= members[first++].qw;
    }
    for (let k = 0; k < n; k++) {
      const sub = members[(first + k) % n];
      const c = sub.conn as Connection | null;
      if (c === null) {
        if (sub.handler !== null && !(noForward && sub.forwards) && sub.handler(sub, from, subject, reply, hdr, buf, start, end)) return true;
        continue;
      }
      if (c.isRemote) {
        if (c === from || noForward) continue;
        this.addTarget(base, c, sub.queue);
        this.routedGroup = true;
        return false;
      }
      if (noEcho && c === from) continue;
      if (c.deliver(sub, subject, reply, hdr, buf, start, end)) {
        if (from !== null && c.pendingBytes > this.stallAt) this.backpressure(from, c);
        return true;
      }
    }
    return false;
  }

  /**
   * A routed message for a queue group named in its queue list: a local member (random start);
   * when none takes it, the first remote member gets it (nats-server's
   * fallback when the member it was routed for just left).
   */
  private deliverRoutedToGroup(members: Sub[], from: Connection | null, base: number, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number, noForward: boolean): boolean {
    const n = members.length;
    let remote: Sub | null = null;
    const first = n === 1 ? 0 : Math.floor(Math.random() * n);
    for (let k = 0; k < n; k++) {
      const sub = members[(first + k) % n];
      const c = sub.conn as Connection | null;
      if (c === null) {
        if (sub.handler !== null && !(noForward && sub.forwards) && sub.handler(sub, from, subject, reply, hdr, buf, start, end)) return true;
        continue;
      }
      if (c.isRemote) {
        if (remote === null) remote = sub;
        continue;
      }
      if (c.deliver(sub, subject, reply, hdr, buf, start, end)) {
        if (from !== null && c.pendingBytes > this.stallAt) this.backpressure(from, c);
        return true;
      }
    }
    if (remote !== null) this.addTarget(base, remote.conn as Connection, remote.queue);
    return false;
  }

  /**
   * A subscriber's queue is long: cut it if over max_pending, else slow the producer down. A
   * connection publishing to its own subscription stalls itself too (nats-server's readLoop
   * waits on its own stall channel): it stops being read until its peer reads what it was sent.
   */
  private backpressure(producer: Connection, consumer: Connection): void {
    if (consumer.checkSlowConsumer()) return;
    // Only clients are stalled (nats-server): pausing a route or gateway would hold up a whole
    // cluster's traffic. A client publishing to its own subscription stalls itself too.
    if (producer.kind === 'CLIENT') producer.stallOn(consumer);
  }
}

function stallMark(maxPending: number): number {
  return Math.min(maxPending / 2, 8 * 1024 * 1024);
}
