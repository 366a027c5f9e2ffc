/**
 * The gateway op table through the shared scan loop: RMSG/HMSG in every reply/queue form
 * (including more arguments than the loop records), RS+/RS-, A+/A-, split at any byte.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Parser, ProtocolError } from './parser.js';
import { GATEWAY_OPS, type GatewayOpHandler } from './gateway-ops.js';

function recorder(): GatewayOpHandler & { events: string[]; parser?: Parser<GatewayOpHandler> } {
  const h = {
    events: [] as string[],
    parser: undefined as Parser<GatewayOpHandler> | undefined,
    onAuthBypass: () => true,
    onPing() {
      h.events.push('PING');
    },
    onPong() {
      h.events.push('PONG');
    },
    onConnect(j: string) {
      h.events.push(`CONNECT ${j}`);
    },
    onInfo(j: string) {
      h.events.push(`INFO ${j}`);
    },
    onErr(t: string) {
      h.events.push(`ERR ${t}`);
    },
    onOk() {},
    onRemoteSub(a: string, s: string, q: string | null, w: number) {
      h.events.push(`RS+ ${a} ${s}${q === null ? '' : ` ${q} ${w}`}`);
    },
    onRemoteUnsub(a: string, s: string, q: string | null) {
      h.events.push(`RS- ${a} ${s}${q === null ? '' : ` ${q}`}`);
    },
    onAccountSub(a: string) {
      h.events.push(`A+ ${a}`);
    },
    onAccountUnsub(a: string) {
      h.events.push(`A- ${a}`);
    },
    onMsg(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number) {
      const m = h.parser!.msg;
      h.events.push(`MSG ${m.account} ${subject} r=${reply} q=${m.queues === null ? '-' : m.queues.join(',')} h=${hdr} ${JSON.stringify(buf.toString('latin1', start, end))}`);
    },
  };
  return h;
}

const STREAM =
  'RMSG $G foo 2\r\nhi\r\n' +
  'RMSG $G foo bar 2\r\nhi\r\n' +
  'RMSG ACC foo + _INBOX.1 q1 q2 q3 q4 5\r\nhello\r\n' +
  'RMSG ACC foo | q1 q2 q3 q4 q5 0\r\n\r\n' +
  'HMSG $G h.x _GR_.abcdef.ghijkl.r 12 14\r\nNATS/1.0\r\n\r\nok\r\n' +
  'HMSG $G h.y | a b c d e f 12 12\r\nNATS/1.0\r\n\r\n\r\n' +
  'RS+ $G foo.>\r\nRS+ $G bar grp 1\r\nRS- $G foo.>\r\nRS- $G bar grp\r\nA+ X\r\nA- X\r\nPING\r\nPONG\r\n' +
  'INFO {"gateway":"B","gateway_cmd":2}\r\n';

const WANT = [
  'MSG $G foo r= q=- h=-1 "hi"',
  'MSG $G foo r=bar q=- h=-1 "hi"',
  'MSG ACC foo r=_INBOX.1 q=q1,q2,q3,q4 h=-1 "hello"',
  'MSG ACC foo r= q=q1,q2,q3,q4,q5 h=-1 ""',
  'MSG $G h.x r=_GR_.abcdef.ghijkl.r q=- h=12 "NATS/1.0\\r\\n\\r\\nok"',
  'MSG $G h.y r= q=a,b,c,d,e,f h=12 "NATS/1.0\\r\\n\\r\\n"',
  'RS+ $G foo.>',
  'RS+ $G bar grp 1',
  'RS- $G foo.>',
  'RS- $G bar grp',
  'A+ X',
  'A- X',
  'PING',
  'PONG',
  'INFO {"gateway":"B","gateway_cmd":2}',
];

function split(buf: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(Buffer.from(buf.subarray(prev, c)));
    prev = c;
  }
  out.push(Buffer.from(buf.subarray(prev)));
  return out;
}

describe('gateway ops', () => {
  test('every form parses, split at any byte', () => {
    const stream = Buffer.from(STREAM, 'latin1');
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        const h = recorder();
        const p = new Parser<GatewayOpHandler>(h, GATEWAY_OPS);
        p.headers = true;
        p.checkControlLine = false;
        h.parser = p;
        for (const c of split(stream, cuts)) p.parse(c);
        assert.deepEqual(h.events, WANT);
      }),
      { numRuns: 300 },
    );
  });

  test('malformed routed messages are protocol errors', () => {
    for (const bad of ['RMSG $G 2\r\nhi\r\n', 'RMSG $G foo x bar 2\r\nhi\r\n', 'HMSG $G foo 5 2\r\nhi\r\n', 'RS+ $G\r\n', 'A+ a b\r\n']) {
      const h = recorder();
      const p = new Parser<GatewayOpHandler>(h, GATEWAY_OPS);
      p.headers = true;
      h.parser = p;
      assert.throws(() => p.parse(Buffer.from(bad)), (e: unknown) => e instanceof ProtocolError, bad);
    }
  });

  test('HMSG needs negotiated headers; client ops are unknown here', () => {
    const h = recorder();
    const p = new Parser<GatewayOpHandler>(h, GATEWAY_OPS);
    h.parser = p;
    assert.throws(() => p.parse(Buffer.from('HMSG $G foo 12 12\r\nNATS/1.0\r\n\r\n\r\n')), (e: unknown) => e instanceof ProtocolError);
    assert.throws(() => new Parser<GatewayOpHandler>(recorder(), GATEWAY_OPS).parse(Buffer.from('PUB a 1\r\nx\r\n')), (e: unknown) => e instanceof ProtocolError && e.kind === 'unknown_op');
  });
});
