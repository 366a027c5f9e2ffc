import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Parser, ProtocolError } from '../protocol/parser.js';
import { ROUTE_OPS, routedArgs, type RouteOpHandler } from './route-ops.js';

/** Records what the route op table makes of a byte stream, fed in chunks of `step` bytes. */
function parse(text: string, step = text.length): string[] {
  const events: string[] = [];
  const h: RouteOpHandler = {
    onAuthBypass: () => true,
    onMsg(subject, reply, hdr, buf, start, end) {
      const m = routedArgs(parser);
      events.push(`MSG ${m.account} ${subject} reply=${reply} queues=${m.queues === null ? '-' : m.queues.join(',')} hdr=${hdr} ${JSON.stringify(buf.toString('latin1', start, end))}`);
    },
    onRemoteSub: (a, s, q, w) => events.push(`RS+ ${a} ${s} ${q ?? '-'} ${w}`),
    onRemoteUnsub: (a, s, q) => events.push(`RS- ${a} ${s} ${q ?? '-'}`),
    onPing: () => events.push('PING'),
    onPong: () => events.push('PONG'),
    onConnect: (j) => events.push(`CONNECT ${j}`),
    onInfo: (j) => events.push(`INFO ${j}`),
    onErr: (t) => events.push(`ERR ${t}`),
    onOk: () => events.push('OK'),
  };
  const parser: Parser<RouteOpHandler> = new Parser<RouteOpHandler>(h, ROUTE_OPS);
  parser.headers = true;
  const buf = Buffer.from(text, 'latin1');
  for (let i = 0; i < buf.length; i += step) parser.parse(buf.subarray(i, i + step));
  return events;
}

test('RMSG in every form nats-server 2.9.10 sends: plain, reply, queues with and without reply', () => {
  const stream =
    'RMSG $G foo 2\r\nhi\r\n' +
    'RMSG $G foo _INBOX.a 2\r\nhi\r\n' +
    'RMSG ACC foo + _INBOX.b q1 q2 q3 q4 5\r\nhello\r\n' +
    'RMSG ACC foo | q1 0\r\n\r\n' +
    'HMSG $G foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n' +
    'HMSG $G foo + r q1 12 12\r\nNATS/1.0\r\n\r\n\r\n' +
    'LMSG origin $G foo | q 0 2\r\nhi\r\n';
  const want = [
    'MSG $G foo reply= queues=- hdr=-1 "hi"',
    'MSG $G foo reply=_INBOX.a queues=- hdr=-1 "hi"',
    'MSG ACC foo reply=_INBOX.b queues=q1,q2,q3,q4 hdr=-1 "hello"',
    'MSG ACC foo reply= queues=q1 hdr=-1 ""',
    'MSG $G foo reply= queues=- hdr=12 "NATS/1.0\\r\\n\\r\\nhi"',
    'MSG $G foo reply=r queues=q1 hdr=12 "NATS/1.0\\r\\n\\r\\n"',
    'MSG $G foo reply= queues=q hdr=0 "hi"',
  ];
  assert.deepEqual(parse(stream), want);
  // The same across every possible split of the reads.
  for (const step of [1, 2, 3, 7, 13]) assert.deepEqual(parse(stream, step), want, `step ${step}`);
});

test('RS+/RS- with and without queue and weight, LS+ with its origin, control ops', () => {
  const stream = 'RS+ $G foo.>\r\nRS+ A bar q 3\r\nRS- A bar q\r\nRS- $G foo.>\r\nLS+ leafc $G x q 2\r\nLS- $G x q\r\nPING\r\nPONG\r\nINFO {"server_id":"S"}\r\n-ERR \'oops\'\r\n';
  assert.deepEqual(parse(stream, 5), ['RS+ $G foo.> - 1', 'RS+ A bar q 3', 'RS- A bar q', 'RS- $G foo.> -', 'RS+ $G x q 2', 'RS- $G x q', 'PING', 'PONG', 'INFO {"server_id":"S"}', "ERR 'oops'"]);
});

test('malformed routed messages are protocol errors', () => {
  for (const bad of ['RMSG $G 2\r\nhi\r\n', 'RMSG $G foo x\r\nhi\r\n', 'HMSG $G foo 5 2\r\nhi\r\n', 'RS+ $G\r\n']) {
    assert.throws(() => parse(bad), ProtocolError, bad);
  }
  // A client op on the route port is unknown there.
  assert.throws(() => parse('PUB foo 2\r\nhi\r\n'), (e: unknown) => e instanceof ProtocolError && e.kind === 'unknown_op');
});
