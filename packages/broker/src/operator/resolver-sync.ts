/**
 * A directory resolver talking to the other servers of its cluster through the system account
 * (nats-server 2.9.10 accounts.go `Server.fetch` and the pack sync of `DirAccResolver.Start`):
 *
 * - remote lookup: an account missing locally is asked for on
 *   `$SYS.REQ.ACCOUNT.<acc>.CLAIMS.LOOKUP` with a reply inbox of ours; the first answer holding
 *   an account JWT for that account wins and is stored (`saveIfNewer`); no answer within the
 *   resolver's `timeout` fails with nats-server's `fetching jwt timed out`. Servers that do not
 *   hold the JWT stay silent, so an unknown account always runs into the timeout;
 * - pack sync (full resolver only): every `interval` our store hash goes out on
 *   `$SYS.REQ.CLAIMS.PACK` (to the `responder` queue group, so one server answers); a server
 *   whose hash differs answers `pubkey|jwt` messages and an empty end marker, and each message
 *   is merged, keeping the newer JWT of an account (by `iat`).
 *
 * Replies come to one wildcard subscription `$SYS._INBOX.<id>.*` of this resolver: the last
 * token `pack` carries pack replies, any other token one pending lookup.
 */
import { randomBytes } from 'node:crypto';
import type { AccountRef, ServerView, Subscription } from '../contracts/index.js';
import { decodeAccountJwt } from '../jwt/claims.js';
import type { DirJwtStore } from '../jwt/dir-store.js';
import { RESOLVER_SUBJECTS, dirMergePackReply } from '../jwt/sys-handlers.js';

const LOOKUP_SUBJECT = (account: string): string => RESOLVER_SUBJECTS.lookup.replace('*', account);
const PACK_TOKEN = 'pack';

interface PendingLookup {
  account: string;
  resolve: (jwt: string) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class ResolverSync {
  /** `$SYS._INBOX.<random>`: this resolver's reply prefix, unique per server run. */
  readonly inboxPrefix = `$SYS._INBOX.${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x')}`;
  private readonly pending = new Map<string, PendingLookup>();
  private readonly inboxSub: Subscription;
  private seq = 0;
  private ticker: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly server: ServerView,
    private readonly sys: AccountRef,
    private readonly store: DirJwtStore,
  ) {
    this.inboxSub = sys.addInternalSub({
      subject: `${this.inboxPrefix}.*`,
      sid: 'resolver:inbox',
      advertise: true,
      handler: (_s, _from, subject, _reply, hdr, buf, start, end) => {
        const payload = buf.subarray(hdr > 0 ? start + hdr : start, end).toString('utf8');
        this.onReply(subject.slice(this.inboxPrefix.length + 1), payload);
        return true;
      },
    });
  }

  private publish(subject: string, reply: string, body: Buffer): void {
    this.server.deliverMessage(null, this.sys, subject, reply, -1, body, 0, body.length);
  }

  private onReply(token: string, payload: string): void {
    if (token === PACK_TOKEN) {
      const r = dirMergePackReply(this.store, payload);
      if (r.log) this.server.logger[r.log.level](r.log.message);
      return;
    }
    const p = this.pending.get(token);
    if (!p || payload === '') return;
    // Only an account JWT for the account asked for is taken; another answer may still come.
    try {
      if (decodeAccountJwt(payload).sub !== p.account) throw new Error('subject does not match the account looked up');
    } catch (e) {
      this.server.logger.debug(`Lookup reply for ${p.account} ignored: ${(e as Error).message}`);
      return;
    }
    this.finish(token);
    p.resolve(payload);
  }

  private finish(token: string): void {
    const p = this.pending.get(token);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(token);
  }

  /** Whether `reply` is one of this resolver's reply subjects (a request this server sent). */
  ownsReply(reply: string): boolean {
    return reply.length > this.inboxPrefix.length && reply.startsWith(this.inboxPrefix) && reply.charCodeAt(this.inboxPrefix.length) === 46;
  }

  /** Asks the cluster for `account`'s JWT (the `RemoteLookup` of a `DirResolver`); the caller stores it. */
  lookup(account: string, timeoutMs: number): Promise<string> {
    if (this.closed) return Promise.reject(new Error('eventing shut down'));
    const token = `${++this.seq}`;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.finish(token);
        reject(new Error('fetching jwt timed out'));
      }, timeoutMs);
      timer.unref();
      this.pending.set(token, { account, resolve, reject, timer });
      this.publish(LOOKUP_SUBJECT(account), `${this.inboxPrefix}.${token}`, Buffer.alloc(0));
    });
  }

  /** Sends our store hash to the pack responders now. */
  requestPack(): void {
    if (this.closed) return;
    const hash = this.store.hash();
    this.server.logger.debug(`Checking store state: ${hash.toString('hex')}`);
    this.publish(RESOLVER_SUBJECTS.pack, `${this.inboxPrefix}.${PACK_TOKEN}`, hash);
  }

  /** Full resolver: a pack request every `intervalMs` (the first one interval after start, as nats-server's ticker). */
  startPackSync(intervalMs: number): void {
    if (this.ticker || this.closed) return;
    this.ticker = setInterval(() => this.requestPack(), intervalMs);
    this.ticker.unref();
  }

  /** Stops the ticker, fails pending lookups with nats-server's shutdown error, drops the inbox. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    for (const [token, p] of [...this.pending]) {
      this.finish(token);
      p.reject(new Error('fetching jwt failed due to shutdown'));
    }
    this.sys.removeSub(this.inboxSub);
  }
}
