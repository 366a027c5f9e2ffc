import type { Socket } from 'node:net';
import { Parser, ProtocolError, type ProtocolHandler } from '../protocol/parser.js';
import { ERR, ClosedReason } from '../protocol/errors.js';
import { decodeConnect, checkClientInfo } from '../protocol/connect.js';
import { isValidLiteralSubject, tokenCount } from '@switchboard/shared';
import { InvalidSubjectError } from '../subjects/sublist.js';
import type { Account } from '../accounts/account.js';
import { Outbound } from './outbound.js';
import { Subscription } from './subscription.js';
import type { Server } from './server.js';

/** What a client sent in CONNECT, over nats-server's defaults (verbose, pedantic, echo all true). */
export interface ConnectOptions {
  verbose: boolean;
  pedantic: boolean;
  tls_required: boolean;
  echo: boolean;
  headers: boolean;
  no_responders: boolean;
  protocol: number;
  name?: string;
  lang?: string;
  version?: string;
  user?: string;
  pass?: string;
  auth_token?: string;
  nkey?: string;
  sig?: string;
  jwt?: string;
  account?: string;
  new_account?: boolean;
}

/** Publish/subscribe checks bound to a connection by authentication. */
export interface ClientPermissions {
  canPublish(subject: string): boolean;
  canSubscribe(subject: string, queue: string | null): boolean;
  /** False when a delivery of `subject` must be filtered (subscribe deny on a wider wildcard). */
  canDeliver?(subject: string): boolean;
  /** Called for every message delivered with a reply subject (allow_responses). */
  onDeliveredReply?(reply: string): void;
}

export const enum Kind {
  CLIENT = 0,
  SYSTEM = 1,
}

const CRLF = Buffer.from('\r\n');
const PONG = Buffer.from('PONG\r\n');
const PING = Buffer.from('PING\r\n');
const OK = Buffer.from('+OK\r\n');
const NO_RESPONDERS_HDR = Buffer.from('NATS/1.0 503\r\n\r\n');

/** Redacts secrets from a CONNECT line before it is traced. */
function redactConnect(json: string): string {
  return json.replace(/"(pass|auth_token|sig|jwt)"\s*:\s*"(?:[^"\\]|\\.)*"/g, '"$1":"[REDACTED]"');
}

/**
 * The connection's log prefix as nats-server writes it (client.go: initClient, processConnect):
 * `host:port - cid:N`, and after CONNECT ` - "v<version>:<lang>:<name>"` with the parts present.
 */
function connectionLabel(host: string, port: number, cid: number, o: Pick<ConnectOptions, 'version' | 'lang' | 'name'> | null): string {
  const base = `${host}:${port} - cid:${cid}`;
  if (o === null) return base;
  const parts: string[] = [];
  if (o.version) parts.push(`v${o.version}`);
  if (o.lang) parts.push(o.lang);
  if (o.name) parts.push(o.name);
  return parts.length === 0 ? base : `${base} - ${JSON.stringify(parts.join(':'))}`;
}

/**
 * One connection speaking the client protocol. Implements the parser's handler: every op is a
 * small method. Outbound bytes are queued in `out` and flushed once per event-loop turn.
 */
export class Client implements ProtocolHandler {
  readonly kind = Kind.CLIENT;
  readonly parser: Parser;
  readonly out = new Outbound();
  readonly subs = new Map<string, Subscription>();
  readonly start = new Date();
  readonly host: string;
  readonly port: number;

  opts: ConnectOptions = {
    verbose: true,
    pedantic: true,
    tls_required: false,
    echo: true,
    headers: false,
    no_responders: false,
    protocol: 0,
  };
  account: Account;
  perms: ClientPermissions | null = null;
  /** Authenticated user name or nkey, for monitoring. */
  user: string | undefined;
  connectReceived = false;
  headers = false;
  maxPayload: number;

  inMsgs = 0;
  inBytes = 0;
  outMsgs = 0;
  outBytes = 0;
  lastActivity = Date.now();
  /** Bytes handed to the socket and not yet written by the kernel. */
  socketPending = 0;
  rtt = 0;

  closed = false;
  closeReason: ClosedReason | undefined;
  stop: Date | undefined;

  flushQueued = false;
  private pingsOut = 0;
  private lastPingIn = 0;
  private lastIn = Date.now();
  private rttStart = 0;
  private pingTimer: NodeJS.Timeout | null = null;
  private authTimer: NodeJS.Timeout | null = null;
  private writeTimer: NodeJS.Timeout | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  /** Producers paused because this connection's outbound queue is full. */
  private stalledProducers: Set<Client> | null = null;
  private paused = false;
  private firstPongSent = false;
  /** `host:port - cid:N`, then (after CONNECT) with `"v<version>:<lang>:<name>"` as nats-server logs it. */
  label: string;

  constructor(
    readonly server: Server,
    readonly cid: number,
    /** The accepted socket; replaced by its TLS socket when client TLS is configured. */
    public socket: Socket,
    account: Account,
  ) {
    this.account = account;
    this.host = socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
    this.port = socket.remotePort ?? 0;
    this.label = connectionLabel(this.host, this.port, cid, null);
    this.maxPayload = server.opts.maxPayload;
    this.parser = new Parser(this);
    this.parser.maxControlLine = server.opts.maxControlLine;
    this.parser.maxPayload = this.maxPayload;
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /** Wires the socket, sends INFO and arms the timers. */
  begin(infoLine: Buffer, authRequired: boolean): void {
    this.socket.setNoDelay(true);
    // With client TLS, INFO goes out in plaintext and the TLS socket takes over.
    const secure = this.server.secureSocket(this, infoLine);
    if (secure !== null) this.socket = secure;
    const socket = this.socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('error', (err) => {
      this.debug(`Client connection error: ${err.message}`);
      this.close(this.closeReason ?? ClosedReason.readError);
    });
    socket.on('close', () => this.close(ClosedReason.clientClosed));
    socket.on('end', () => this.close(ClosedReason.clientClosed));
    if (secure === null) {
      this.enqueue(infoLine);
      this.flush();
    }
    if (authRequired) {
      this.parser.requireConnect = true;
      const secs = this.server.authTimeoutSeconds();
      this.authTimer = setTimeout(() => this.authTimeout(), secs * 1000);
    }
    this.setPingTimer(this.server.opts.pingInterval);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    const now = Date.now();
    this.lastIn = now;
    this.lastActivity = now;
    try {
      this.parser.parse(chunk);
    } catch (e) {
      if (e instanceof ProtocolError) this.protocolError(e);
      else throw e;
    }
  }

  private protocolError(e: ProtocolError): void {
    switch (e.kind) {
      case 'unknown_op':
        this.server.logger.error(`${this.label} - Client parser ERROR: ${e.message}`);
        this.sendErr(ERR.unknownOp);
        this.close(ClosedReason.parseError);
        break;
      case 'max_control_line':
        this.server.logger.error(`${this.label} - ${ERR.maxControlLine}`);
        this.sendErr(ERR.maxControlLine);
        this.close(ClosedReason.maxControlLine);
        break;
      case 'max_payload':
        this.server.logger.error(`${this.label} - Maximum Payload Violation: ${e.message} > ${this.maxPayload}`);
        this.sendErr(ERR.maxPayload);
        this.close(ClosedReason.maxPayload);
        break;
      case 'auth':
        this.authViolation();
        break;
      default:
        this.server.logger.error(`${this.label} - ${e.message}`);
        this.close(ClosedReason.protocolViolation);
    }
  }

  private authTimeout(): void {
    this.authTimer = null;
    if (this.closed || this.connectReceived) return;
    this.server.logger.error(`${this.label} - Authentication Timeout`);
    this.sendErr(ERR.authenticationTimeout);
    this.close(ClosedReason.authTimeout);
  }

  authViolation(): void {
    this.server.logger.error(`${this.label} - ${ERR.authorizationViolation}`);
    this.sendErr(ERR.authorizationViolation);
    this.close(ClosedReason.authFailure);
  }

  /**
   * Closes the connection: pending protocol errors are flushed first unless the reason is a
   * slow consumer, subscriptions are removed, the server is told.
   */
  close(reason: ClosedReason): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.stop = new Date();
    this.parser.halt();
    this.clearTimers();
    const slow = reason === ClosedReason.slowConsumerPending || reason === ClosedReason.slowConsumerWriteDeadline;
    if (!slow && this.out.len > 0 && !this.socket.destroyed) {
      const b = this.out.take();
      if (b) this.socket.write(b);
    }
    this.out.reset();
    if (slow || this.socket.destroyed) this.socket.destroy();
    else {
      this.socket.end();
      // Do not wait forever for a peer that will not read its last bytes.
      setTimeout(() => this.socket.destroy(), 2000).unref();
    }
    this.releaseStalled();
    for (const sub of this.subs.values()) this.removeSub(sub);
    // The server records the subscriptions of closed connections (connz state=closed).
    this.server.clientClosed(this);
    this.subs.clear();
  }

  private clearTimers(): void {
    if (this.pingTimer) clearTimeout(this.pingTimer);
    if (this.authTimer) clearTimeout(this.authTimer);
    if (this.writeTimer) clearTimeout(this.writeTimer);
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.pingTimer = this.authTimer = this.writeTimer = this.stallTimer = null;
  }

  // ---- keep-alive --------------------------------------------------------------------------

  private setPingTimer(ms: number): void {
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => this.pingTick(), ms);
    this.pingTimer.unref();
  }

  private pingTick(): void {
    this.pingTimer = null;
    if (this.closed) return;
    const interval = this.server.opts.pingInterval;
    const now = Date.now();
    // Skip this PING when the peer showed signs of life recently, unless an RTT sample is due.
    const rttDue = this.rttStart === 0 || now - this.rttStart > 3600_000;
    if (!rttDue && (now - this.lastIn < interval || now - this.lastPingIn < interval)) {
      this.setPingTimer(interval);
      return;
    }
    if (this.pingsOut + 1 > this.server.opts.pingMax) {
      this.server.logger.debug(`${this.label} - Stale Client Connection - Closing`);
      this.sendErr(ERR.staleConnection);
      this.close(ClosedReason.staleConnection);
      return;
    }
    this.pingsOut++;
    this.rttStart = now;
    this.trace('->> [PING]');
    this.enqueue(PING);
    this.flush();
    this.setPingTimer(interval);
  }

  // ---- parser handlers ---------------------------------------------------------------------

  onAuthBypass(): boolean {
    if (this.server.bindNoAuthUser(this)) {
      this.parser.requireConnect = false;
      this.connectReceived = true;
      if (this.authTimer) clearTimeout(this.authTimer);
      this.authTimer = null;
      return true;
    }
    return false;
  }

  onConnect(json: string): void {
    if (this.server.logger.isTrace) this.trace(`<<- [CONNECT ${redactConnect(json)}]`);
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    // Decoded as nats-server's json.Unmarshal into ClientOpts: typed fields, case-insensitive keys.
    const next: ConnectOptions = { ...this.opts, ...(decodeConnect(json) as Partial<ConnectOptions>) };
    this.opts = next;
    this.label = connectionLabel(this.host, this.port, this.cid, next);
    this.connectReceived = true;
    this.parser.requireConnect = false;
    this.headers = !this.server.opts.noHeaderSupport && next.headers;
    this.parser.headers = this.headers;
    this.rtt = Date.now() - this.start.getTime();

    const verdict = this.server.authenticate(this, next);
    if (verdict instanceof Promise) {
      // A slow credential check (bcrypt): hold this connection's input until it is decided.
      this.parser.suspend();
      this.socket.pause();
      verdict.then(
        (ok) => {
          if (this.closed) return;
          this.finishConnect(ok, next);
          if (this.closed) return;
          this.socket.resume();
          const backlog = this.parser.resume();
          if (backlog !== null) this.onData(backlog);
        },
        () => this.finishConnect(false, next),
      );
      return;
    }
    this.finishConnect(verdict, next);
  }

  private finishConnect(authorized: boolean, next: ConnectOptions): void {
    if (this.closed) return;
    if (!authorized) {
      this.server.authFailed(this);
      this.authViolation();
      return;
    }
    if (next.new_account || (next.account !== undefined && next.account !== '')) {
      this.authViolation();
      return;
    }
    if (next.protocol < 0 || next.protocol > 1) {
      this.sendErr(ERR.badClientProtocol);
      this.close(ClosedReason.badClientProtocol);
      return;
    }
    if (next.no_responders && !this.headers) {
      this.sendErr(ERR.noRespondersNeedsHeaders);
      this.close(ClosedReason.noRespondersNeedsHeaders);
      return;
    }
    if (next.verbose) this.sendOK();
    // First server PING about 2 s after CONNECT (plus up to 20 % jitter), for an RTT sample.
    this.setPingTimer(Math.min(2000 + Math.floor(Math.random() * 400), this.server.opts.pingInterval));
    this.server.clientConnected(this);
  }

  onPub(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    this.inMsgs++;
    this.inBytes += end - start;
    const server = this.server;
    if (server.logger.isTrace) this.tracePub(subject, reply, hdr, buf, start, end);
    if (this.opts.pedantic && !isValidLiteralSubject(subject)) this.sendErr(ERR.invalidPublishSubject);
    if (subject.startsWith('_GR_.')) {
      this.pubPermissionViolation(subject);
      return;
    }
    if (this.perms !== null && !this.perms.canPublish(subject)) {
      this.pubPermissionViolation(subject);
      return;
    }
    if (reply.length > 0 && (reply.startsWith('_R_.') || reply.startsWith('_GR_.') || reply.startsWith('$JS.ACK.'))) {
      this.sendErr(`Permissions Violation for Publish with Reply of "${reply}"`);
      server.logger.error(`${this.label} - Publish Violation - ${this.userLabel()}, Subject "${subject}" Reply "${reply}"`);
      return;
    }
    if (this.opts.verbose) this.sendOK();
    const delivered = server.route(this, this.account, subject, reply, hdr, buf, start, end);
    if (!delivered && reply.length > 0 && this.opts.no_responders && this.headers) this.sendNoResponders(reply);
  }

  onSub(subject: string, queue: string | null, sid: string): void {
    if (this.server.logger.isTrace) this.trace(`<<- [SUB ${subject} ${queue === null ? '' : queue + ' '}${sid}]`);
    if (this.closed) return;
    if (this.perms !== null && (!this.perms.canSubscribe(subject, queue) || queue === '_sys_')) {
      const text = queue === null ? `Permissions Violation for Subscription to "${subject}"` : `Permissions Violation for Subscription to "${subject}" using queue "${queue}"`;
      this.sendErr(text);
      this.server.logger.error(`${this.label} - Subscription Violation - ${this.userLabel()}, Subject "${subject}"${queue === null ? '' : `, Queue: "${queue}"`}, SID ${sid}`);
      return;
    }
    const maxTokens = this.server.opts.maxSubTokens;
    if (maxTokens > 0 && tokenCount(subject) > maxTokens) {
      this.sendErr(`Permissions Violation for Subscription to "${subject}", too many tokens`);
      return;
    }
    const maxSubs = this.server.opts.maxSubscriptions;
    if (maxSubs > 0 && this.subs.size >= maxSubs) {
      this.server.logger.error(`${this.label} - Maximum Subscriptions Exceeded (max ${maxSubs})`);
      this.sendErr(ERR.maxSubscriptions);
      return;
    }
    if (!this.subs.has(sid)) {
      const sub = new Subscription(this, subject, queue, sid);
      try {
        this.account.sublist.insert(sub);
      } catch (e) {
        if (e instanceof InvalidSubjectError) {
          this.sendErr(ERR.invalidSubject);
          return;
        }
        throw e;
      }
      this.subs.set(sid, sub);
      this.server.subAdded(this, sub);
    }
    if (this.opts.verbose) this.sendOK();
  }

  onUnsub(sid: string, max: number): void {
    if (this.server.logger.isTrace) this.trace(`<<- [UNSUB ${sid}${max >= 0 ? ' ' + max : ''}]`);
    const sub = this.subs.get(sid);
    if (sub !== undefined) {
      if (max > 0 && max > sub.nm) sub.max = max;
      else this.unsubscribe(sub);
    }
    if (this.opts.verbose) this.sendOK();
  }

  onPing(): void {
    this.trace('<<- [PING]');
    this.lastPingIn = Date.now();
    if (!this.firstPongSent && this.connectReceived) {
      this.firstPongSent = true;
      if (this.opts.protocol >= 1 && this.maxPayload !== this.server.opts.maxPayload) {
        this.enqueue(this.server.infoLineFor(this));
      }
    }
    this.trace('->> [PONG]');
    this.enqueue(PONG);
    this.scheduleFlush();
  }

  onPong(): void {
    this.trace('<<- [PONG]');
    this.pingsOut = 0;
    if (this.rttStart > 0) this.rtt = Date.now() - this.rttStart;
  }

  /** Whether async INFO may be pushed (protocol 1 and the first PONG already sent). */
  acceptsAsyncInfo(): boolean {
    return this.opts.protocol >= 1 && this.firstPongSent;
  }

  onInfo(json: string): void {
    // nats-server unmarshals it (and closes on bad JSON), then ignores it for clients.
    checkClientInfo(json);
    // Clients have nothing to tell us with INFO.
  }

  onOk(): void {}

  onErr(text: string): void {
    this.server.logger.error(`${this.label} - Client Error ${text}`);
    this.close(ClosedReason.parseError);
  }

  // ---- subscriptions -----------------------------------------------------------------------

  unsubscribe(sub: Subscription): void {
    if (sub.closed) return;
    this.trace(`<-> [DELSUB ${sub.sid}]`);
    this.subs.delete(sub.sid);
    this.removeSub(sub);
  }

  private removeSub(sub: Subscription): void {
    if (sub.closed) return;
    sub.closed = true;
    this.account.sublist.remove(sub);
    this.server.subRemoved(this, sub);
  }

  // ---- outbound ----------------------------------------------------------------------------

  /**
   * Queues one message for `sub`. Returns false when the subscription can not take it.
   * `buf[start, end)` holds headers (first `hdr` bytes, -1 = none) and payload.
   */
  deliver(sub: Subscription, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): boolean {
    if (this.closed || sub.closed) return false;
    if (sub.max > 0 && sub.nm >= sub.max) return false;
    if (this.perms !== null && this.perms.canDeliver !== undefined && !this.perms.canDeliver(subject)) return false;
    sub.nm++;
    const out = this.out;
    // HMSG only for a non-empty header block (nats-server delivers HPUB with 0 header bytes as MSG);
    // a client without header support gets the payload alone.
    const hmsg = hdr > 0 && this.headers;
    const from = hdr > 0 && !hmsg ? start + hdr : start;
    out.frame(hmsg, subject, sub.sid, reply, hdr, buf, from, end);
    this.outMsgs++;
    this.outBytes += end - from;
    if (this.server.logger.isTrace) this.trace(`->> [${hmsg ? 'HMSG' : 'MSG'} ${subject} ${sub.sid} ${reply ? reply + ' ' : ''}${end - from}]`);
    if (reply.length > 0 && this.perms !== null && this.perms.onDeliveredReply !== undefined) this.perms.onDeliveredReply(reply);
    if (sub.max > 0 && sub.nm >= sub.max) this.unsubscribe(sub);
    this.scheduleFlush();
    return true;
  }

  /** Bytes waiting to reach the peer: queued here plus buffered in the socket. */
  get pendingBytes(): number {
    return this.out.len + this.socketPending;
  }

  enqueue(b: Buffer): void {
    this.out.writeBytes(b, 0, b.length);
    this.scheduleFlush();
  }

  sendErr(text: string): void {
    this.trace(`->> [-ERR '${text}']`);
    this.out.writeLatin1(`-ERR '${text}'\r\n`);
    this.scheduleFlush();
  }

  sendOK(): void {
    this.trace('->> [OK]');
    this.enqueue(OK);
  }

  scheduleFlush(): void {
    if (!this.flushQueued) {
      this.flushQueued = true;
      this.server.queueFlush(this);
    }
  }

  /** Hands queued bytes to the socket; watches for slow consumers. */
  flush(): void {
    this.flushQueued = false;
    if (this.closed || this.socket.destroyed) return;
    const b = this.out.take();
    if (b === null) return;
    this.socket.write(b);
    const pending = this.socket.writableLength;
    this.socketPending = pending;
    // The kernel took it (no 'drain' will follow) or the backlog is back under the stall mark:
    // let stalled producers go, as nats-server closes its stall channel after such a flush.
    if (this.stalledProducers !== null && pending <= this.server.stallAt) this.releaseStalled();
    if (pending > 0 && this.writeTimer === null) this.armWriteDeadline();
  }

  /** Bytes that had left the socket's buffer for the kernel when the deadline was armed. */
  private writtenAtArm = 0;

  /** `bytesWritten` counts what is still buffered too; take that off to see real progress. */
  private get bytesSent(): number {
    return this.socket.bytesWritten - this.socket.writableLength;
  }

  private armWriteDeadline(): void {
    this.writtenAtArm = this.bytesSent;
    this.writeTimer = setTimeout(() => this.writeDeadlineExceeded(), this.server.opts.writeDeadline);
  }

  /** Closes the connection as a slow consumer when its queue passed max_pending. */
  checkSlowConsumer(): boolean {
    if (this.pendingBytes > this.server.opts.maxPending) {
      this.slowConsumer(ClosedReason.slowConsumerPending);
      return true;
    }
    return false;
  }

  /**
   * The deadline is for a write that makes no progress (nats-server's is per write call): a
   * consumer that is slow but still reading gets another period; one that stopped is cut.
   */
  private writeDeadlineExceeded(): void {
    this.writeTimer = null;
    if (this.closed || this.socket.writableLength === 0) return;
    if (this.bytesSent > this.writtenAtArm) this.armWriteDeadline();
    else this.slowConsumer(ClosedReason.slowConsumerWriteDeadline);
  }

  private slowConsumer(reason: ClosedReason): void {
    this.server.slowConsumerDetected(this, reason);
    this.close(reason);
  }

  private onDrain(): void {
    this.socketPending = this.socket.writableLength;
    if (this.writeTimer) {
      clearTimeout(this.writeTimer);
      this.writeTimer = null;
    }
    this.releaseStalled();
  }

  /**
   * Pauses this producer until `target` drains, at most 100 ms plus 100 ms per tenth of the upper
   * half of max_pending already used, up to 1 s (client.go: stallDuration).
   */
  stallOn(target: Client): void {
    if (this.paused || this.closed) return;
    this.paused = true;
    this.socket.pause();
    (target.stalledProducers ??= new Set()).add(this);
    const mp = this.server.opts.maxPending;
    const pb = target.pendingBytes;
    const half = mp / 2;
    let ttl = 100;
    if (pb >= mp) ttl = 1000;
    else if (pb > half) ttl = Math.min(1000, 100 + 100 * Math.floor((pb - half) / (half / 10)));
    this.stallTimer = setTimeout(() => this.resume(), ttl);
  }

  private resume(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    if (!this.paused) return;
    this.paused = false;
    if (!this.closed) this.socket.resume();
  }

  private releaseStalled(): void {
    const s = this.stalledProducers;
    if (s === null || s.size === 0) return;
    this.stalledProducers = null;
    for (const p of s) p.resume();
  }

  private sendNoResponders(reply: string): void {
    const r = this.account.sublist.match(reply);
    for (const sub of r.psubs) {
      if (sub.client === this) {
        this.out.writeLatin1(`HMSG ${reply} ${sub.sid} 16 16\r\n`);
        this.out.writeBytes(NO_RESPONDERS_HDR, 0, NO_RESPONDERS_HDR.length);
        this.out.writeBytes(CRLF, 0, 2);
        this.scheduleFlush();
        return;
      }
    }
  }

  private pubPermissionViolation(subject: string): void {
    this.sendErr(`Permissions Violation for Publish to "${subject}"`);
    this.server.logger.error(`${this.label} - Publish Violation - ${this.userLabel()}, Subject "${subject}"`);
  }

  userLabel(): string {
    return this.user !== undefined ? `User "${this.user}"` : 'User ""';
  }

  // ---- logging -----------------------------------------------------------------------------

  debug(msg: string): void {
    this.server.logger.debug(`${this.label} - ${msg}`);
  }

  trace(msg: string): void {
    if (this.server.logger.isTrace) this.server.logger.trace(`${this.label} - ${msg}`);
  }

  private tracePub(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    const op = hdr >= 0 ? `HPUB ${subject} ${reply ? reply + ' ' : ''}${hdr} ${end - start}` : `PUB ${subject} ${reply ? reply + ' ' : ''}${end - start}`;
    this.trace(`<<- [${op}]`);
    const max = this.server.opts.maxTracedMsgLen;
    let payload = buf.toString('utf8', start, end);
    if (max > 0 && payload.length > max) payload = payload.slice(0, max) + '...';
    this.trace(`<<- MSG_PAYLOAD: [${JSON.stringify(payload)}]`);
  }
}
