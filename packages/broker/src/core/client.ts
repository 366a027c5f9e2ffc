import type { Socket } from 'node:net';
import { isValidLiteralSubject, tokenCount } from '@switchboard/shared';
import type { AuthResult, ClientBinding, ClientPermissions, ClientView, Subscription } from '../contracts/index.js';
import { CLIENT_OPS, type ClientOpHandler } from '../protocol/client-ops.js';
import { checkClientInfo, decodeConnect, defaultConnectOptions, type ConnectOptions } from '../protocol/connect.js';
import { ERR, ClosedReason } from '../protocol/errors.js';
import { InvalidSubjectError } from '../subjects/sublist.js';
import type { Account } from './account.js';
import { Connection, type ConnectionHost } from './connection.js';
import type { Delivery } from './delivery.js';
import { Sub } from './subscription.js';

/** What a client connection needs of the server beyond the connection base. */
export interface ClientHost extends ConnectionHost {
  readonly delivery: Delivery;
  authTimeoutSeconds(): number;
  /**
   * With client TLS: the TLS socket to use from now on (INFO went out in plaintext); else null.
   * A Promise while the client's first byte decides (allow_non_tls); null then means plaintext
   * with INFO already sent.
   */
  secureSocket(c: ClientConnection, infoLine: Buffer): Socket | null | Promise<Socket | null>;
  /** Asks the authenticators in order; undefined means nobody had to decide (no auth required). */
  authenticate(c: ClientConnection, connect: ConnectOptions): AuthResult | Promise<AuthResult>;
  /** The binding for a client whose first op is not CONNECT (no_auth_user), or null. */
  bypassAuth(c: ClientConnection): ClientBinding | null;
  infoLineFor(c: ClientConnection): Buffer;
  getOrCreateAccount(name: string): Account;
  clientConnected(c: ClientConnection): void;
  clientAuthFailed(c: ClientConnection): void;
  clientClosed(c: ClientConnection): void;
}

const CRLF = Buffer.from('\r\n');
const PONG = Buffer.from('PONG\r\n');
const NO_RESPONDERS_HDR = Buffer.from('NATS/1.0 503\r\n\r\n');

/** Redacts secrets from a CONNECT line before it is traced. */
function redactConnect(json: string): string {
  return json.replace(/"(pass|auth_token|sig|jwt)"\s*:\s*"(?:[^"\\]|\\.)*"/g, '"$1":"[REDACTED]"');
}

/**
 * The connection's log prefix as nats-server writes it (client.go: initClient, processConnect):
 * `host:port - cid:N`, and after CONNECT ` - "v<version>:<lang>:<name>"` with the parts present.
 */
function connectionLabel(host: string, port: number, cid: number, o: Pick<ConnectOptions, 'version' | 'lang' | 'name'>): string {
  const base = `${host}:${port} - cid:${cid}`;
  const parts: string[] = [];
  if (o.version) parts.push(`v${o.version}`);
  if (o.lang) parts.push(o.lang);
  if (o.name) parts.push(o.name);
  return parts.length === 0 ? base : `${base} - ${JSON.stringify(parts.join(':'))}`;
}

/**
 * A connection speaking the client protocol: CONNECT and authentication, permissions, PUB,
 * SUB, UNSUB, no-responders. Each op of the client op table is one small method here.
 */
export class ClientConnection extends Connection<ClientOpHandler> implements ClientOpHandler, ClientView {
  readonly kind = 'CLIENT' as const;
  readonly subs = new Map<string, Sub>();
  opts: ConnectOptions = defaultConnectOptions();
  account: Account;
  perms: ClientPermissions | null = null;
  /** Authenticated user name or nkey, for monitoring. */
  user: string | undefined;
  connectReceived = false;
  headers = false;
  maxPayload: number;
  /** Subscription limit bound by authentication (JWT limits); null = the server's max_subscriptions. */
  maxSubs: number | null = null;

  private readonly delivery: Delivery;
  private authTimer: NodeJS.Timeout | null = null;
  private firstPongSent = false;
  declare protected readonly server: ClientHost;

  constructor(server: ClientHost, cid: number, socket: Socket, account: Account) {
    super(server, cid, socket, CLIENT_OPS);
    this.account = account;
    this.delivery = server.delivery;
    this.maxPayload = server.opts.maxPayload;
    this.parser.maxPayload = this.maxPayload;
    this.parser.pedantic = this.opts.pedantic;
  }

  protected get kindName(): string {
    return 'Client';
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /** Wires the socket, sends INFO and arms the timers. */
  begin(infoLine: Buffer, authRequired: boolean): void {
    this.socket.setNoDelay(true);
    // With client TLS, INFO goes out in plaintext and the TLS socket takes over.
    const secure = this.server.secureSocket(this, infoLine);
    if (secure instanceof Promise) {
      // allow_non_tls: nothing is read, and no timer runs, until the first byte picked TLS or not.
      secure.then((socket) => {
        if (this.closed) return;
        if (socket !== null) this.socket = socket;
        this.attachSocket();
        // The plaintext socket was paused with the peeked bytes put back.
        if (socket === null) this.socket.resume();
        this.armTimers(authRequired);
      });
      return;
    }
    if (secure !== null) this.socket = secure;
    this.attachSocket();
    if (secure === null) {
      this.enqueue(infoLine);
      this.flush();
    }
    this.armTimers(authRequired);
  }

  private armTimers(authRequired: boolean): void {
    if (authRequired) {
      this.parser.requireConnect = true;
      const secs = this.server.authTimeoutSeconds();
      this.authTimer = setTimeout(() => this.authTimeout(), secs * 1000);
    }
    this.setPingTimer(this.server.opts.pingInterval);
  }

  private authTimeout(): void {
    this.authTimer = null;
    if (this.closed || this.connectReceived) return;
    this.server.logger.error(`${this.label} - Authentication Timeout`);
    this.sendErr(ERR.authenticationTimeout);
    this.close(ClosedReason.authTimeout);
  }

  protected override clearTimers(): void {
    super.clearTimers();
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
  }

  /** Subscriptions leave the sublist; the server records the close (connz keeps the subs of closed connections). */
  protected onClosed(): void {
    for (const sub of this.subs.values()) this.removeSub(sub);
    this.server.clientClosed(this);
    this.subs.clear();
  }

  /** Binds account, permissions and user (authentication, and again on an auth reload). */
  bind(b: ClientBinding): void {
    this.account = this.server.getOrCreateAccount(b.account);
    this.perms = b.permissions;
    if (b.user !== undefined) this.user = b.user;
    if (b.limits !== undefined) {
      const pay = b.limits.maxPayload;
      this.maxPayload = pay < 0 ? this.server.opts.maxPayload : pay;
      this.parser.maxPayload = this.maxPayload;
      this.maxSubs = b.limits.maxSubscriptions;
    }
  }

  // ---- parser handlers ---------------------------------------------------------------------

  onAuthBypass(): boolean {
    const binding = this.server.bypassAuth(this);
    if (binding === null) return false;
    this.bind(binding);
    this.parser.requireConnect = false;
    this.connectReceived = true;
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    return true;
  }

  onConnect(json: string): void {
    if (this.server.logger.isTrace) this.trace(`<<- [CONNECT ${redactConnect(json)}]`);
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    // Decoded as nats-server's json.Unmarshal into ClientOpts: typed fields, case-insensitive keys.
    const next: ConnectOptions = { ...this.opts, ...(decodeConnect(json) as Partial<ConnectOptions>) };
    this.opts = next;
    this.noEcho = !next.echo;
    this.label = connectionLabel(this.host, this.port, this.cid, next);
    this.connectReceived = true;
    this.parser.requireConnect = false;
    this.headers = !this.server.opts.noHeaderSupport && next.headers;
    this.parser.headers = this.headers;
    this.parser.pedantic = next.pedantic;
    this.rtt = Date.now() - this.start.getTime();

    const verdict = this.server.authenticate(this, next);
    if (verdict instanceof Promise) {
      // A slow credential check (bcrypt, in a worker): hold this connection's input until it is decided.
      this.parser.suspend();
      this.socket.pause();
      verdict.then(
        (result) => {
          if (this.closed) return;
          this.finishConnect(result, next);
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

  private finishConnect(result: AuthResult, next: ConnectOptions): void {
    if (this.closed) return;
    if (result === false) {
      this.server.clientAuthFailed(this);
      this.authViolation();
      return;
    }
    if (result !== undefined) this.bind(result);
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

  /** A PUB or HPUB (`hdr` -1 for PUB). */
  onMsg(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    this.inMsgs++;
    this.inBytes += end - start;
    if (this.server.logger.isTrace) this.tracePub(subject, reply, hdr, buf, start, end);
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
      this.server.logger.error(`${this.label} - Publish Violation - ${this.userLabel()}, Subject "${subject}" Reply "${reply}"`);
      return;
    }
    if (this.opts.verbose) this.sendOK();
    const delivered = this.delivery.deliver(this, this.account, subject, reply, hdr, buf, start, end);
    if (!delivered && reply.length > 0 && this.opts.no_responders && this.headers) this.sendNoResponders(reply);
  }

  /** A pedantic client's publish subject, checked with the PUB line as nats-server's processPub does. */
  onPedanticSubject(subject: string): void {
    if (!isValidLiteralSubject(subject)) this.sendErr(ERR.invalidPublishSubject);
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
    const maxSubs = this.maxSubs ?? this.server.opts.maxSubscriptions;
    if (this.maxSubs !== null ? maxSubs >= 0 && this.subs.size >= maxSubs : maxSubs > 0 && this.subs.size >= maxSubs) {
      this.server.logger.error(`${this.label} - Maximum Subscriptions Exceeded (max ${maxSubs})`);
      this.sendErr(ERR.maxSubscriptions);
      return;
    }
    if (!this.subs.has(sid)) {
      const sub = new Sub(this, subject, queue, sid, null, true, false);
      try {
        this.account.addSub(sub);
      } catch (e) {
        if (e instanceof InvalidSubjectError) {
          this.sendErr(ERR.invalidSubject);
          return;
        }
        throw e;
      }
      this.subs.set(sid, sub);
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
  }

  onPong(): void {
    this.trace('<<- [PONG]');
    this.pongReceived();
  }

  /** Whether async INFO may be pushed (protocol 1 and the first PONG already sent). */
  acceptsAsyncInfo(): boolean {
    return this.opts.protocol >= 1 && this.firstPongSent;
  }

  onInfo(json: string): void {
    // nats-server unmarshals it (and closes on bad JSON), then ignores it for clients.
    checkClientInfo(json);
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
    this.removeSub(sub as Sub);
  }

  private removeSub(sub: Sub): void {
    if (sub.closed) return;
    this.account.removeSub(sub);
  }

  // ---- outbound ----------------------------------------------------------------------------

  deliver(sub: Sub, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): boolean {
    if (this.closed || sub.closed) return false;
    if (sub.max > 0 && sub.nm >= sub.max) return false;
    if (this.perms !== null && this.perms.canDeliver !== undefined && !this.perms.canDeliver(subject)) return false;
    sub.nm++;
    // HMSG only for a non-empty header block (nats-server delivers HPUB with 0 header bytes as MSG);
    // a client without header support gets the payload alone.
    const hmsg = hdr > 0 && this.headers;
    const from = hdr > 0 && !hmsg ? start + hdr : start;
    this.out.frame(hmsg, subject, sub.sid, reply, hdr, buf, from, end);
    this.outMsgs++;
    this.outBytes += end - from;
    if (this.server.logger.isTrace) this.trace(`->> [${hmsg ? 'HMSG' : 'MSG'} ${subject} ${sub.sid} ${reply ? reply + ' ' : ''}${end - from}]`);
    if (reply.length > 0 && this.perms !== null && this.perms.onDeliveredReply !== undefined) this.perms.onDeliveredReply(reply);
    if (sub.max > 0 && sub.nm >= sub.max) this.unsubscribe(sub);
    this.scheduleFlush();
    return true;
  }

  private sendNoResponders(reply: string): void {
    const r = this.account.sublist.match(reply);
    for (const sub of r.psubs) {
      if (sub.conn === this) {
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

  private tracePub(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    const op = hdr >= 0 ? `HPUB ${subject} ${reply ? reply + ' ' : ''}${hdr} ${end - start}` : `PUB ${subject} ${reply ? reply + ' ' : ''}${end - start}`;
    this.trace(`<<- [${op}]`);
    const max = this.server.opts.maxTracedMsgLen;
    let payload = buf.toString('utf8', start, end);
    if (max > 0 && payload.length > max) payload = payload.slice(0, max) + '...';
    this.trace(`<<- MSG_PAYLOAD: [${JSON.stringify(payload)}]`);
  }
}
