/*
 * The broker's internal client for the console's message tools: publish, request and subscribe
 * inside any account, as a client of that account would, without a socket. Messages go through
 * the same delivery as a client's PUB (`ServerView.deliverMessage`, `from` null: the server's
 * own), subscriptions are internal ones placed through `AccountRef.addInternalSub` (so they pass
 * the interest seam and are advertised to routes and gateways like a client's: a tail sees what is
 * published anywhere in the cluster, and replies find their way back).
 *
 * No limits here beyond the server's max_payload: the caller (the console) decides how often it
 * may publish and how much of a subscription it passes on. A subscription callback gets a view of
 * the message that is valid during the call only; `decode()` copies out what it keeps, so a
 * message the caller drops costs no copy.
 */
import { randomBytes } from 'node:crypto';
import { isValidPublishSubject, isValidSubject } from '@switchboard/shared';
import type { AccountRef, BrokerModule, ServerView, Subscription } from '../contracts/index.js';
import { decodeHeaders, encodeHeaders, headerError, type HeaderList } from './headers.js';

const EMPTY = Buffer.alloc(0);

export type MessageToolErrorCode = 'UNKNOWN_ACCOUNT' | 'INVALID_SUBJECT' | 'INVALID_HEADER' | 'PAYLOAD_TOO_LARGE' | 'NOT_RUNNING';

/** A refused publish, request or subscription, with a code the caller can map. */
export class MessageToolError extends Error {
  constructor(
    readonly code: MessageToolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MessageToolError';
  }
}

export interface OutboundMessage {
  reply?: string;
  headers?: HeaderList;
  payload: Buffer | string;
}

/** A message copied out of the delivery path. */
export interface ReceivedMessage {
  subject: string;
  reply: string;
  /** Status code of the header block (`503`: no responders), '' when none. */
  status: string;
  description: string;
  headers: Array<[string, string]>;
  /** The payload, cut at the `maxPayload` given to decode(). */
  payload: Buffer;
  /** Payload bytes of the whole message. */
  size: number;
  /** Header block bytes (0 without headers). */
  headerSize: number;
  /** The payload was cut. */
  truncated: boolean;
}

/** A delivered message as a subscription callback sees it; valid only during the call. */
export interface MessageView {
  readonly subject: string;
  readonly reply: string;
  /** Payload bytes (headers not counted). */
  readonly size: number;
  /** Copies the message out, its payload cut at `maxPayload` bytes (default: all of it). */
  decode(maxPayload?: number): ReceivedMessage;
}

export type RequestOutcome =
  | { outcome: 'reply'; latencyMs: number; message: ReceivedMessage }
  | { outcome: 'no-responders'; latencyMs: number }
  | { outcome: 'timeout'; latencyMs: number };

/** The one view object of a subscription, refilled for each message (no allocation per message). */
class View implements MessageView {
  subject = '';
  reply = '';
  hdr = -1;
  buf: Buffer = EMPTY;
  start = 0;
  end = 0;

  get size(): number {
    return this.end - this.start - Math.max(0, this.hdr);
  }

  decode(maxPayload = Infinity): ReceivedMessage {
    const hdr = Math.max(0, this.hdr);
    const h = hdr > 0 ? decodeHeaders(this.buf, this.start, this.start + hdr) : { status: '', description: '', headers: [] };
    const from = this.start + hdr;
    const size = this.end - from;
    const kept = Math.min(size, maxPayload);
    return {
      subject: this.subject,
      reply: this.reply,
      ...h,
      payload: Buffer.from(this.buf.subarray(from, from + kept)),
      size,
      headerSize: hdr,
      truncated: kept < size,
    };
  }
}

export class MessageTools implements BrokerModule {
  readonly name = 'messages';
  private sid = 0;
  private readonly prefix = `_INBOX.${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}.`;
  private seq = 0;
  /** Every subscription placed and not yet removed (removed at shutdown). */
  private readonly subs = new Map<Subscription, AccountRef>();
  /** Requests waiting for their reply: ended (as a timeout) at shutdown. */
  private readonly pending = new Set<() => void>();

  constructor(private readonly server: ServerView) {}

  /** Subscriptions the tools hold now (tests check that a stopped tail leaves none). */
  get subscriptionCount(): number {
    return this.subs.size;
  }

  /** Publishes into `account`. Returns whether anything received the message. */
  publish(account: string, subject: string, msg: OutboundMessage): boolean {
    const acc = this.account(account);
    if (!isValidPublishSubject(subject)) throw new MessageToolError('INVALID_SUBJECT', `invalid publish subject "${subject}" (no wildcards, no empty tokens, no spaces)`);
    if (msg.reply !== undefined && msg.reply !== '' && !isValidPublishSubject(msg.reply)) throw new MessageToolError('INVALID_SUBJECT', `invalid reply subject "${msg.reply}"`);
    const [buf, hdr] = this.frame(msg);
    return this.server.deliverMessage(null, acc, subject, msg.reply ?? '', hdr, buf, 0, buf.length);
  }

  /**
   * A request: a reply subscription of its own, the message, then the first reply, or
   * `no-responders` when nothing received the request, or `timeout` after `timeoutMs`.
   */
  request(account: string, subject: string, msg: Omit<OutboundMessage, 'reply'>, timeoutMs: number, maxReplyPayload = Infinity): Promise<RequestOutcome> {
    const acc = this.account(account);
    if (!isValidPublishSubject(subject)) throw new MessageToolError('INVALID_SUBJECT', `invalid publish subject "${subject}" (no wildcards, no empty tokens, no spaces)`);
    const [buf, hdr] = this.frame(msg);
    const inbox = this.prefix + String(++this.seq);
    return new Promise<RequestOutcome>((resolve) => {
      let sub: Subscription | null = null;
      let done = false;
      const began = performance.now();
      const elapsed = () => Math.round((performance.now() - began) * 1000) / 1000;
      const finish = (r: RequestOutcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.pending.delete(onShutdown);
        if (sub !== null) this.remove(sub);
        resolve(r);
      };
      const onShutdown = () => finish({ outcome: 'timeout', latencyMs: elapsed() });
      const timer = setTimeout(onShutdown, timeoutMs);
      this.pending.add(onShutdown);
      sub = this.place(acc, inbox, (m) => {
        const latencyMs = elapsed();
        const message = m.decode(maxReplyPayload);
        // A 503 status without payload is a no-responders answer (from another server's client side).
        if (message.status === '503' && message.size === 0) finish({ outcome: 'no-responders', latencyMs });
        else finish({ outcome: 'reply', latencyMs, message });
      });
      // A responder inside the server (an internal handler) may answer before deliver returns.
      const delivered = this.server.deliverMessage(null, acc, subject, inbox, hdr, buf, 0, buf.length);
      if (!delivered) finish({ outcome: 'no-responders', latencyMs: elapsed() });
    });
  }

  /**
   * Subscribes in `account` to `subject` (wildcards allowed). `onMessage` gets a view valid
   * during the call only. Returns the unsubscribe function (idempotent).
   */
  subscribe(account: string, subject: string, onMessage: (m: MessageView) => void): () => void {
    const acc = this.account(account);
    if (!isValidSubject(subject)) throw new MessageToolError('INVALID_SUBJECT', `invalid subject "${subject}" (no empty tokens, no spaces, '>' only last)`);
    const sub = this.place(acc, subject, onMessage);
    return () => this.remove(sub);
  }

  shutdown(): void {
    for (const end of [...this.pending]) end();
    for (const sub of [...this.subs.keys()]) this.remove(sub);
  }

  private account(name: string): AccountRef {
    if (!this.server.isRunning) throw new MessageToolError('NOT_RUNNING', 'the server is not running');
    const acc = this.server.accounts.get(name);
    if (acc === undefined) throw new MessageToolError('UNKNOWN_ACCOUNT', `no account "${name}" on this server`);
    return acc;
  }

  /** The message bytes (header block first) and the header length (-1 without headers). */
  private frame(msg: OutboundMessage): [Buffer, number] {
    const payload = typeof msg.payload === 'string' ? Buffer.from(msg.payload, 'utf8') : msg.payload;
    let head: Buffer | null = null;
    if (msg.headers && msg.headers.length > 0) {
      for (const [n, v] of msg.headers) {
        const err = headerError(n, v);
        if (err !== null) throw new MessageToolError('INVALID_HEADER', err);
      }
      head = encodeHeaders(msg.headers);
    }
    const total = payload.length + (head?.length ?? 0);
    const max = this.server.opts.maxPayload;
    if (total > max) throw new MessageToolError('PAYLOAD_TOO_LARGE', `the message is ${total} bytes; the server's max_payload is ${max}`);
    return head === null ? [payload, -1] : [Buffer.concat([head, payload]), head.length];
  }

  private place(acc: AccountRef, subject: string, onMessage: (m: MessageView) => void): Subscription {
    const view = new View();
    const sub = acc.addInternalSub({
      subject,
      sid: `tools.${++this.sid}`,
      advertise: true,
      handler: (_sub, _from, subj, reply, hdr, buf, start, end) => {
        view.subject = subj;
        view.reply = reply;
        view.hdr = hdr;
        view.buf = buf;
        view.start = start;
        view.end = end;
        try {
          onMessage(view);
        } catch (e) {
          this.server.logger.error(`Message tools: handler for "${subj}" failed: ${(e as Error).message}`);
        } finally {
          view.buf = EMPTY;
        }
        return true;
      },
    });
    this.subs.set(sub, acc);
    return sub;
  }

  private remove(sub: Subscription): void {
    const acc = this.subs.get(sub);
    if (acc === undefined) return;
    this.subs.delete(sub);
    if (!sub.closed) acc.removeSub(sub);
  }
}
