/**
 * The interest this server advertises to its peers (nats-server updateRouteSubscriptionMap):
 * per account, a count of local subscriptions by `subject` or `subject queue` — clients and
 * advertised internal subscriptions, never another server's. Plain subjects: RS+ on 0→1, RS-
 * on 1→0. Queue groups: RS+ with the new weight (local members) on every change, RS- at 0.
 */
import type { AccountRef } from '../contracts/index.js';

interface Interest {
  subject: string;
  queue: string | null;
  n: number;
}

export class AdvertisedInterest {
  private readonly byAccount = new Map<string, Map<string, Interest>>();

  /** Counts the sublists as they are (at start). */
  rebuild(accounts: Iterable<AccountRef>): void {
    this.byAccount.clear();
    for (const account of accounts) {
      for (const sub of account.sublist.all()) this.count(account.name, sub.subject, sub.queue, sub.advertise, sub.conn, 1);
    }
  }

  /** Counts a subscription in (+1) or out (-1); returns the RS+/RS- line peers must get, or null. */
  count(accName: string, subject: string, queue: string | null, advertise: boolean, conn: { kind: string } | null, delta: number): string | null {
    if (!advertise || (conn !== null && conn.kind !== 'CLIENT')) return null;
    let m = this.byAccount.get(accName);
    if (m === undefined) this.byAccount.set(accName, (m = new Map()));
    const key = queue === null ? subject : `${subject} ${queue}`;
    let e = m.get(key);
    if (delta > 0) {
      if (e === undefined) m.set(key, (e = { subject, queue, n: 0 }));
      e.n++;
      if (queue === null) return e.n === 1 ? `RS+ ${accName} ${subject}\r\n` : null;
      return `RS+ ${accName} ${subject} ${queue} ${e.n}\r\n`;
    }
    if (e === undefined) return null;
    e.n--;
    if (e.n <= 0) {
      m.delete(key);
      return queue === null ? `RS- ${accName} ${subject}\r\n` : `RS- ${accName} ${subject} ${queue}\r\n`;
    }
    return queue === null ? null : `RS+ ${accName} ${subject} ${queue} ${e.n}\r\n`;
  }

  /** Every entry as RS+ lines (subjects `allowed` only), for a route that just registered. */
  lines(allowed: (subject: string) => boolean): string {
    const out: string[] = [];
    for (const [acc, m] of this.byAccount) {
      for (const e of m.values()) {
        if (!allowed(e.subject)) continue;
        out.push(e.queue === null ? `RS+ ${acc} ${e.subject}\r\n` : `RS+ ${acc} ${e.subject} ${e.queue} ${e.n}\r\n`);
      }
    }
    return out.join('');
  }
}
