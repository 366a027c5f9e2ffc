/**
 * Differential test against the real nats-server (`nats-server -t -c file`): what it accepts we
 * accept, what it rejects we reject, and for broken files the first error's line:col matches.
 * nats-server prints 0-based columns on line 1 of a file and 1-based columns after; we print
 * 1-based everywhere, so line-1 columns are compared with that offset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { checkConfigFile } from './load.js';
import { writeConfig } from './writer.js';
import { optionsArb } from './arbitraries.test.js';

const hasNats = spawnSync('nats-server', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = hasNats ? false : 'nats-server is not on PATH: differential config tests skipped';

function natsCheck(file: string): { ok: boolean; out: string } {
  const r = spawnSync('nats-server', ['-t', '-c', file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

interface Case {
  name: string;
  text: string;
  /** For rejected configs: compare the first positioned error with nats-server's. */
  comparePosition?: boolean;
}

const CASES: Case[] = [
  { name: 'minimal', text: 'port: 4222\n' },
  { name: 'all separators', text: 'port = 4222\nhost: "127.0.0.1"\nserver_name sb1\nmax_payload: 1MB; debug: true, trace: off\n' },
  { name: 'wrapped in braces', text: '{\n  port: 4222\n  http_port: 8222\n}\n' },
  { name: 'listen random', text: 'listen: "127.0.0.1:-1"\nhttp: "127.0.0.1:-1"\n' },
  { name: 'durations', text: 'ping_interval: "2m"\nwrite_deadline: "10s"\nlame_duck_duration: "1m30s"\nlame_duck_grace_period: "5s"\n' },
  { name: 'unquoted string durations', text: 'ping_interval: 10s\nwrite_deadline: 500ms\n' },
  { name: 'harness leafnodes', text: 'listen: "127.0.0.1:-1"\nleafnodes { listen: "127.0.0.1:-1" }\n' },
  { name: 'variables', text: 'PORT = 4333\nport: $PORT\nauthorization { TOK = "s3"\n token: $TOK }\n' },
  { name: 'bcrypt', text: 'authorization { user: a, password: $2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG }\n' },
  {
    name: 'accounts',
    text: `accounts {
  A { users: [ {user: a, password: a} ], exports: [ {stream: "s.>"}, {service: "q.>", response_type: stream} ] }
  B { users: [ {user: b, password: b, permissions: { publish: { allow: ["x.>"], deny: "x.y" }, subscribe: "_INBOX.>", allow_responses: { max: 2, expires: "1m" } } } ]
      imports: [ {stream: {account: A, subject: "s.>"}, prefix: "from_a"}, {service: {account: A, subject: "q.>"}, to: "qa.>"} ] }
  SYS {}
}
system_account: SYS
no_auth_user: a
`,
  },
  {
    name: 'cluster and gateway',
    text: `cluster {
  name: c1
  listen: "127.0.0.1:-1"
  routes: [ "nats-route://127.0.0.1:6222", nats://127.0.0.1:6223 ]
  authorization { user: r, password: p, timeout: 2 }
  permissions { import: "a.>", export: { deny: "b" } }
  no_advertise: true
  connect_retries: 3
}
gateway {
  name: g1
  port: -1
  reject_unknown: true
  gateways: [ { name: g2, url: "nats://127.0.0.1:7222" }, { name: g3, urls: ["nats://127.0.0.1:7223"] } ]
}
`,
  },
  { name: 'mappings', text: 'mappings { "a.*": "b.$1", "c": [ {destination: d, weight: 40%}, {destination: e, weight: 60} ] }\n' },
  // Rejected by both.
  { name: 'unknown field', text: 'port: 4222\nfoo: 1\n  bar = "x"\n', comparePosition: true },
  { name: 'unknown field on line 1', text: 'foo: 1\nport: 2\n', comparePosition: true },
  { name: 'wrong type', text: 'port: 1\nmax_payload: "abc"\n', comparePosition: true },
  { name: 'ping_interval integer (warning fails -t)', text: 'port: 1\nping_interval: 5\n', comparePosition: true },
  { name: 'lame duck integer', text: 'port: 1\nlame_duck_duration: 60\n', comparePosition: true },
  { name: 'lame duck too short', text: 'port: 1\nlame_duck_duration: "5s"\n', comparePosition: true },
  { name: 'bad duration', text: 'port: 1\nwrite_deadline: "5x"\n', comparePosition: true },
  { name: 'unknown in users', text: 'authorization {\n  users = [ {user: b, password: c, bad: 1} ]\n}\n', comparePosition: true },
  { name: 'user and users', text: 'port: 1\nauthorization {\n  user: a\n  users = [ {user: b, password: c} ]\n}\n', comparePosition: true },
  { name: 'unknown cluster field', text: 'cluster {\n  name: x\n    nope: 1\n}\n', comparePosition: true },
  { name: 'bad listen', text: 'port: 1\nlisten: "nohostport"\n', comparePosition: true },
  { name: 'undefined account', text: 'accounts {\n  A { imports: [ {stream: {account: Z, subject: x}} ] }\n}\n' },
  { name: 'unused variable', text: 'port: 1\nX = 2\n', comparePosition: true },
  { name: 'missing variable', text: 'port: $NOPE_NOT_SET\n' },
  { name: 'syntax: array', text: 'port: 4222\nx = [1 2]\n' },
  { name: 'syntax: array close after number', text: 'port: 4222\nx: [1, 2]\n' },
  { name: 'syntax: bad escape', text: 'a: "x\\q"\n' },
  { name: 'syntax: map terminator', text: 'a { b: 1 c }\n' },
  { name: 'tls unknown field', text: 'tls {\n  nope: 1\n}\n', comparePosition: true },
  { name: 'permissions unknown field', text: 'authorization {\n  users: [ {user: a, password: b, permissions: { pub: x, nope: y }} ]\n}\n' },
];

function firstPosition(out: string): [number, number] | undefined {
  const m = /\.conf:(\d+):(\d+):/.exec(out);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

test('differential: handwritten configs, accepted and rejected alike', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-conf-'));
  try {
    for (const c of CASES) {
      const file = join(dir, `${c.name.replace(/[^a-z0-9]+/gi, '_')}.conf`);
      writeFileSync(file, c.text);
      const nats = natsCheck(file);
      const ours = checkConfigFile(file, {});
      assert.equal(ours.ok, nats.ok, `${c.name}: nats-server ${nats.ok ? 'accepts' : 'rejects'} it\n${nats.out}\nours:\n${ours.output}`);
      if (c.comparePosition) {
        const theirs = firstPosition(nats.out);
        assert.ok(theirs, `${c.name}: nats-server gave no position:\n${nats.out}`);
        const positions = [...ours.warnings.filter((w) => w.kind === 'nats'), ...ours.errors].map((e) => [e.line, e.line === 1 ? e.col - 1 : e.col]);
        assert.ok(
          positions.some(([l, col]) => l === theirs[0] && col === theirs[1]),
          `${c.name}: nats-server reports ${theirs.join(':')}, we report ${JSON.stringify(positions)}\n${ours.output}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('differential: nats-server accepts what the writer renders from generated models', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-conf-gen-'));
  try {
    const samples = fc.sample(optionsArb, { numRuns: 25, seed: 4222 });
    samples.forEach((model, i) => {
      const file = join(dir, `gen${i}.conf`);
      const text = writeConfig(model);
      writeFileSync(file, text);
      const nats = natsCheck(file);
      assert.ok(nats.ok, `nats-server rejects generated config:\n${text}\n${nats.out}`);
      assert.ok(checkConfigFile(file, {}).ok);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
