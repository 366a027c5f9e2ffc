/**
 * The route protocol's op table (nats-server parser.go, ROUTER side; route.go for the
 * arguments): RMSG, HMSG, LMSG, RS+, RS-, LS+, LS-, and the shared PING, PONG, CONNECT, INFO,
 * +OK, -ERR. The scan loop is protocol/parser.ts; this file only says what the ops mean.
 */
import { CONNECT, ERR, INFO, OK, PING, PONG, type ControlHandler } from '../protocol/client-ops.js';
import { MsgArgs, OpTable, ProtocolError, cachedLatin1, parseSize, splitArgs, type Args, type LineOp, type MsgOp, type Parser } from '../protocol/parser.js';

/** A routed message's arguments beyond subject and reply (kept in the parser's `msg`). */
export interface RoutedMsgArgs extends MsgArgs {
  account: string;
  /** Queue groups the sender picked this server for; null when none were listed. */
  queues: string[] | null;
}

export interface RouteOpHandler extends ControlHandler {
  /** `RS+ <account> <subject> [<queue> <weight>]` (and LS+ without its origin). */
  onRemoteSub(account: string, subject: string, queue: string | null, weight: number): void;
  /** `RS- <account> <subject> [<queue>]` (and LS-). */
  onRemoteUnsub(account: string, subject: string, queue: string | null): void;
}

/** Gives a route parser's `msg` the routed fields, so their shape is fixed from the start. */
export function routedArgs(p: Parser<RouteOpHandler>): RoutedMsgArgs {
  const m = p.msg as RoutedMsgArgs;
  if (m.account === undefined) {
    m.account = '';
    m.queues = null;
  }
  return m;
}

/** The whole argument list, for the rare lines with more than the five the scan records. */
function allArgs(buf: Buffer, a: Args): string[] {
  let nl = buf.indexOf(10, a.s[0]);
  if (nl < 0) nl = buf.length;
  const end = nl > 0 && buf[nl - 1] === 13 ? nl - 1 : nl;
  return buf.latin1Slice(a.s[0], end).split(/[ \t]+/).filter((t) => t.length > 0);
}

/**
 * `RMSG <acc> <subj> [reply] <size>`, `RMSG <acc> <subj> + <reply> <q>... <size>`,
 * `RMSG <acc> <subj> | <q>... <size>`; with headers a header size before the total size.
 * `skip` leading arguments (LMSG's origin cluster) are ignored.
 */
function routedHeader(p: Parser<RouteOpHandler>, buf: Buffer, a: Args, withHdr: boolean, skip: number, name: string): number {
  const m = routedArgs(p);
  const sizes = withHdr ? 2 : 1;
  const n = a.n;
  if (n < skip + 2 + sizes) throw new ProtocolError('protocol', `process${name}Args Parse Error`);
  // The same few account names on every message: the cached string, no allocation per message.
  m.account = cachedLatin1(buf, a.s[skip], a.e[skip]);
  m.queues = null;
  m.reply = '';
  const third = skip + 2;
  const marker = n > third + sizes && a.e[third] - a.s[third] === 1 ? buf[a.s[third]] : 0;
  let hdr = -1;
  let size: number;
  if (marker === 43 /* + */ || marker === 124 /* | */ || n > 5) {
    const t = allArgs(buf, a);
    let i = third;
    if (t[i] === '+') {
      m.reply = t[i + 1] ?? '';
      i += 2;
    } else if (t[i] === '|') i += 1;
    else if (t.length - i > sizes) m.reply = t[i++];
    if (marker === 43 || marker === 124) m.queues = t.slice(i, t.length - sizes);
    if (withHdr) hdr = Number.parseInt(t[t.length - 2], 10);
    size = parseSize(Buffer.from(t[t.length - 1], 'latin1'), 0, t[t.length - 1].length);
  } else {
    if (n === third + sizes + 1) m.reply = buf.latin1Slice(a.s[third], a.e[third]);
    else if (n !== third + sizes) throw new ProtocolError('protocol', `process${name}Args Parse Error`);
    if (withHdr) hdr = parseSize(buf, a.s[n - 2], a.e[n - 2]);
    size = parseSize(buf, a.s[n - 1], a.e[n - 1]);
  }
  if (withHdr && !(hdr >= 0)) throw new ProtocolError('protocol', `process${name}Args Bad or Missing Header Size`);
  if (size < 0) throw new ProtocolError('protocol', `process${name}Args Bad or Missing Size`);
  if (withHdr && hdr > size) throw new ProtocolError('protocol', `process${name}Args Header Size larger then TotalSize`);
  m.hdr = hdr;
  return size;
}

export const RMSG: MsgOp<RouteOpHandler> = {
  name: 'rmsg',
  hasArgs: true,
  payload: true,
  subjectArg: 1,
  header: (p, buf, a) => routedHeader(p, buf, a, false, 0, 'RoutedMsg'),
};

export const HMSG: MsgOp<RouteOpHandler> = {
  name: 'hmsg',
  hasArgs: true,
  payload: true,
  subjectArg: 1,
  header: (p, buf, a) => routedHeader(p, buf, a, true, 0, 'RoutedHeaderMsg'),
};

/** `LMSG <origin cluster> <acc> <subj> ...`: a leafnode's message; the origin is not used here (no leafnodes). */
export const LMSG: MsgOp<RouteOpHandler> = {
  name: 'lmsg',
  hasArgs: true,
  payload: true,
  subjectArg: 2,
  header: (p, buf, a) => routedHeader(p, buf, a, true, 1, 'RoutedOriginClusterMsg'),
};

function subArgs(h: RouteOpHandler, buf: Buffer, start: number, end: number, plus: boolean, skip: number): void {
  const a = splitArgs(buf, start, end, true);
  const n = a.n - skip;
  const s = (i: number) => buf.latin1Slice(a.s[i + skip], a.e[i + skip]);
  if (plus) {
    if (n === 2) h.onRemoteSub(s(0), s(1), null, 1);
    else if (n === 4) {
      const w = parseSize(buf, a.s[3 + skip], a.e[3 + skip]);
      h.onRemoteSub(s(0), s(1), s(2), w > 0 ? w : 1);
    } else if (n === 3) h.onRemoteSub(s(0), s(1), s(2), 1);
    else throw new ProtocolError('protocol', 'processRemoteSub Parse Error');
  } else {
    if (n === 2) h.onRemoteUnsub(s(0), s(1), null);
    else if (n === 3) h.onRemoteUnsub(s(0), s(1), s(2));
    else throw new ProtocolError('protocol', 'processRemoteUnsub Parse Error');
  }
}

export const RS_PLUS: LineOp<RouteOpHandler> = { name: 'rs+', hasArgs: true, run: (h, _p, buf, s, e) => subArgs(h, buf, s, e, true, 0) };
export const RS_MINUS: LineOp<RouteOpHandler> = { name: 'rs-', hasArgs: true, run: (h, _p, buf, s, e) => subArgs(h, buf, s, e, false, 0) };
/** `LS+ <origin> <acc> <subj> [<q> <w>]`: leaf interest; kept as plain remote interest. */
export const LS_PLUS: LineOp<RouteOpHandler> = { name: 'ls+', hasArgs: true, run: (h, _p, buf, s, e) => subArgs(h, buf, s, e, true, 1) };
export const LS_MINUS: LineOp<RouteOpHandler> = { name: 'ls-', hasArgs: true, run: (h, _p, buf, s, e) => subArgs(h, buf, s, e, false, 0) };

/** The route protocol, most frequent ops first. */
export const ROUTE_OPS = new OpTable<RouteOpHandler>([RMSG, HMSG, RS_PLUS, RS_MINUS, PING, PONG, LMSG, LS_PLUS, LS_MINUS, CONNECT, INFO, OK, ERR]);
