/**
 * Parser properties: any split of a valid op stream parses to the same op sequence as the
 * whole stream (and as the ops it was built from); a stream with an error fails the same way,
 * after the same ops, however it is split.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OpTable, Parser, ProtocolError, parseSize, splitArgs, type LineOp, type MsgOp } from './parser.js';
import { CLIENT_OPS, PING, PONG, type ClientOpHandler, type PingHandler } from './client-ops.js';

type Ev =
  | ['PUB', string, string, string]
  | ['HPUB', string, string, number, string]
  | ['SUB', string, string | null, string]
  | ['UNSUB', string, number]
  | ['PING']
  | ['PONG']
  | ['CONNECT', string]
  | ['INFO', string]
  | ['OK']
  | ['ERR', string];

/** A handler that records every op; payloads are copied (the parser may reuse its buffers). */
class Recorder implements ClientOpHandler {
  events: Ev[] = [];
  onAuthBypass(): boolean {
    return true;
  }
  onConnect(json: string): void {
    this.events.push(['CONNECT', json]);
  }
  onMsg(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    const bytes = buf.toString('latin1', start, end);
    if (hdr < 0) this.events.push(['PUB', subject, reply, bytes]);
    else this.events.push(['HPUB', subject, reply, hdr, bytes]);
  }
  onSub(subject: string, queue: string | null, sid: string): void {
    this.events.push(['SUB', subject, queue, sid]);
  }
  onUnsub(sid: string, max: number): void {
    this.events.push(['UNSUB', sid, max]);
  }
  onPing(): void {
    this.events.push(['PING']);
  }
  onPong(): void {
    this.events.push(['PONG']);
  }
  onInfo(json: string): void {
    this.events.push(['INFO', json]);
  }
  onErr(text: string): void {
    this.events.push(['ERR', text]);
  }
  onOk(): void {
    this.events.push(['OK']);
  }
}

interface Outcome {
  events: Ev[];
  error: string | null;
}

function parseChunks(chunks: Buffer[], setup?: (p: Parser<ClientOpHandler>) => void): Outcome {
  const r = new Recorder();
  const p = new Parser(r, CLIENT_OPS);
  p.headers = true;
  setup?.(p);
  try {
    for (const c of chunks) p.parse(c);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return { events: r.events, error: e.kind };
  }
  return { events: r.events, error: null };
}

/** Cuts `buf` at the given positions (any order, duplicates allowed). */
function split(buf: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of at) {
    // Copies, so that the parser can not depend on the chunks sharing one ArrayBuffer.
    out.push(Buffer.from(buf.subarray(prev, c)));
    prev = c;
  }
  out.push(Buffer.from(buf.subarray(prev)));
  return out;
}

// ---- generators --------------------------------------------------------------------------

const tokenChars = fc.constantFrom(...'abcxyzAZ09-_$'.split(''), '\u00e9');
const token = fc.string({ unit: tokenChars, minLength: 1, maxLength: 6 });
const literal = fc.array(token, { minLength: 1, maxLength: 4 }).map((t) => t.join('.'));
const pattern = fc
  .tuple(fc.array(fc.oneof(token, fc.constant('*')), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([t, fwc]) => (fwc ? [...t, '>'] : t).join('.'));
const sid = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 1, maxLength: 5 });
/** Payload bytes as a latin1 string, biased towards CR, LF and protocol-looking text. */
const payload = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 255 }).map((n) => String.fromCharCode(n)), fc.constantFrom('\r\n', '\r', '\n', 'PING\r\n', 'PUB x 1\r\n', ' ')), { maxLength: 24 })
  .map((a) => a.join(''));
const sep = fc.constantFrom(' ', '\t', '  ', ' \t');
/** An op name in random letter case. */
const opName = (name: string) =>
  fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((up) => [...name].map((ch, i) => (up[i] ? ch.toUpperCase() : ch.toLowerCase())).join(''));

interface GenOp {
  bytes: string;
  ev: Ev;
}

const pubOp = fc.tuple(opName('pub'), sep, literal, fc.option(literal, { nil: undefined }), payload).map(([n, s, subj, reply, data]): GenOp => ({
  bytes: `${n}${s}${subj}${reply !== undefined ? s + reply : ''}${s}${Buffer.byteLength(data, 'latin1')}\r\n${data}\r\n`,
  ev: ['PUB', subj, reply ?? '', data],
}));
const hpubOp = fc.tuple(opName('hpub'), literal, fc.option(literal, { nil: undefined }), fc.array(fc.tuple(token, token), { maxLength: 3 }), payload).map(([n, subj, reply, hs, data]): GenOp => {
  const hdr = `NATS/1.0\r\n${hs.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  const all = hdr + data;
  return {
    bytes: `${n} ${subj} ${reply !== undefined ? reply + ' ' : ''}${hdr.length} ${Buffer.byteLength(all, 'latin1')}\r\n${all}\r\n`,
    ev: ['HPUB', subj, reply ?? '', hdr.length, all],
  };
});
const subOp = fc.tuple(opName('sub'), sep, pattern, fc.option(token, { nil: null }), sid).map(([n, s, subj, q, id]): GenOp => ({
  bytes: `${n}${s}${subj}${q !== null ? s + q : ''}${s}${id}\r\n`,
  ev: ['SUB', subj, q, id],
}));
const unsubOp = fc.tuple(opName('unsub'), sid, fc.option(fc.integer({ min: 0, max: 999_999_999 }), { nil: undefined })).map(([n, id, max]): GenOp => ({
  bytes: `${n} ${id}${max !== undefined ? ' ' + max : ''}\r\n`,
  ev: ['UNSUB', id, max ?? -1],
}));
const pingOp = opName('ping').map((n): GenOp => ({ bytes: `${n}\r\n`, ev: ['PING'] }));
const pongOp = opName('pong').map((n): GenOp => ({ bytes: `${n}\r\n`, ev: ['PONG'] }));
const connectOp = fc
  .record({ verbose: fc.boolean(), pedantic: fc.boolean(), name: fc.string({ maxLength: 8 }), headers: fc.boolean() })
  .chain((o) => opName('connect').map((n): GenOp => ({ bytes: `${n} ${JSON.stringify(o)}\r\n`, ev: ['CONNECT', JSON.stringify(o)] })));

const validOp = fc.oneof(pubOp, hpubOp, subOp, unsubOp, pingOp, pongOp, connectOp);
const opStream = fc.array(validOp, { minLength: 1, maxLength: 12 });
const cuts = fc.array(fc.nat(), { maxLength: 12 });

function streamOf(ops: GenOp[]): Buffer {
  return Buffer.from(ops.map((o) => o.bytes).join(''), 'latin1');
}

/** Invalid tails: each makes the parser throw. */
const badTail = fc.constantFrom(
  'FOO\r\n',
  'PUBX a 1\r\n',
  'MSG a 1 1\r\nx\r\n',
  'PUB a 2\r\nabX\r\n',
  'PUB a\r\n',
  'PUB a b c 1\r\n',
  'HPUB a 5 2\r\nab\r\n',
  'HPUB a 2\r\nab\r\n',
  'SUB a\r\n',
  'SUB a b c d\r\n',
  'UNSUB\r\n',
  'PUB a 2000000\r\n',
  `SUB ${'x'.repeat(5000)} 1\r\n`,
  `PUB ${'x'.repeat(5000)}`,
  '\r\n',
  ' PING\r\n',
  '-ERR\r\n',
);

// ---- properties --------------------------------------------------------------------------

describe('parser', () => {
  test('any split of a valid stream parses to the ops it was built from', () => {
    fc.assert(
      fc.property(opStream, cuts, (ops, at) => {
        const stream = streamOf(ops);
        const whole = parseChunks([stream]);
        assert.equal(whole.error, null);
        assert.deepEqual(whole.events, ops.map((o) => o.ev));
        assert.deepEqual(parseChunks(split(stream, at)), whole);
      }),
      { numRuns: 500 },
    );
  });

  test('byte-by-byte parsing equals whole parsing', () => {
    fc.assert(
      fc.property(opStream, (ops) => {
        const stream = streamOf(ops);
        const bytes = Array.from({ length: stream.length }, (_, i) => stream.subarray(i, i + 1));
        assert.deepEqual(parseChunks(bytes), parseChunks([stream]));
      }),
      { numRuns: 150 },
    );
  });

  test('a stream with an error fails the same way, after the same ops, however it is split', () => {
    fc.assert(
      fc.property(fc.array(validOp, { maxLength: 6 }), badTail, fc.array(validOp, { maxLength: 3 }), cuts, (ops, bad, after, at) => {
        const stream = Buffer.concat([streamOf(ops), Buffer.from(bad, 'latin1'), streamOf(after)]);
        const whole = parseChunks([stream]);
        assert.notEqual(whole.error, null, `no error for ${JSON.stringify(bad)}`);
        assert.deepEqual(whole.events, ops.map((o) => o.ev));
        assert.deepEqual(parseChunks(split(stream, at)), whole);
      }),
      { numRuns: 500 },
    );
  });

  test('errors have the kinds the client maps to nats-server replies', () => {
    const kind = (s: string) => parseChunks([Buffer.from(s, 'latin1')]).error;
    assert.equal(kind('FOO\r\n'), 'unknown_op');
    assert.equal(kind('-ERR\r\n'), 'unknown_op');
    assert.equal(kind('PUB a 2\r\nabX\r\n'), 'unknown_op');
    assert.equal(kind('PUB a 2000000\r\n'), 'max_payload');
    assert.equal(kind(`SUB ${'x'.repeat(5000)} 1\r\n`), 'max_control_line');
    assert.equal(kind(`SUB ${'x'.repeat(5000)}`), 'max_control_line');
    assert.equal(kind('PUB a\r\n'), 'protocol');
    assert.equal(kind('HPUB a 5 2\r\nab\r\n'), 'protocol');
    assert.equal(kind('PING\r\n'), null);
    // HPUB needs headers negotiated.
    assert.equal(parseChunks([Buffer.from('HPUB a 2 2\r\nab\r\n')], (p) => (p.headers = false)).error, 'protocol');
  });

  test('PING, PONG and CONNECT with trailing text, lowercase and tabs', () => {
    const r = parseChunks([Buffer.from('PINGX\r\nping\r\nPong\r\nconnect\t{"a":1}\r\n+OK\r\n-ERR \'x\'\r\nINFO {}\r\n')]);
    assert.deepEqual(r, { events: [['PING'], ['PING'], ['PONG'], ['CONNECT', '{"a":1}'], ['OK'], ['ERR', "'x'"], ['INFO', '{}']], error: null });
  });

  test('parseSize takes 1 to 9 digits only', () => {
    const size = (s: string) => parseSize(Buffer.from(s), 0, s.length);
    assert.equal(size('0'), 0);
    assert.equal(size('123456789'), 123456789);
    assert.equal(size('1234567890'), -1);
    assert.equal(size(''), -1);
    assert.equal(size('-1'), -1);
    assert.equal(size('+1'), -1);
    assert.equal(size('1a'), -1);
  });
});

// ---- another connection kind: a table of its own, the same scan loop ------------------------

/** A route-like protocol: `RS+ <account> <subject>` lines and `RMSG <account> <subject> <size>` messages. */
interface ToyRouteHandler extends PingHandler {
  events: string[];
  onAuthBypass(): boolean;
  onRemoteSub(account: string, subject: string): void;
  onMsg(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void;
}

const RS_PLUS: LineOp<ToyRouteHandler> = {
  name: 'rs+',
  hasArgs: true,
  run(h, _p, buf, s, e) {
    const a = splitArgs(buf, s, e, true);
    if (a.n !== 2) throw new ProtocolError('protocol', 'RS+ Parse Error');
    h.onRemoteSub(buf.latin1Slice(a.s[0], a.e[0]), buf.latin1Slice(a.s[1], a.e[1]));
  },
};
let routedAccount = '';
const RMSG: MsgOp<ToyRouteHandler> = {
  name: 'rmsg',
  hasArgs: true,
  payload: true,
  subjectArg: 1,
  header(p, buf, a) {
    if (a.n !== 3) throw new ProtocolError('protocol', 'RMSG Parse Error');
    // A route's extra argument; a real route op would keep it in a field added to MsgArgs.
    routedAccount = buf.latin1Slice(a.s[0], a.e[0]);
    p.msg.reply = '';
    p.msg.hdr = -1;
    return parseSize(buf, a.s[2], a.e[2]);
  },
};
const TOY_ROUTE_OPS = new OpTable<ToyRouteHandler>([RMSG, RS_PLUS, PING, PONG]);

describe('op tables', () => {
  const toy = (): ToyRouteHandler => ({
    events: [],
    onAuthBypass: () => true,
    onPing() {
      this.events.push('PING');
    },
    onPong() {
      this.events.push('PONG');
    },
    onRemoteSub(account, subject) {
      this.events.push(`RS+ ${account} ${subject}`);
    },
    onMsg(subject, _reply, _hdr, buf, start, end) {
      this.events.push(`RMSG ${routedAccount} ${subject} ${JSON.stringify(buf.toString('latin1', start, end))}`);
    },
  });
  const stream = Buffer.from('RS+ $G foo.>\r\nrmsg A foo.bar 5\r\nhe\r\no\r\nPING\r\nRS+ B x\r\n', 'latin1');
  const want = ['RS+ $G foo.>', 'RMSG A foo.bar "he\\r\\no"', 'PING', 'RS+ B x'];

  test('a new kind is a new table: its ops parse, split anywhere, through the same loop', () => {
    fc.assert(
      fc.property(cuts, (at) => {
        const h = toy();
        const p = new Parser(h, TOY_ROUTE_OPS);
        for (const c of split(stream, at)) p.parse(c);
        assert.deepEqual(h.events, want);
      }),
      { numRuns: 300 },
    );
  });

  test('ops of another table are unknown', () => {
    const h = toy();
    assert.throws(() => new Parser(h, TOY_ROUTE_OPS).parse(Buffer.from('PUB a 1\r\nx\r\n')), (e: unknown) => e instanceof ProtocolError && e.kind === 'unknown_op');
    assert.equal(parseChunks([Buffer.from('RS+ A b\r\n')]).error, 'unknown_op');
  });
});

describe('CR and LF inside control lines, as nats-server reads them byte by byte', () => {
  const B = (s: string) => Buffer.from(s, 'latin1');

  test('a CR among the arguments drops the byte before the LF', () => {
    assert.deepEqual(parseChunks([B('SUB foo.> 3\r9\r9\n')]).events, [['SUB', 'foo.>', '3', '9']]);
    assert.deepEqual(parseChunks([B('PUB foo\r 1\r\nx\r\n')]).events, [['PUB', 'foo\r', '', 'x']]);
    assert.deepEqual(parseChunks([B('SUB foo 1\n')]).events, [['SUB', 'foo', null, '1']]);
  });

  test('the first argument byte is taken as it is, even an LF', () => {
    assert.deepEqual(parseChunks([B('SUB \nfoo 1\r\nPING\r\n')]).events, [['SUB', 'foo', null, '1'], ['PING']]);
    assert.deepEqual(parseChunks([B('CONNECT \n{}\r\n')]).events, [['CONNECT', '\n{}']]);
  });

  test('a line split inside its arguments: the first part loses its last byte after a CR, later parts lose their CRs', () => {
    assert.deepEqual(parseChunks([B('SUB foo\r 12'), B('3\r\n')]).events, [['SUB', 'foo', null, '13']]);
    assert.deepEqual(parseChunks([B('PUB f'), B('oo\r 1\r\nx\r\n')]).events, [['PUB', 'foo', '', 'x']]);
    assert.deepEqual(parseChunks([B('SUB fo'), B('o 1'), B('\r'), B('\n')]).events, [['SUB', 'foo', null, '1']]);
  });

  test('PING ignores what follows it, CRs included, and keeps no unbounded partial line', () => {
    assert.deepEqual(parseChunks([B('PING x\ry\r\n')]).events, [['PING']]);
    const r = new Recorder();
    const p = new Parser(r, CLIENT_OPS);
    p.parse(B('PING'));
    for (let i = 0; i < 100; i++) p.parse(Buffer.alloc(10_000, 120));
    p.parse(B('\r\nSUB'));
    for (let i = 0; i < 100; i++) p.parse(Buffer.alloc(10_000, 32));
    p.parse(B('a 1\r\n'));
    assert.deepEqual(r.events, [['PING'], ['SUB', 'a', null, '1']]);
  });

  test('the CR after a payload is checked as soon as it arrives', () => {
    assert.equal(parseChunks([B('PUB foUNSUB 2 5\r\nPING\r\n')]).error, 'unknown_op');
    assert.equal(parseChunks([B('PUB foo 3\r\nab'), B('cX')]).error, 'unknown_op');
    assert.equal(parseChunks([B('PUB foo 3\r\nabc')]).error, null);
  });

  test('pedantic: the subject is checked with the line (again when the payload is split, as nats-server re-reads it)', () => {
    const seen = (chunks: Buffer[]) => {
      const r = new Recorder() as Recorder & { onPedanticSubject(s: string): void; checked: string[] };
      r.checked = [];
      r.onPedanticSubject = (s) => r.checked.push(s);
      const p = new Parser(r, CLIENT_OPS);
      p.pedantic = true;
      try {
        for (const c of chunks) p.parse(c);
      } catch {
        // the malformed payload
      }
      return r.checked;
    };
    assert.deepEqual(seen([B('PUB a.* 2\r\nhiX\r\n')]), ['a.*']);
    assert.deepEqual(seen([B('PUB a.* 2\r\nh'), B('iX\r\n')]), ['a.*', 'a.*']);
  });
});
