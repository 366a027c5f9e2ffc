/**
 * Client-protocol parser: a byte-level scanner over the socket's Buffers.
 * Control lines are found with indexOf('\n'); payloads are handed to the handler as
 * (buffer, start, end) without copying when they sit whole in one chunk. Only the tail
 * of a split control line or a split payload is copied.
 */

export const enum Op {
  PUB,
  HPUB,
  SUB,
  UNSUB,
  PING,
  PONG,
  CONNECT,
  INFO,
  OK,
  ERR,
}

export interface ProtocolHandler {
  /** Called before the first op while `requireConnect` is set and the op is not CONNECT; return true to allow it. */
  onAuthBypass(): boolean;
  onConnect(json: string): void;
  /** `hdr` is -1 for PUB; message bytes (headers + payload) are buf[start, end). */
  onPub(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void;
  onSub(subject: string, queue: string | null, sid: string): void;
  onUnsub(sid: string, max: number): void;
  onPing(): void;
  onPong(): void;
  onInfo(json: string): void;
  onErr(text: string): void;
  onOk(): void;
}

export type ProtocolErrorKind = 'unknown_op' | 'max_control_line' | 'max_payload' | 'protocol' | 'auth';

export class ProtocolError extends Error {
  constructor(
    readonly kind: ProtocolErrorKind,
    message: string,
  ) {
    super(message);
  }
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

/** Lowercase names; `true` when the name must be followed by a space or tab. */
const OP_NAMES: Array<[string, boolean]> = [];
OP_NAMES[Op.PUB] = ['pub', true];
OP_NAMES[Op.HPUB] = ['hpub', true];
OP_NAMES[Op.SUB] = ['sub', true];
OP_NAMES[Op.UNSUB] = ['unsub', true];
OP_NAMES[Op.PING] = ['ping', false];
OP_NAMES[Op.PONG] = ['pong', false];
OP_NAMES[Op.CONNECT] = ['connect', false];
OP_NAMES[Op.INFO] = ['info', false];
OP_NAMES[Op.OK] = ['+ok', false];
OP_NAMES[Op.ERR] = ['-err', true];

const NEED_MORE = -1;
const NO_MATCH = -2;

/** Index just after the op name of the last successful `matchOp` (no allocation per op). */
let matchedArgStart = 0;

/** Does buf[start..end) spell `op` (case-insensitively)? Returns op, NEED_MORE or NO_MATCH. */
function tryOp(buf: Buffer, start: number, end: number, op: Op): number {
  const [name, needsSpace] = OP_NAMES[op];
  const n = name.length;
  for (let i = 1; i < n; i++) {
    if (start + i >= end) return NEED_MORE;
    if (lower(buf[start + i]) !== name.charCodeAt(i)) return NO_MATCH;
  }
  if (needsSpace) {
    if (start + n >= end) return NEED_MORE;
    const c = buf[start + n];
    if (c !== SP && c !== TAB) return NO_MATCH;
  }
  matchedArgStart = start + n;
  return op;
}

/**
 * Identifies the op at buf[start..end). Returns NEED_MORE when more bytes are needed to decide,
 * throws unknown_op when the bytes cannot start any op.
 */
function matchOp(buf: Buffer, start: number, end: number): number {
  let r: number;
  switch (lower(buf[start])) {
    case 112: {
      // p: PUB, PING, PONG
      if (start + 1 >= end) return NEED_MORE;
      const c1 = lower(buf[start + 1]);
      if (c1 === 117) r = tryOp(buf, start, end, Op.PUB);
      else if (c1 === 105) r = tryOp(buf, start, end, Op.PING);
      else if (c1 === 111) r = tryOp(buf, start, end, Op.PONG);
      else r = NO_MATCH;
      break;
    }
    case 104:
      r = tryOp(buf, start, end, Op.HPUB);
      break;
    case 115:
      r = tryOp(buf, start, end, Op.SUB);
      break;
    case 117:
      r = tryOp(buf, start, end, Op.UNSUB);
      break;
    case 99:
      r = tryOp(buf, start, end, Op.CONNECT);
      break;
    case 105:
      r = tryOp(buf, start, end, Op.INFO);
      break;
    case 43:
      r = tryOp(buf, start, end, Op.OK);
      break;
    case 45:
      r = tryOp(buf, start, end, Op.ERR);
      break;
    default:
      r = NO_MATCH;
  }
  if (r === NO_MATCH) throw new ProtocolError('unknown_op', 'unknown op');
  return r;
}

export class Parser {
  maxControlLine = 4096;
  maxPayload = 1024 * 1024;
  /** Whether HPUB is allowed (client negotiated headers). */
  headers = false;
  /** While set, the first op must be CONNECT (auth required and no CONNECT yet). */
  requireConnect = false;
  /** Check control-line length (client connections only). */
  checkControlLine = true;

  /** Bytes of a control line split across reads. */
  private partial: Buffer | null = null;
  /** A payload (+ CRLF) being filled across reads. */
  private msg: Buffer | null = null;
  private msgFilled = 0;
  private msgSubject = '';
  private msgReply = '';
  private msgHdr = -1;

  constructor(private readonly h: ProtocolHandler) {}

  private halted = false;
  /** The last publish subject: a publisher repeating it gets the same string (no allocation, cached hash). */
  private lastSubject = '';

  private subjectAt(buf: Buffer, start: number, end: number): string {
    const last = this.lastSubject;
    const n = end - start;
    if (last.length === n) {
      let i = 0;
      while (i < n && buf[start + i] === last.charCodeAt(i)) i++;
      if (i === n) return last;
    }
    return (this.lastSubject = buf.latin1Slice(start, end));
  }
  /** Parsing paused at an op boundary (e.g. while a CONNECT is verified asynchronously). */
  private suspended = false;
  private backlog: Buffer | null = null;

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
    this.msg = null;
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

    if (this.msg !== null) {
      const msg = this.msg;
      const need = msg.length - this.msgFilled;
      const n = need < len0 ? need : len0;
      chunk.copy(msg, this.msgFilled, 0, n);
      this.msgFilled += n;
      pos = n;
      if (this.msgFilled < msg.length) return;
      this.msg = null;
      const size = msg.length - 2;
      if (msg[size] !== CR || msg[size + 1] !== LF) throw new ProtocolError('unknown_op', 'payload not followed by CRLF');
      this.h.onPub(this.msgSubject, this.msgReply, this.msgHdr, msg, 0, size);
      if (this.halted) return;
    }

    if (this.partial !== null) {
      const nl = chunk.indexOf(LF, pos);
      if (nl >= 0) {
        // Finish the split control line alone (a few bytes), then go on in this chunk: a PUB's
        // payload is then collected by the split-payload path above. Joining the whole chunk
        // instead would copy every read that ends mid-line.
        const line = Buffer.concat([this.partial, chunk.subarray(pos, nl + 1)]);
        this.partial = null;
        this.scan(line, 0);
        if (nl + 1 < len0) this.parse(chunk.subarray(nl + 1));
        return;
      }
      buf = Buffer.concat([this.partial, pos === 0 ? chunk : chunk.subarray(pos)]);
      this.partial = null;
      pos = 0;
    }
    this.scan(buf, pos);
  }

  /** Parses whole ops from buf[pos..]; keeps a trailing partial line or payload for the next read. */
  private scan(buf: Buffer, pos: number): void {
    const h = this.h;
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
      const op = matchOp(buf, pos, lineEnd);
      if (nl < 0) {
        // Incomplete control line: keep it for the next read, bounded by max_control_line.
        if (op !== NEED_MORE && this.checkControlLine && lineEnd - argStartOf(buf, matchedArgStart, lineEnd) > this.maxControlLine) {
          throw new ProtocolError('max_control_line', 'control line too long');
        }
        this.partial = Buffer.from(buf.subarray(pos));
        return;
      }
      // A complete line that stops inside an op name ("PU\n", "PUB\n") is no op at all.
      if (op === NEED_MORE) throw new ProtocolError('unknown_op', 'unknown op');
      const argStart = argStartOf(buf, matchedArgStart, nl);
      const argEnd = nl > argStart && buf[nl - 1] === CR ? nl - 1 : nl;

      if (this.checkControlLine && argEnd - argStart > this.maxControlLine && op !== Op.PING && op !== Op.PONG && op !== Op.OK) {
        throw new ProtocolError('max_control_line', 'control line too long');
      }

      if (op === Op.PUB || op === Op.HPUB) {
        const a = splitArgs(buf, argStart, argEnd, false);
        let subject: string;
        let reply = '';
        let hdr = -1;
        let size: number;
        if (op === Op.PUB) {
          if (a.n === 3) {
            subject = this.subjectAt(buf, a.s[0], a.e[0]);
            reply = buf.latin1Slice(a.s[1], a.e[1]);
            size = parseSize(buf, a.s[2], a.e[2]);
          } else if (a.n === 2) {
            subject = this.subjectAt(buf, a.s[0], a.e[0]);
            size = parseSize(buf, a.s[1], a.e[1]);
          } else {
            throw new ProtocolError('protocol', 'processPub Parse Error');
          }
          if (size < 0) throw new ProtocolError('protocol', 'processPub Bad or Missing Size');
        } else {
          if (!this.headers) throw new ProtocolError('protocol', 'message headers not supported');
          if (a.n === 3) {
            subject = this.subjectAt(buf, a.s[0], a.e[0]);
            hdr = parseSize(buf, a.s[1], a.e[1]);
            size = parseSize(buf, a.s[2], a.e[2]);
          } else if (a.n === 4) {
            subject = this.subjectAt(buf, a.s[0], a.e[0]);
            reply = buf.latin1Slice(a.s[1], a.e[1]);
            hdr = parseSize(buf, a.s[2], a.e[2]);
            size = parseSize(buf, a.s[3], a.e[3]);
          } else {
            throw new ProtocolError('protocol', 'processHeaderPub Parse Error');
          }
          if (hdr < 0) throw new ProtocolError('protocol', 'processHeaderPub Bad or Missing Header Size');
          if (size < 0) throw new ProtocolError('protocol', 'processHeaderPub Bad or Missing Total Size');
          if (hdr > size) throw new ProtocolError('protocol', 'processHeaderPub Header Size larger then TotalSize');
        }
        if (size > this.maxPayload) throw new ProtocolError('max_payload', String(size));
        const start = nl + 1;
        const end = start + size;
        if (end + 2 <= len) {
          if (buf[end] !== CR || buf[end + 1] !== LF) throw new ProtocolError('unknown_op', 'payload not followed by CRLF');
          h.onPub(subject, reply, hdr, buf, start, end);
          pos = end + 2;
          continue;
        }
        // Split payload: collect it (with its CRLF) across reads.
        const have = len - start;
        if (have > size + 2) throw new ProtocolError('unknown_op', 'payload overrun');
        const msg = Buffer.allocUnsafe(size + 2);
        buf.copy(msg, 0, start, len);
        this.msg = msg;
        this.msgFilled = have;
        this.msgSubject = subject;
        this.msgReply = reply;
        this.msgHdr = hdr;
        return;
      }

      switch (op) {
        case Op.PING:
          h.onPing();
          break;
        case Op.PONG:
          h.onPong();
          break;
        case Op.SUB: {
          const a = splitArgs(buf, argStart, argEnd, true);
          if (a.n === 2) h.onSub(buf.latin1Slice(a.s[0], a.e[0]), null, buf.latin1Slice(a.s[1], a.e[1]));
          else if (a.n === 3) h.onSub(buf.latin1Slice(a.s[0], a.e[0]), buf.latin1Slice(a.s[1], a.e[1]), buf.latin1Slice(a.s[2], a.e[2]));
          else throw new ProtocolError('protocol', 'processSub Parse Error');
          break;
        }
        case Op.UNSUB: {
          const a = splitArgs(buf, argStart, argEnd, true);
          if (a.n === 1) h.onUnsub(buf.latin1Slice(a.s[0], a.e[0]), -1);
          else if (a.n === 2) h.onUnsub(buf.latin1Slice(a.s[0], a.e[0]), parseSize(buf, a.s[1], a.e[1]));
          else throw new ProtocolError('protocol', 'processUnsub Parse Error');
          break;
        }
        case Op.CONNECT:
          h.onConnect(buf.toString('utf8', argStart, argEnd));
          break;
        case Op.INFO:
          h.onInfo(buf.toString('utf8', argStart, argEnd));
          break;
        case Op.OK:
          h.onOk();
          break;
        case Op.ERR:
          h.onErr(buf.toString('utf8', argStart, argEnd));
          break;
      }
      pos = nl + 1;
      nl = -1;
    }
  }
}

function argStartOf(buf: Buffer, i: number, end: number): number {
  while (i < end && (buf[i] === SP || buf[i] === TAB)) i++;
  return i;
}

/** Token boundaries of the control-line arguments (reused object: no allocation per line). */
const args = { n: 0, s: [0, 0, 0, 0, 0], e: [0, 0, 0, 0, 0] };

function splitArgs(buf: Buffer, start: number, end: number, crlf: boolean): typeof args {
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
