/**
 * The protocol parser: a byte-level scanner over a connection's Buffers, driven by an op table.
 *
 * The scan loop knows only two shapes of operation: a control line (`PING`, `SUB a 1`, `RS+ A
 * foo`), and a control line followed by a message whose size the line gives (`PUB`, `HPUB`, and
 * later `RMSG`, `LMSG`). Which names exist and what they mean comes from the `OpTable` the
 * connection kind hands in (protocol/client-ops.ts for clients); a route or gateway protocol is
 * a new table of ops plus handler methods, not a change here.
 *
 * Speed: control lines are found with indexOf('\n'); arguments are split into a reused index
 * table (no allocation); payloads are handed over as (buffer, start, end) without copying when
 * they sit whole in one read. Only the tail of a split control line or a split payload is
 * copied. A publisher repeating its subject gets the same string back (`subjectAt`).
 */

export type ProtocolErrorKind = 'unknown_op' | 'max_control_line' | 'max_payload' | 'protocol' | 'auth';

export class ProtocolError extends Error {
  constructor(
    readonly kind: ProtocolErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** What every handler offers the scan loop itself. */
export interface ParserHandler {
  /** Called before the first op while `requireConnect` is set and the op is not CONNECT; return true to allow it. */
  onAuthBypass(): boolean;
  /**
   * A message op's message (PUB/HPUB for clients; one method per connection kind): `hdr` is -1
   * without headers; the bytes (headers + payload) are buf[start, end). Arguments beyond subject,
   * reply and header size (a route's account and queues) are in `parser.msg`, where the op's
   * `header` put them. Called directly by the scan loop, so the hot path has no indirection.
   */
  onMsg(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void;
  /** With `parser.pedantic`: a message op's subject, checked when its control line is read (before the payload). */
  onPedanticSubject?(subject: string): void;
}

/** Token boundaries of a control line's arguments (one reused object: no allocation per line). */
export interface Args {
  /** Number of arguments (may exceed the five recorded). */
  n: number;
  s: number[];
  e: number[];
}

/**
 * An op that is one control line. `run` gets the argument bytes buf[argStart, argEnd). Op
 * functions are called without `this` (the table keeps them in its own uniform records).
 */
export interface LineOp<H> {
  /** Lowercase name as sent (`ping`, `sub`, `rs+`). */
  readonly name: string;
  /** The name must be followed by a space or tab (the op takes arguments). */
  readonly hasArgs: boolean;
  /** Not subject to max_control_line (nats-server checks only ops with arguments). */
  readonly anyLength?: boolean;
  /** The op reads no arguments: whatever follows its name up to the line feed is ignored (PING, PONG, +OK). */
  readonly ignoresArgs?: boolean;
  readonly payload?: false;
  run(h: H, p: Parser<H>, buf: Buffer, argStart: number, argEnd: number): void;
}

/** An op whose control line announces a message of `size` bytes that follows it (plus CRLF). */
export interface MsgOp<H> {
  readonly name: string;
  readonly hasArgs: true;
  readonly anyLength?: false;
  readonly ignoresArgs?: false;
  readonly payload: true;
  /** Which argument (0-based) is the subject: the scan reads it into `p.msg.subject`, reusing the string when it repeats. */
  readonly subjectArg: number;
  /**
   * Reads the line's other arguments (split at spaces and tabs: `a.n` of them, the first five at
   * buf[a.s[i], a.e[i])) into `p.msg`; returns the message size, or throws ProtocolError. The
   * message then goes to the handler's `onMsg`.
   */
  header(p: Parser<H>, buf: Buffer, a: Args): number;
}

export type Op<H> = LineOp<H> | MsgOp<H>;

const noRun = (): void => {};
const noHeader = (): number => 0;

/**
 * An op as the scan loop uses it: every op, line or message, in this one shape (so the loop's
 * property loads stay monomorphic whatever mix of ops a connection sends), with its name as
 * bytes to compare: letters case-insensitively (OR 0x20), other bytes exactly.
 */
class TableOp<H> {
  readonly codes: Uint8Array;
  readonly folds: Uint8Array;
  readonly nameLength: number;
  readonly hasArgs: boolean;
  readonly anyLength: boolean;
  readonly ignoresArgs: boolean;
  readonly payload: boolean;
  readonly subjectArg: number;
  readonly run: LineOp<H>['run'];
  readonly header: MsgOp<H>['header'];

  constructor(op: Op<H>) {
    const name = op.name;
    this.codes = new Uint8Array(name.length);
    this.folds = new Uint8Array(name.length);
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      this.codes[i] = c;
      this.folds[i] = c >= 97 && c <= 122 ? 32 : 0;
    }
    this.nameLength = name.length;
    this.hasArgs = op.hasArgs;
    this.anyLength = op.anyLength === true;
    this.ignoresArgs = op.ignoresArgs === true;
    if (op.payload === true) {
      this.payload = true;
      this.subjectArg = op.subjectArg;
      this.run = noRun;
      this.header = op.header;
    } else {
      this.payload = false;
      this.subjectArg = -1;
      this.run = op.run;
      this.header = noHeader;
    }
  }
}

/** The ops one connection kind accepts, indexed by their first byte (case-insensitive). */
export class OpTable<H> {
  /** For each first byte, the ops starting with it. */
  readonly byFirst: Array<TableOp<H>[] | undefined> = new Array(256);
  readonly ops: readonly Op<H>[];

  /** Ops are tried in the given order among those sharing a first letter: put the frequent ones first. */
  constructor(ops: readonly Op<H>[]) {
    this.ops = ops;
    for (const op of ops) {
      const c = op.name.charCodeAt(0);
      const named = new TableOp(op);
      (this.byFirst[c] ??= []).push(named);
      const upper = c >= 97 && c <= 122 ? c - 32 : c;
      if (upper !== c) this.byFirst[upper] = this.byFirst[c];
    }
  }
}

/** The arguments of the message being read (what `MsgOp.header` fills in). */
export class MsgArgs {
  subject = '';
  reply = '';
  /** Header bytes at the start of the message, -1 without headers. */
  hdr = -1;
  /** Routed messages (RMSG/HMSG of routes and gateways): the account. */
  account = '';
  /** Routed messages: the queue groups listed (`+ reply q…` / `| q…`), null when none. */
  queues: string[] | null = null;
}

const LF = 10;
const CR = 13;
const SP = 32;
const TAB = 9;

/** Parses a decimal size as nats-server's parseSize: 1..9 digits, else -1. */
export function parseSize(buf: Buffer, start: number, end: number): number {
  const len = end - start;
  if (len === 0 || len > 9) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

const MATCH = 0;
const NEED_MORE = 1;
const NO_MATCH = 2;

/** Does buf[start..end) spell the op's name (its first byte is already known to match)? */
function tryName<H>(buf: Buffer, start: number, end: number, named: TableOp<H>): number {
  const codes = named.codes;
  const folds = named.folds;
  const n = codes.length;
  const avail = end - start;
  const upto = n <= avail ? n : avail;
  for (let i = 1; i < upto; i++) {
    if ((buf[start + i] | folds[i]) !== codes[i]) return NO_MATCH;
  }
  if (upto < n) return NEED_MORE;
  if (named.hasArgs) {
    if (n >= avail) return NEED_MORE;
    const c = buf[start + n];
    if (c !== SP && c !== TAB) return NO_MATCH;
  }
  return MATCH;
}

/**
 * The op at buf[start..end): the op, null when more bytes are needed to decide; throws
 * unknown_op when the bytes cannot start any op of the table. Kept small (the first candidate,
 * the frequent op, is tried here; the rest in `matchOther`) so the JIT inlines it in the scan.
 */
function matchOp<H>(table: OpTable<H>, buf: Buffer, start: number, end: number): TableOp<H> | null {
  const cands = table.byFirst[buf[start]];
  if (cands !== undefined && tryName(buf, start, end, cands[0]) === MATCH) return cands[0];
  return matchOther(cands, buf, start, end);
}

function matchOther<H>(cands: TableOp<H>[] | undefined, buf: Buffer, start: number, end: number): TableOp<H> | null {
  if (cands !== undefined) {
    let more = false;
    for (let i = 0; i < cands.length; i++) {
      const r = tryName(buf, start, end, cands[i]);
      if (r === MATCH) return cands[i];
      if (r === NEED_MORE) more = true;
    }
    if (more) return null;
  }
  throw new ProtocolError('unknown_op', 'unknown op');
}

export class Parser<H> {
  maxControlLine = 4096;
  maxPayload = 1024 * 1024;
  /** Whether HPUB is allowed (the peer negotiated headers). */
  headers = false;
  /** While set, the first op must be CONNECT (auth required and no CONNECT yet). */
  requireConnect = false;
  /** Check control-line length (client connections only). */
  checkControlLine = true;
  /** The client asked for pedantic checks: the handler's `onPedanticSubject` sees each publish subject with its control line. */
  pedantic = false;
  /** The arguments of the message being read; ops fill it in `header`. */
  readonly msg = new MsgArgs();

  /** Bytes of a control line split across reads before its arguments began (op name, spaces). */
  private partial: Buffer | null = null;
  /**
   * A control line split inside its arguments: the op and the argument bytes so far, kept as
   * nats-server keeps them (its argBuf): the first read's part minus its last byte when a CR was
   * among them, later reads' parts without their CRs.
   */
  private partialOp: TableOp<H> | null = null;
  private partialArgs: Buffer | null = null;
  /** A message (+ CRLF) being filled across reads (its arguments stay in `msg`). */
  private pending: Buffer | null = null;
  private pendingFilled = 0;

  private halted = false;
  /** The last publish subject: a publisher repeating it gets the same string (no allocation, cached hash). */
  private lastSubject = '';
  /** Parsing paused at an op boundary (e.g. while a CONNECT is verified asynchronously). */
  private suspended = false;
  private backlog: Buffer | null = null;

  constructor(
    private readonly h: H & ParserHandler,
    readonly table: OpTable<H>,
  ) {}

  /** The subject at buf[start, end), as the same string when it repeats the previous one. */
  subjectAt(buf: Buffer, start: number, end: number): string {
    const last = this.lastSubject;
    const n = end - start;
    if (last.length === n) {
      let i = 0;
      while (i < n && buf[start + i] === last.charCodeAt(i)) i++;
      if (i === n) return last;
    }
    return (this.lastSubject = buf.latin1Slice(start, end));
  }

  /** Stops after the current op; later input is kept until `resume()`. */
  suspend(): void {
    this.suspended = true;
  }

  /** Ends a suspension; returns the input kept meanwhile, for the owner to parse. */
  resume(): Buffer | null {
    this.suspended = false;
    const b = this.backlog;
    this.backlog = null;
    return b;
  }

  /** Stops parsing (the connection is closing); later chunks are ignored. */
  halt(): void {
    this.halted = true;
    this.partial = null;
    this.partialOp = null;
    this.partialArgs = null;
    this.pending = null;
  }

  /** Parses one chunk. Throws ProtocolError; after that the parser must not be used again. */
  parse(chunk: Buffer): void {
    if (this.halted) return;
    if (this.suspended) {
      this.backlog = this.backlog === null ? Buffer.from(chunk) : Buffer.concat([this.backlog, chunk]);
      return;
    }
    let buf = chunk;
    let pos = 0;
    const len0 = chunk.length;

    if (this.pending !== null) {
      const msg = this.pending;
      const filled = this.pendingFilled;
      const need = msg.length - filled;
      const n = need < len0 ? need : len0;
      chunk.copy(msg, filled, 0, n);
      this.pendingFilled += n;
      pos = n;
      const size = msg.length - 2;
      // The CR after the payload is checked as soon as it arrives (nats-server's MSG_END_R), not when the LF does.
      if (this.pendingFilled > size && msg[size] !== CR) throw new ProtocolError('unknown_op', 'payload not followed by CRLF');
      if (this.pendingFilled < msg.length) return;
      this.pending = null;
      if (msg[size + 1] !== LF) throw new ProtocolError('unknown_op', 'payload not followed by CRLF');
      const m = this.msg;
      this.h.onMsg(m.subject, m.reply, m.hdr, msg, 0, size);
      if (this.halted) return;
    }

    if (this.partialOp !== null) {
      // The arguments of a split control line: CRs of this read are dropped, the LF ends them.
      const op = this.partialOp;
      const nl = chunk.indexOf(LF, pos);
      const upto = nl < 0 ? len0 : nl;
      const args = Buffer.concat([this.partialArgs!, withoutCR(chunk, pos, upto)]);
      this.checkLineLength(op, args.length);
      if (nl < 0) {
        this.partialArgs = args;
        return;
      }
      this.partialOp = null;
      this.partialArgs = null;
      const next = this.runOp(op, args, 0, args.length, chunk, nl + 1);
      if (next >= 0 && next < len0 && !this.halted) this.scan(chunk, next);
      return;
    }

    if (this.partial !== null) {
      buf = Buffer.concat([this.partial, pos === 0 ? chunk : chunk.subarray(pos)]);
      this.partial = null;
      pos = 0;
    }
    this.scan(buf, pos);
  }

  private checkLineLength(op: TableOp<H>, n: number): void {
    if (this.checkControlLine && n > this.maxControlLine && !op.anyLength) throw new ProtocolError('max_control_line', 'control line too long');
  }

  /**
   * Parses whole ops from buf[pos..]; keeps a trailing partial line or payload for the next read.
   *
   * Line ends as nats-server's byte-state parser sees them: an op's arguments begin at the first
   * byte after the spaces following its name, and that byte is taken as it is (even a CR or LF);
   * the line ends at the next LF; when a CR appeared among the arguments, the byte before the LF
   * is dropped (normally that CR). So `SUB foo 3\r9\r9\n` subscribes foo with queue 3, sid 9.
   */
  private scan(buf: Buffer, pos: number): void {
    const h = this.h;
    const table = this.table;
    const len = buf.length;
    while (pos < len && !this.halted) {
      if (this.suspended) {
        this.backlog = Buffer.from(buf.subarray(pos));
        return;
      }
      let nl = buf.indexOf(LF, pos);
      const lineEnd = nl < 0 ? len : nl;
      if (this.requireConnect && lower(buf[pos]) !== 99) {
        if (!h.onAuthBypass()) throw new ProtocolError('auth', 'authorization violation');
      }
      // The usual case inline (the first op of the table for this byte, its name whole and
      // followed by a byte); anything else through matchOp.
      let op: TableOp<H> | null = null;
      const cands = table.byFirst[buf[pos]];
      if (cands !== undefined) {
        const c0 = cands[0];
        const n = c0.nameLength;
        if (pos + n < lineEnd) {
          const codes = c0.codes;
          const folds = c0.folds;
          let i = 1;
          while (i < n && (buf[pos + i] | folds[i]) === codes[i]) i++;
          const next = buf[pos + n];
          if (i === n && (!c0.hasArgs || next === SP || next === TAB)) op = c0;
        }
      }
      if (op === null) op = matchOp(table, buf, pos, lineEnd);
      if (op === null) {
        // A complete line that stops inside an op name ("PU\n", "PUB\n") is no op at all.
        if (nl >= 0) throw new ProtocolError('unknown_op', 'unknown op');
        this.partial = Buffer.from(buf.subarray(pos));
        return;
      }
      const nameEnd = pos + op.nameLength;
      if (op.ignoresArgs) {
        if (nl < 0) {
          // Whatever follows the name up to the LF is ignored: keep only the name.
          this.partial = Buffer.from(buf.subarray(pos, nameEnd));
          return;
        }
        op.run(h, this, buf, nameEnd, nameEnd);
        pos = nl + 1;
        continue;
      }
      const argStart = argStartOf(buf, nameEnd, lineEnd);
      // The first argument byte is taken as it is: an LF there does not end the line.
      if (argStart === nl) nl = buf.indexOf(LF, nl + 1);
      if (nl < 0) {
        if (argStart >= len) {
          // No argument byte yet: keep the name and one separator (more spaces change nothing).
          this.partial = Buffer.from(buf.subarray(pos, Math.min(len, nameEnd + 1)));
          return;
        }
        const kept = Buffer.from(buf.subarray(argStart, hasCR(buf, argStart + 1, len) ? len - 1 : len));
        this.checkLineLength(op, kept.length);
        this.partialOp = op;
        this.partialArgs = kept;
        return;
      }
      const argEnd = nl - 1 > argStart && (buf[nl - 1] === CR || hasCR(buf, argStart + 1, nl - 1)) ? nl - 1 : nl;
      this.checkLineLength(op, argEnd - argStart);
      pos = this.runOp(op, buf, argStart, argEnd, buf, nl + 1);
      if (pos < 0) return;
    }
  }

  /**
   * Runs one op whose arguments are argBuf[argStart, argEnd); a message op's payload starts at
   * buf[payloadStart]. Returns where parsing goes on in buf, or -1 when the payload continues in
   * the next read.
   */
  private runOp(op: TableOp<H>, argBuf: Buffer, argStart: number, argEnd: number, buf: Buffer, payloadStart: number): number {
    if (!op.payload) {
      op.run(this.h, this, argBuf, argStart, argEnd);
      return payloadStart;
    }
    const a = splitArgs(argBuf, argStart, argEnd, false);
    const k = op.subjectArg;
    const m = this.msg;
    if (k < a.n && k < 5) m.subject = this.subjectAt(argBuf, a.s[k], a.e[k]);
    const size = op.header(this, argBuf, a);
    if (size > this.maxPayload) throw new ProtocolError('max_payload', String(size));
    // nats-server checks a pedantic client's publish subject with the control line, before the payload.
    if (this.pedantic) this.h.onPedanticSubject?.(m.subject);
    const len = buf.length;
    const start = payloadStart;
    const end = start + size;
    if (end + 2 <= len) {
      if (buf[end] !== CR || buf[end + 1] !== LF) throw new ProtocolError('unknown_op', 'payload not followed by CRLF');
      this.h.onMsg(m.subject, m.reply, m.hdr, buf, start, end);
      return end + 2;
    }
    // Split payload: collect it (with its CRLF) across reads; a wrong byte after it fails at once.
    const have = len - start;
    if (have > size && buf[end] !== CR) throw new ProtocolError('unknown_op', 'payload not followed by CRLF');
    // nats-server re-reads the PUB line when it keeps a split payload (clonePubArg), so a pedantic client hears twice;
    // a payload already known to be broken is not kept, so not re-read.
    if (this.pedantic) this.h.onPedanticSubject?.(m.subject);
    const msg = Buffer.allocUnsafe(size + 2);
    buf.copy(msg, 0, start, len);
    this.pending = msg;
    this.pendingFilled = have;
    return -1;
  }
}

/** Is there a CR in buf[start, end)? */
function hasCR(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === CR) return true;
  return false;
}

/** buf[start, end) without its CR bytes. */
function withoutCR(buf: Buffer, start: number, end: number): Buffer {
  if (!hasCR(buf, start, end)) return buf.subarray(start, end);
  const out: number[] = [];
  for (let i = start; i < end; i++) if (buf[i] !== CR) out.push(buf[i]);
  return Buffer.from(out);
}

function argStartOf(buf: Buffer, i: number, end: number): number {
  while (i < end && (buf[i] === SP || buf[i] === TAB)) i++;
  return i;
}

const args: Args = { n: 0, s: [0, 0, 0, 0, 0], e: [0, 0, 0, 0, 0] };

/**
 * Token boundaries of the control-line arguments buf[start, end) into one shared table, valid
 * until the next call. With `crlf`, CR and LF also separate (SUB and UNSUB, as nats-server).
 */
export function splitArgs(buf: Buffer, start: number, end: number, crlf: boolean): Args {
  let n = 0;
  let t = -1;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    const sep = c === SP || c === TAB || (crlf && (c === CR || c === LF));
    if (sep) {
      if (t >= 0) {
        if (n < 5) {
          args.s[n] = t;
          args.e[n] = i;
        }
        n++;
        t = -1;
      }
    } else if (t < 0) {
      t = i;
    }
  }
  if (t >= 0) {
    if (n < 5) {
      args.s[n] = t;
      args.e[n] = end;
    }
    n++;
  }
  args.n = n;
  return args;
}
