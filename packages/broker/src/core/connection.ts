import { Socket } from 'node:net';
import type { Options } from '@switchboard/shared';
import type { ConnectionKind, ConnectionView } from '../contracts/index.js';
import type { Logger } from '../log/logger.js';
import { ERR, ClosedReason } from '../protocol/errors.js';
import { Parser, ProtocolError, type OpTable, type ParserHandler } from '../protocol/parser.js';
import { Outbound } from './outbound.js';
import type { Sub } from './subscription.js';

/** What a connection needs of the server, whatever its kind. */
export interface ConnectionHost {
  readonly opts: Options;
  readonly logger: Logger;
  /** Producers stall when a consumer's pending bytes pass this. */
  readonly stallAt: number;
  /** Flushes the connection once, after the current read batch or at the end of this event-loop turn. */
  queueFlush(c: Connection): void;
  /** Flushes every connection queued so far (called after each socket read has been parsed). */
  flushQueued(): void;
  slowConsumerDetected(c: Connection, reason: ClosedReason): void;
}

const PING = Buffer.from('PING\r\n');

/**
 * Shared read buffers for every plain-TCP client and route socket (nats-server reads into a reused buffer too).
 * Node allocates a fresh 64 KiB buffer for every socket read otherwise, and those allocations
 * drive external-memory GCs under load. net's public `onread` option does this for sockets we
 * create, but accepted sockets are created by net.Server; so the option's three private
 * properties are found by their symbol names on a probe socket, and set on the accepted socket
 * before it delivers anything. Reads are handled synchronously and the parser copies whatever it
 * keeps past a read (split tails, held input), so one buffer serves all connections. Without
 * the symbols (another Node version) sockets keep Node's default reads.
 *
 * Two sizes: 64 KiB as nats-server's cap, and 256 KiB for a socket whose last read queued output
 * for no connection (publishes without interest). Being shared, their size costs no memory per
 * connection; a busy publisher without subscribers then takes a quarter of the read syscalls
 * and callbacks (publish-only 1 KiB: ~330 against ~1000 ns of server CPU per message, same run;
 * docs/perf/issue-11.md). A read that fanned out stays at 64 KiB, so the output one read batch
 * queues (and the chunks it takes before the batch's flush) stays as small as before.
 * SWITCHBOARD_READ_KB sets the large size, for measurements (64 = always 64 KiB).
 */
const READ_SMALL = Buffer.allocUnsafeSlow(64 * 1024);
const READ_LARGE = Buffer.allocUnsafeSlow(Math.max(64, Number(process.env.SWITCHBOARD_READ_KB) || 256) * 1024);
/** Flushes queued so far by all connections: a read after which it has not moved delivered nothing. */
let flushesQueued = 0;
const readSymbols = ((): { buffer: symbol; callback: symbol; gen: symbol } | null => {
  try {
    // `onread` is missing from @types/node's constructor options (it is in Node's docs since v12).
    const probe = new Socket({ onread: { buffer: Buffer.alloc(1), callback: () => true } } as ConstructorParameters<typeof Socket>[0]);
    const syms = Object.getOwnPropertySymbols(probe);
    const find = (d: string) => syms.find((x) => x.description === d);
    const buffer = find('kBuffer');
    const callback = find('kBufferCb');
    const gen = find('kBufferGen');
    probe.destroy();
    return buffer && callback && gen ? { buffer, callback, gen } : null;
  } catch {
    return null;
  }
})();

/** Switches `socket` to the shared read buffer; false when it cannot (TLS, data already buffered, no symbols). */
function useSharedReadBuffer(socket: Socket, onRead: (buf: Buffer) => void, nextBuffer: () => Buffer): boolean {
  const handle = (socket as unknown as { _handle?: { useUserBuffer?: (b: Buffer) => void } })._handle;
  if (readSymbols === null || typeof handle?.useUserBuffer !== 'function' || 'encrypted' in socket || socket.readableLength > 0) return false;
  const s = socket as unknown as Record<symbol, unknown>;
  s[readSymbols.buffer] = READ_SMALL;
  s[readSymbols.callback] = (n: number, buf: Buffer) => onRead(buf.subarray(0, n));
  // Asked after each read (its callback has run) for the buffer of the next read.
  s[readSymbols.gen] = nextBuffer;
  handle.useUserBuffer(READ_SMALL);
  return true;
}
const SHARED_READS = process.env.SWITCHBOARD_SHARED_READS !== '0';
const OK = Buffer.from('+OK\r\n');

/**
 * The connection base every kind shares (nats-server client.go without the protocol): the
 * socket, the outbound chunks and their flush after each read batch (and at the end of the turn), keepalive PINGs and stale detection,
 * the write deadline and max_pending slow-consumer cuts, producer stalls, and closing. A kind
 * (client now; route, gateway, leaf later) adds its op table, its handlers and `deliver`.
 */
export abstract class Connection<H extends ParserHandler = ParserHandler> implements ConnectionView {
  abstract readonly kind: ConnectionKind;
  readonly parser: Parser<H>;
  readonly out = new Outbound();
  readonly start = new Date();
  readonly host: string;
  readonly port: number;
  /** `host:port - cid:N` (and more once known), the prefix of its log lines. */
  label: string;

  inMsgs = 0;
  inBytes = 0;
  outMsgs = 0;
  outBytes = 0;
  lastActivity = Date.now();
  /** Bytes handed to the socket and not yet written by the kernel. */
  socketPending = 0;
  rtt = 0;
  /** Messages this connection publishes are not delivered back to it (CONNECT echo:false). */
  noEcho = false;
  /**
   * A connection to another server (route, later gateway): its subscriptions stand for that
   * server's interest; delivery collects them into one `deliverRemote` per connection.
   */
  readonly isRemote: boolean = false;

  closed = false;
  closeReason: ClosedReason | undefined;
  stop: Date | undefined;

  flushQueued = false;
  private pingsOut = 0;
  protected lastPingIn = 0;
  private lastIn = Date.now();
  private rttStart = 0;
  private pingTimer: NodeJS.Timeout | null = null;
  private writeTimer: NodeJS.Timeout | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  /** Producers paused because this connection's outbound queue is full. */
  private stalledProducers: Set<Connection> | null = null;
  private paused = false;
  /** The last read queued output for no connection: the next one may use the large shared buffer. */
  private readLarge = false;
  /** Bytes that had left the socket's buffer for the kernel when the deadline was armed. */
  private writtenAtArm = 0;
  /** The in-flight write's unsent bytes when the deadline was armed. */
  private unsentAtArm = 0;

  constructor(
    protected readonly server: ConnectionHost,
    readonly cid: number,
    /** The accepted socket; a kind may replace it (client TLS). */
    public socket: Socket,
    table: OpTable<H>,
  ) {
    this.host = socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
    this.port = socket.remotePort ?? 0;
    this.label = `${this.host}:${this.port} - cid:${cid}`;
    this.parser = new Parser<H>(this as unknown as H, table);
    this.parser.maxControlLine = server.opts.maxControlLine;
  }

  /** `Client`, `Route`, … in log lines. */
  protected abstract get kindName(): string;

  /**
   * Queues one message for `sub`, owned by this connection. Returns false when the
   * subscription cannot take it. `buf[start, end)` holds headers (first `hdr` bytes, -1 = none)
   * and payload.
   */
  abstract deliver(sub: Sub, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): boolean;

  /**
   * Queues one copy of a message for another server (remote connections only): `queues` is
   * the space-separated queue groups picked for it ('' for none). Returns false when it cannot.
   */
  deliverRemote(_account: string, _subject: string, _reply: string, _queues: string, _hdr: number, _buf: Buffer, _start: number, _end: number): boolean {
    return false;
  }

  /** After the socket is closed: remove the kind's subscriptions, tell the server. Called once. */
  protected abstract onClosed(): void;

  // ---- socket ------------------------------------------------------------------------------

  /** Wires the socket's events to the parser, drain tracking and close. */
  protected attachSocket(): void {
    const socket = this.socket;
    socket.setNoDelay(true);
    const onData = (chunk: Buffer) => this.onData(chunk);
    // Clients and routes (their parsers copy whatever they keep past a read, as the delivery does).
    const nextBuffer = () => (this.readLarge ? READ_LARGE : READ_SMALL);
    if (!(SHARED_READS && (this.kind === 'CLIENT' || this.kind === 'ROUTER') && useSharedReadBuffer(socket, onData, nextBuffer))) socket.on('data', onData);
    socket.on('drain', () => this.onDrain());
    socket.on('error', (err) => {
      this.debug(`${this.kindName} connection error: ${err.message}`);
      this.close(this.closeReason ?? ClosedReason.readError);
    });
    socket.on('close', () => this.close(ClosedReason.clientClosed));
    socket.on('end', () => this.close(ClosedReason.clientClosed));
  }

  protected onData(chunk: Buffer): void {
    if (this.closed) return;
    const now = Date.now();
    this.lastIn = now;
    this.lastActivity = now;
    const queuedBefore = flushesQueued;
    try {
      this.parser.parse(chunk);
    } catch (e) {
      if (e instanceof ProtocolError) this.protocolError(e);
      else {
        // A fault of ours must cost this connection, never the process and its other clients.
        this.server.logger.error(`${this.label} - Internal error while processing input: ${(e as Error).stack ?? String(e)}`);
        this.close(ClosedReason.protocolViolation);
      }
    }
    // Nothing queued for anyone: the next read may be large (see READ_LARGE).
    this.readLarge = flushesQueued === queuedBefore;
    // One write per connection per read batch (nats-server flushClients after each read): no
    // subscriber's queue holds more than one read's worth of output waiting for the turn to end.
    this.server.flushQueued();
  }

  private protocolError(e: ProtocolError): void {
    const log = this.server.logger;
    switch (e.kind) {
      case 'unknown_op':
        log.error(`${this.label} - ${this.kindName} parser ERROR: ${e.message}`);
        this.sendErr(ERR.unknownOp);
        this.close(ClosedReason.parseError);
        break;
      case 'max_control_line':
        log.error(`${this.label} - ${ERR.maxControlLine}`);
        this.sendErr(ERR.maxControlLine);
        this.close(ClosedReason.maxControlLine);
        break;
      case 'max_payload':
        log.error(`${this.label} - Maximum Payload Violation: ${e.message} > ${this.parser.maxPayload}`);
        this.sendErr(ERR.maxPayload);
        this.close(ClosedReason.maxPayload);
        break;
      case 'auth':
        this.authViolation();
        break;
      default:
        log.error(`${this.label} - ${e.message}`);
        this.close(ClosedReason.protocolViolation);
    }
  }

  authViolation(): void {
    this.server.logger.error(`${this.label} - ${ERR.authorizationViolation}`);
    this.sendErr(ERR.authorizationViolation);
    this.close(ClosedReason.authFailure);
  }

  /**
   * Closes the connection: pending protocol errors are flushed first unless the reason is a
   * slow consumer, stalled producers are released, then the kind cleans up (`onClosed`).
   */
  close(reason: ClosedReason): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.stop = new Date();
    this.parser.halt();
    this.clearTimers();
    const slow = reason === ClosedReason.slowConsumerPending || reason === ClosedReason.slowConsumerWriteDeadline;
    if (!slow && this.out.size > 0 && !this.socket.destroyed) this.out.writeTo(this.socket);
    this.out.reset();
    if (slow || this.socket.destroyed) this.socket.destroy();
    else {
      this.socket.end();
      // Keep reading (input is ignored now) so the peer's FIN closes the socket: a socket paused
      // by a stall or a pending auth check would otherwise never see it.
      this.socket.resume();
      // Do not wait forever for a peer that will not read its last bytes.
      setTimeout(() => this.socket.destroy(), 2000).unref();
    }
    this.releaseStalled();
    this.onClosed();
  }

  protected clearTimers(): void {
    if (this.pingTimer) clearTimeout(this.pingTimer);
    if (this.writeTimer) clearTimeout(this.writeTimer);
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.pingTimer = this.writeTimer = this.stallTimer = null;
  }

  // ---- keep-alive --------------------------------------------------------------------------

  protected setPingTimer(ms: number): void {
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => this.pingTick(), ms);
    this.pingTimer.unref();
  }

  private pingTick(): void {
    this.pingTimer = null;
    if (this.closed) return;
    const opts = this.server.opts;
    const interval = opts.pingInterval;
    const now = Date.now();
    // Skip this PING when the peer showed signs of life recently, unless an RTT sample is due.
    const rttDue = this.rttStart === 0 || now - this.rttStart > 3600_000;
    if (!rttDue && (now - this.lastIn < interval || now - this.lastPingIn < interval)) {
      this.setPingTimer(interval);
      return;
    }
    if (this.pingsOut + 1 > opts.pingMax) {
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

  /** A PONG arrived: the peer is alive; it ends an RTT sample. */
  protected pongReceived(): void {
    this.pingsOut = 0;
    if (this.rttStart > 0) this.rtt = Date.now() - this.rttStart;
  }

  // ---- outbound ----------------------------------------------------------------------------

  /** Bytes waiting to reach the peer: queued here plus buffered in the socket. */
  get pendingBytes(): number {
    return this.out.size + this.socketPending;
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
      flushesQueued++;
      this.server.queueFlush(this);
    }
  }

  /** Hands queued bytes to the socket; watches for slow consumers. */
  flush(): void {
    this.flushQueued = false;
    if (this.closed || this.socket.destroyed) return;
    if (this.out.writeTo(this.socket) === 0) return;
    const pending = this.socket.writableLength;
    this.socketPending = pending;
    // The kernel took it (no 'drain' will follow) or the backlog is back under the stall mark:
    // let stalled producers go, as nats-server closes its stall channel after such a flush.
    if (this.stalledProducers !== null && pending <= this.server.stallAt) this.releaseStalled();
    if (pending > 0 && this.writeTimer === null) this.armWriteDeadline();
  }

  /** `bytesWritten` counts what is still buffered too; take that off to see real progress. */
  private get bytesSent(): number {
    return this.socket.bytesWritten - this.socket.writableLength;
  }

  /**
   * Bytes of the write in flight that the kernel has not taken yet (libuv's live count). A large
   * write completes — and `bytesSent` moves — only once all of it is in the kernel, so a reader
   * that sips slowly shows its progress here first.
   */
  private get unsentInFlight(): number {
    const handle = (this.socket as unknown as { _handle?: { writeQueueSize?: number } })._handle;
    return handle?.writeQueueSize ?? 0;
  }

  private armWriteDeadline(): void {
    this.writtenAtArm = this.bytesSent;
    this.unsentAtArm = this.unsentInFlight;
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
    if (this.bytesSent > this.writtenAtArm || this.unsentInFlight < this.unsentAtArm) this.armWriteDeadline();
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
  stallOn(target: Connection): void {
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

  // ---- logging -----------------------------------------------------------------------------

  debug(msg: string): void {
    this.server.logger.debug(`${this.label} - ${msg}`);
  }

  trace(msg: string): void {
    if (this.server.logger.isTrace) this.server.logger.trace(`${this.label} - ${msg}`);
  }
}
