import type { Account } from './account.js';
import type { Connection } from './connection.js';
import type { Sub } from './subscription.js';

/**
 * Local delivery (nats-server processMsgResults): a message published in an account goes to
 * every matching plain subscription and to one member of each queue group. The hot path: no
 * allocation here, and no module hook per message.
 */
export class Delivery {
  /** Producers stall when a subscriber's queue passes this: min(max_pending / 2, 8 MB). */
  stallAt: number;

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
   * subscriptions are skipped (a message that came through a stream import goes no further).
   * Returns whether anything received it.
   *
   * Subscriptions of other servers (route and gateway connections, later) are to be collected
   * here, per remote connection, into one copy carrying the queue names picked for it
   * (nats-server addSubToRouteTargets), instead of one frame per subscription.
   */
  deliver(from: Connection | null, account: Account, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number, noForward = false): boolean {
    const r = account.sublist.match(subject);
    const psubs = r.psubs;
    const qsubs = r.qsubs;
    if (psubs.length === 0 && qsubs.length === 0) return false;
    const noEcho = from !== null && from.noEcho;
    let delivered = false;
    for (let i = 0; i < psubs.length; i++) {
      const sub = psubs[i];
      const c = sub.conn as Connection | null;
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
      if (this.deliverToGroup(qsubs[g], from, noEcho, subject, reply, hdr, buf, start, end, noForward)) delivered = true;
    }
    return delivered;
  }

  /** One member of a queue group, starting at a random one and moving on while members cannot take it. */
  private deliverToGroup(members: Sub[], from: Connection | null, noEcho: boolean, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number, noForward: boolean): boolean {
    const n = members.length;
    const first = n === 1 ? 0 : Math.floor(Math.random() * n);
    for (let k = 0; k < n; k++) {
      const sub = members[(first + k) % n];
      const c = sub.conn as Connection | null;
      if (c === null) {
        if (sub.handler !== null && !(noForward && sub.forwards) && sub.handler(sub, from, subject, reply, hdr, buf, start, end)) return true;
        continue;
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
   * A subscriber's queue is long: cut it if over max_pending, else slow the producer down. A
   * connection publishing to its own subscription stalls itself too (nats-server's readLoop
   * waits on its own stall channel): it stops being read until its peer reads what it was sent.
   */
  private backpressure(producer: Connection, consumer: Connection): void {
    if (consumer.checkSlowConsumer()) return;
    producer.stallOn(consumer);
  }
}

function stallMark(maxPending: number): number {
  return Math.min(maxPending / 2, 8 * 1024 * 1024);
}
