import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf, toPlain, formatError } from './parser.js';
import { parseConfigText } from './load.js';
import { parseGoDuration } from './duration.js';

const plain = (text: string, env: Record<string, string> = {}) => {
  const r = parseConf(text, 't.conf', { env });
  assert.deepEqual(r.errors.map(formatError), []);
  return toPlain(r.root) as Record<string, unknown>;
};

test('separators, quoting and terminators', () => {
  assert.deepEqual(plain('a = 1\nb: 2\nc 3\n"d": 4; e=5, f: 6\n\'g\' = 7'), { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 });
  assert.deepEqual(plain('{ a: 1 }'), { a: 1 });
});

test('comments', () => {
  assert.deepEqual(plain('# x\na: 1 # y\n// z\nb: 2 // w\nc { d: 1 # in map\n}\ne [1, # in array\n2 ]'), {
    a: 1,
    b: 2,
    c: { d: 1 },
    e: [1, 2],
  });
});

test('strings: double-quoted escapes, single-quoted raw, bare, raw blocks', () => {
  const v = plain('a: "t\\tn\\nq\\"b\\\\x\\x41"\nb: \'raw \\n $x\'\nc: bare-string\nd (\nline one\n  two )\n)\n');
  assert.equal(v.a, 't\tn\nq"b\\xA');
  assert.equal(v.b, 'raw \\n $x');
  assert.equal(v.c, 'bare-string');
  assert.equal(v.d, '\nline one\n  two )\n');
});

test('integers with size suffixes, floats, booleans, datetimes', () => {
  const v = plain('a: 1k\nb: 1kb\nc: 1M\nd: 1MB\ne: 2m\nf: 1GiB\ng: 1g\nh: -1\ni: 1.5\nj: yes\nk: OFF\nl: on\nm: 2006-01-02T15:04:05Z\nn: 1Ki');
  assert.equal(v.a, 1000);
  assert.equal(v.b, 1024);
  assert.equal(v.c, 1_000_000);
  assert.equal(v.d, 1_048_576);
  assert.equal(v.e, 2_000_000, 'unquoted 2m is the number 2000000');
  assert.equal(v.f, 1024 ** 3);
  assert.equal(v.g, 1e9);
  assert.equal(v.h, -1);
  assert.equal(v.i, 1.5);
  assert.equal(v.j, true);
  assert.equal(v.k, false);
  assert.equal(v.l, true);
  assert.deepEqual(v.m, new Date('2006-01-02T15:04:05Z'));
  assert.equal(v.n, 1024);
});

test('number-like strings: durations, IPs, host:port', () => {
  const v = plain('a: 10s\nb: 500ms\nc: 1h30m\nd: 127.0.0.1:4222\ne: 127.0.0.1\nf: 123abc\ng: [1, 2 ]');
  assert.deepEqual([v.a, v.b, v.c, v.d, v.e, v.f], ['10s', '500ms', '1h30m', '127.0.0.1:4222', '127.0.0.1', '123abc']);
  assert.deepEqual(v.g, [1, 2]);
  // nats-server quirk: a number directly followed by `]` becomes a bare string that swallows the
  // `]`, so `[1, 2]` is a syntax error there; we match it.
  assert.equal(parseConf('g: [1, 2]\n', 'q.conf').errors.length, 1);
});

test('variables: innermost map first, then outer, then environment (parsed as a value)', () => {
  const v = plain('x: 1\nm { x: 2, y: $x }\nz: $x\ne: $ENVNUM\nf: $ENVSTR\nh: $ENVMAP', {
    ENVNUM: '2kb',
    ENVSTR: 'hello',
    ENVMAP: '{ a: 1 }',
  });
  assert.deepEqual((v.m as Record<string, unknown>).y, 2);
  assert.equal(v.z, 1);
  assert.equal(v.e, 2048);
  assert.equal(v.f, 'hello');
  assert.deepEqual(v.h, { a: 1 });
});

test('unquoted bcrypt hashes are kept literally', () => {
  const v = plain('p: $2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG');
  assert.equal(v.p, '$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG');
});

test('include is relative to the including file and merges keys', () => {
  const files: Record<string, string> = { '/etc/sb/auth.conf': 'token: "s3cret"\n', '/etc/sb/more.conf': 'debug: true' };
  const r = parseConf('port: 1\nauthorization {\n  include auth.conf\n}\ninclude "more.conf"\n', '/etc/sb/main.conf', {
    readFile: (p) => {
      const t = files[p];
      if (t === undefined) throw new Error(`ENOENT ${p}`);
      return t;
    },
  });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(toPlain(r.root), { port: 1, authorization: { token: 's3cret' }, debug: true });
  const tok = (r.root.entries.get('authorization')!.value as import('./parser.js').ConfMap).entries.get('token')!;
  assert.deepEqual(tok.keyPos, { file: '/etc/sb/auth.conf', line: 1, col: 1 });
});

test('positions: every value keeps file, line and col', () => {
  const r = parseConf('a: 1\n  b {\n    c: "x"\n  }\n', 'p.conf');
  const b = r.root.entries.get('b')!;
  assert.deepEqual(b.keyPos, { file: 'p.conf', line: 2, col: 3 });
  const c = (b.value as import('./parser.js').ConfMap).entries.get('c')!;
  assert.deepEqual(c.keyPos, { file: 'p.conf', line: 3, col: 5 });
  assert.deepEqual(c.value.pos, { file: 'p.conf', line: 3, col: 9 });
});

test('syntax errors are all collected with positions', () => {
  const r = parseConf('a: [1 2]\nb: "bad \\q escape"\nc: 1\nd: .5\ne = $MISSING\nf: 2\n', 'e.conf', { env: {} });
  const msgs = r.errors.map(formatError);
  assert.equal(msgs.length, 4, msgs.join('\n'));
  assert.match(msgs[0]!, /^e\.conf:1:7: Expected an array value terminator/);
  assert.match(msgs[1]!, /^e\.conf:2:10: Invalid escape character 'q'/);
  assert.match(msgs[2]!, /^e\.conf:4:4: Floats must start with a digit/);
  assert.match(msgs[3]!, /^e\.conf:5:5: variable reference for 'MISSING' on line 5 can not be found/);
  // Lines after the errors are still parsed.
  assert.deepEqual((toPlain(r.root) as Record<string, unknown>).c, 1);
  assert.deepEqual((toPlain(r.root) as Record<string, unknown>).f, 2);
});

test('model: aliases, listen, durations, random ports', () => {
  const r = parseConfigText(
    'listen: "127.0.0.1:-1"\nhttp: "127.0.0.1:-1"\nmax_conn: 10\nmax_subs: 5\nnet: "0.0.0.0"\nping_interval: "1h30m"\nwrite_deadline: "500ms"\nlame_duck_duration: "45s"\nlame_duck_grace_period: "5s"\nmonitor_port: 8222\nlog_file: "/tmp/x.log"\npid_file: "/tmp/x.pid"\nmax_payload: 2MB\n',
    'm.conf',
  );
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.options, {
    host: '0.0.0.0',
    port: -1,
    httpHost: '127.0.0.1',
    httpPort: 8222,
    maxConnections: 10,
    maxSubscriptions: 5,
    pingInterval: 5_400_000,
    writeDeadline: 500,
    lameDuckDuration: 45_000,
    lameDuckGracePeriod: 5_000,
    logFile: '/tmp/x.log',
    pidFile: '/tmp/x.pid',
    maxPayload: 2 * 1024 * 1024,
  });
});

test('model: integer durations warn (ping/write) or fail (lame duck); unknown fields fail', () => {
  const r = parseConfigText('ping_interval: 5\nwrite_deadline: 2m\nlame_duck_duration: 60\nbogus: 1\n', 'd.conf');
  assert.equal(r.options.pingInterval, 5000);
  assert.equal(r.options.writeDeadline, 2_000_000_000, 'unquoted 2m is 2000000 seconds');
  assert.deepEqual(
    r.warnings.map((w) => `${w.line}:${w.col} ${w.kind}`),
    ['1:1 nats', '2:1 nats'],
  );
  assert.deepEqual(
    r.errors.map((e) => `${e.line}:${e.col}`),
    ['3:1', '4:1'],
  );
  assert.match(r.errors[1]!.message, /unknown field "bogus"/);
});

test('model: unimplemented blocks warn, an unreadable operator JWT is refused, auth and TLS are parsed', () => {
  const r = parseConfigText(
    'leafnodes { listen: "127.0.0.1:-1" }\njetstream: enabled\noperator: "op.jwt"\n' +
      'tls { cert_file: "c.pem", key_file: "k.pem", verify: true, timeout: 2 }\n' +
      'authorization { users: [ { user: a, password: b, permissions: { publish: "x.>", subscribe: { deny: ["y"] }, allow_responses: true } } ], timeout: 3 }\n',
    'u.conf',
  );
  assert.deepEqual(r.options.passthrough, { leafnodes: { listen: '127.0.0.1:-1' }, jetstream: 'enabled' });
  assert.equal(r.warnings.filter((w) => w.kind === 'unsupported').length, 2);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.message, 'error parsing operator JWT: open op.jwt: no such file or directory');
  assert.deepEqual(r.options.tls, { certFile: 'c.pem', keyFile: 'k.pem', verify: true, timeout: 2 });
  assert.equal(r.options.authTimeout, 3);
  assert.deepEqual(r.options.authorization, {
    users: [
      {
        user: 'a',
        password: 'b',
        permissions: { publish: { allow: ['x.>'] }, subscribe: { deny: ['y'] }, allowResponses: { maxMsgs: 1, expires: 120_000 } },
      },
    ],
  });
});

test('model: accounts with exports, imports and cross-reference errors', () => {
  const r = parseConfigText(
    `accounts {
  A { users: [{user: a, password: a}], exports: [ {stream: "s.>"}, {service: "q", response_type: chunked, accounts: [B]} ] }
  B { imports: [ {stream: {account: A, subject: "s.>"}, prefix: p}, {service: {account: A, subject: q}, to: r} ] }
  C { imports: [ {service: {account: Z, subject: q}} ] }
}
system_account: A
`,
    'acc.conf',
  );
  assert.deepEqual(r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`), ['1:1: "Z" account not defined for service import']);
  assert.deepEqual(r.options.accounts?.A?.exports, [{ stream: 's.>' }, { service: 'q', responseType: 'chunked', accounts: ['B'] }]);
  assert.deepEqual(r.options.accounts?.B?.imports, [
    { stream: { account: 'A', subject: 's.>' }, prefix: 'p' },
    { service: { account: 'A', subject: 'q' }, to: 'r' },
  ]);
  assert.equal(r.options.systemAccount, 'A');
});

test('Go durations', () => {
  assert.deepEqual(parseGoDuration('1h30m'), { ns: 5400e9 });
  assert.deepEqual(parseGoDuration('1.5s'), { ns: 1.5e9 });
  assert.deepEqual(parseGoDuration('0'), { ns: 0 });
  assert.deepEqual(parseGoDuration('5'), { error: 'time: missing unit in duration "5"' });
  assert.deepEqual(parseGoDuration('5x'), { error: 'time: unknown unit "x" in duration "5x"' });
  assert.deepEqual(parseGoDuration(''), { error: 'time: invalid duration ""' });
});
