/**
 * The client protocol's op table (nats-server parser.go, client side): PUB, HPUB, SUB, UNSUB,
 * PING, PONG, CONNECT, INFO, +OK, -ERR. Each op reads its arguments and calls one handler
 * method. PING, PONG, CONNECT, INFO, +OK and -ERR are generic over any handler that has the
 * method, so other connection kinds (routes, gateways) reuse them in their own tables.
 */
import { OpTable, ProtocolError, parseSize, splitArgs, type LineOp, type MsgOp, type ParserHandler } from './parser.js';

export interface PingHandler {
  onPing(): void;
  onPong(): void;
}

/** The ops every NATS connection kind shares. */
export interface ControlHandler extends ParserHandler, PingHandler {
  onConnect(json: string): void;
  onInfo(json: string): void;
  onErr(text: string): void;
  onOk(): void;
}

/** What a client connection implements for the parser: one method per op (PUB and HPUB arrive at `onMsg`). */
export interface ClientOpHandler extends ControlHandler {
  onSub(subject: string, queue: string | null, sid: string): void;
  onUnsub(sid: string, max: number): void;
}

export const PING: LineOp<PingHandler> = { name: 'ping', hasArgs: false, anyLength: true, ignoresArgs: true, run: (h) => h.onPing() };
export const PONG: LineOp<PingHandler> = { name: 'pong', hasArgs: false, anyLength: true, ignoresArgs: true, run: (h) => h.onPong() };
export const OK: LineOp<ControlHandler> = { name: '+ok', hasArgs: false, anyLength: true, ignoresArgs: true, run: (h) => h.onOk() };
export const CONNECT: LineOp<ControlHandler> = {
  name: 'connect',
  hasArgs: false,
  run: (h, _p, buf, s, e) => h.onConnect(buf.toString('utf8', s, e)),
};
export const INFO: LineOp<ControlHandler> = {
  name: 'info',
  hasArgs: false,
  run: (h, _p, buf, s, e) => h.onInfo(buf.toString('utf8', s, e)),
};
export const ERR: LineOp<ControlHandler> = {
  name: '-err',
  hasArgs: true,
  run: (h, _p, buf, s, e) => h.onErr(buf.toString('utf8', s, e)),
};

export const PUB: MsgOp<ClientOpHandler> = {
  name: 'pub',
  hasArgs: true,
  payload: true,
  subjectArg: 0,
  // PUB <subject> [reply] <size>
  header(p, buf, a) {
    const n = a.n;
    if (n !== 2 && n !== 3) throw new ProtocolError('protocol', 'processPub Parse Error');
    const m = p.msg;
    m.reply = n === 3 ? buf.latin1Slice(a.s[1], a.e[1]) : '';
    m.hdr = -1;
    const size = parseSize(buf, a.s[n - 1], a.e[n - 1]);
    if (size < 0) throw new ProtocolError('protocol', 'processPub Bad or Missing Size');
    return size;
  },
};

export const HPUB: MsgOp<ClientOpHandler> = {
  name: 'hpub',
  hasArgs: true,
  payload: true,
  subjectArg: 0,
  // HPUB <subject> [reply] <header size> <total size>
  header(p, buf, a) {
    if (!p.headers) throw new ProtocolError('protocol', 'message headers not supported');
    const n = a.n;
    if (n !== 3 && n !== 4) throw new ProtocolError('protocol', 'processHeaderPub Parse Error');
    const m = p.msg;
    m.reply = n === 4 ? buf.latin1Slice(a.s[1], a.e[1]) : '';
    m.hdr = parseSize(buf, a.s[n - 2], a.e[n - 2]);
    const size = parseSize(buf, a.s[n - 1], a.e[n - 1]);
    if (m.hdr < 0) throw new ProtocolError('protocol', 'processHeaderPub Bad or Missing Header Size');
    if (size < 0) throw new ProtocolError('protocol', 'processHeaderPub Bad or Missing Total Size');
    if (m.hdr > size) throw new ProtocolError('protocol', 'processHeaderPub Header Size larger then TotalSize');
    return size;
  },
};

export const SUB: LineOp<ClientOpHandler> = {
  name: 'sub',
  hasArgs: true,
  run(h, _p, buf, start, end) {
    const a = splitArgs(buf, start, end, true);
    if (a.n === 2) h.onSub(buf.latin1Slice(a.s[0], a.e[0]), null, buf.latin1Slice(a.s[1], a.e[1]));
    else if (a.n === 3) h.onSub(buf.latin1Slice(a.s[0], a.e[0]), buf.latin1Slice(a.s[1], a.e[1]), buf.latin1Slice(a.s[2], a.e[2]));
    else throw new ProtocolError('protocol', 'processSub Parse Error');
  },
};

export const UNSUB: LineOp<ClientOpHandler> = {
  name: 'unsub',
  hasArgs: true,
  run(h, _p, buf, start, end) {
    const a = splitArgs(buf, start, end, true);
    if (a.n === 1) h.onUnsub(buf.latin1Slice(a.s[0], a.e[0]), -1);
    else if (a.n === 2) h.onUnsub(buf.latin1Slice(a.s[0], a.e[0]), parseSize(buf, a.s[1], a.e[1]));
    else throw new ProtocolError('protocol', 'processUnsub Parse Error');
  },
};

/** The client protocol, most frequent ops first. */
export const CLIENT_OPS = new OpTable<ClientOpHandler>([PUB, HPUB, PING, PONG, SUB, UNSUB, CONNECT, INFO, OK, ERR]);
