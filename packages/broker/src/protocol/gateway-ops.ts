/**
 * The gateway protocol's op table (nats-server parser.go with a GATEWAY client, gateway.go):
 * RMSG and HMSG messages, RS+/RS- subject interest, A+/A- account interest, and the shared
 * PING, PONG, CONNECT, INFO, +OK, -ERR. A message's account and queue names go to
 * `parser.msg.account` / `parser.msg.queues`.
 */
import { CONNECT, ERR, INFO, OK, PING, PONG, type ControlHandler } from './client-ops.js';
import { OpTable, ProtocolError, parseSize, splitArgs, type Args, type LineOp, type MsgOp, type Parser } from './parser.js';

/** What a gateway connection implements for the parser (RMSG/HMSG arrive at `onMsg`). */
export interface GatewayOpHandler extends ControlHandler {
  /** `RS+ <account> <subject> [<queue> <weight>]`. */
  onRemoteSub(account: string, subject: string, queue: string | null, weight: number): void;
  /** `RS- <account> <subject> [<queue>]`. */
  onRemoteUnsub(account: string, subject: string, queue: string | null): void;
  onAccountSub(account: string): void;
  onAccountUnsub(account: string): void;
}

/** Every argument of the control line starting at buf[start] (used when there are more than the five `Args` records). */
function allTokens(buf: Buffer, start: number): string[] {
  const out: string[] = [];
  let t = -1;
  let i = start;
  for (; i < buf.length; i++) {
    const c = buf[i];
    if (c === 10 || c === 13) break;
    if (c === 32 || c === 9) {
      if (t >= 0) out.push(buf.latin1Slice(t, i));
      t = -1;
    } else if (t < 0) t = i;
  }
  if (t >= 0) out.push(buf.latin1Slice(t, i));
  return out;
}

/**
 * Reads `<account> <subject> [reply | + reply queues… | "|" queues…]` and the trailing sizes
 * (`sizes` = 1 for RMSG, 2 for HMSG) into p.msg; returns the total size.
 */
function routedHeader<H>(p: Parser<H>, buf: Buffer, a: Args, sizes: 1 | 2, op: string): number {
  const n = a.n;
  const m = p.msg;
  if (n < 2 + sizes) throw new ProtocolError('protocol', `processRoutedMsgArgs Parse Error: ${op}`);
  m.account = buf.latin1Slice(a.s[0], a.e[0]);
  m.queues = null;
  m.reply = '';
  let hdrTok: string | null = null;
  let sizeTok: string;
  if (n <= 5) {
    const extra = n - 2 - sizes;
    if (extra === 1) m.reply = buf.latin1Slice(a.s[2], a.e[2]);
    else if (extra > 1) {
      const marker = buf.latin1Slice(a.s[2], a.e[2]);
      const rest: string[] = [];
      for (let i = 3; i < n - sizes; i++) rest.push(buf.latin1Slice(a.s[i], a.e[i]));
      setQueues(m, marker, rest);
    }
    if (sizes === 2) hdrTok = buf.latin1Slice(a.s[n - 2], a.e[n - 2]);
    sizeTok = buf.latin1Slice(a.s[n - 1], a.e[n - 1]);
  } else {
    const toks = allTokens(buf, a.s[0]);
    const k = toks.length;
    setQueues(m, toks[2], toks.slice(3, k - sizes));
    if (sizes === 2) hdrTok = toks[k - 2];
    sizeTok = toks[k - 1];
  }
  const size = sizeOf(sizeTok);
  if (size < 0) throw new ProtocolError('protocol', `processRoutedMsgArgs Bad or Missing Size: ${op}`);
  if (hdrTok !== null) {
    m.hdr = sizeOf(hdrTok);
    if (m.hdr < 0 || m.hdr > size) throw new ProtocolError('protocol', `processRoutedHeaderMsgArgs Bad or Missing Header Size: ${op}`);
  } else m.hdr = -1;
  return size;
}

function setQueues(m: Parser<unknown>['msg'], marker: string, rest: string[]): void {
  if (marker === '+') {
    if (rest.length === 0) throw new ProtocolError('protocol', 'processRoutedMsgArgs Parse Error: missing reply');
    m.reply = rest[0];
    m.queues = rest.slice(1);
  } else if (marker === '|') {
    m.queues = rest;
  } else {
    throw new ProtocolError('protocol', `processRoutedMsgArgs Bad or Missing Reply Indicator: '${marker}'`);
  }
}

function sizeOf(s: string): number {
  const b = Buffer.from(s, 'latin1');
  return parseSize(b, 0, b.length);
}

export const RMSG: MsgOp<GatewayOpHandler> = {
  name: 'rmsg',
  hasArgs: true,
  payload: true,
  subjectArg: 1,
  header: (p, buf, a) => routedHeader(p, buf, a, 1, 'RMSG'),
};

export const HMSG: MsgOp<GatewayOpHandler> = {
  name: 'hmsg',
  hasArgs: true,
  payload: true,
  subjectArg: 1,
  header(p, buf, a) {
    if (!p.headers) throw new ProtocolError('protocol', 'message headers not supported');
    return routedHeader(p, buf, a, 2, 'HMSG');
  },
};

export const RS_SUB: LineOp<GatewayOpHandler> = {
  name: 'rs+',
  hasArgs: true,
  run(h, _p, buf, start, end) {
    const a = splitArgs(buf, start, end, true);
    if (a.n === 2) h.onRemoteSub(buf.latin1Slice(a.s[0], a.e[0]), buf.latin1Slice(a.s[1], a.e[1]), null, 0);
    else if (a.n === 4) {
      const w = parseSize(buf, a.s[3], a.e[3]);
      h.onRemoteSub(buf.latin1Slice(a.s[0], a.e[0]), buf.latin1Slice(a.s[1], a.e[1]), buf.latin1Slice(a.s[2], a.e[2]), w < 0 ? 1 : w);
    } else throw new ProtocolError('protocol', `processGatewaySubjectSub Parse Error: '${buf.latin1Slice(start, end)}'`);
  },
};

export const RS_UNSUB: LineOp<GatewayOpHandler> = {
  name: 'rs-',
  hasArgs: true,
  run(h, _p, buf, start, end) {
    const a = splitArgs(buf, start, end, true);
    if (a.n === 2) h.onRemoteUnsub(buf.latin1Slice(a.s[0], a.e[0]), buf.latin1Slice(a.s[1], a.e[1]), null);
    else if (a.n === 3) h.onRemoteUnsub(buf.latin1Slice(a.s[0], a.e[0]), buf.latin1Slice(a.s[1], a.e[1]), buf.latin1Slice(a.s[2], a.e[2]));
    else throw new ProtocolError('protocol', `processGatewaySubjectUnsub Parse Error: '${buf.latin1Slice(start, end)}'`);
  },
};

export const A_SUB: LineOp<GatewayOpHandler> = {
  name: 'a+',
  hasArgs: true,
  run(h, _p, buf, start, end) {
    const a = splitArgs(buf, start, end, true);
    if (a.n !== 1) throw new ProtocolError('protocol', 'processGatewayAccountSub Parse Error');
    h.onAccountSub(buf.latin1Slice(a.s[0], a.e[0]));
  },
};

export const A_UNSUB: LineOp<GatewayOpHandler> = {
  name: 'a-',
  hasArgs: true,
  run(h, _p, buf, start, end) {
    const a = splitArgs(buf, start, end, true);
    if (a.n !== 1) throw new ProtocolError('protocol', 'processGatewayAccountUnsub Parse Error');
    h.onAccountUnsub(buf.latin1Slice(a.s[0], a.e[0]));
  },
};

/** The gateway protocol, most frequent ops first. */
export const GATEWAY_OPS = new OpTable<GatewayOpHandler>([RMSG, HMSG, RS_SUB, RS_UNSUB, PING, PONG, A_SUB, A_UNSUB, INFO, CONNECT, OK, ERR]);
