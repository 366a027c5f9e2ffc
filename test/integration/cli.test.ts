/**
 * The built CLI (`node apps/server/dist/cli.js`) as an operator meets it: flags, ports and pid
 * files, signals, and nats-server style log lines (checked against the real nats-server).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, StringCodec, type NatsConnection } from 'nats';
import { CLI, natsServerAvailable, waitFor } from '../helpers/servers.js';
import { reap } from '../helpers/reaper.js';

const sc = StringCodec();

interface Proc {
  proc: ChildProcess;
  dir: string;
  port: number;
  portsFile: string;
  startMs: number;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited: () => boolean;
  kill: () => Promise<void>;
}

/** Spawns Switchboard's CLI (or nats-server) on 127.0.0.1 and a random port; resolves once the ports file is written. */
async function spawnServer(kind: 'switchboard' | 'nats-server', args: string[] = []): Promise<Proc> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-cli-'));
  const argv = ['-a', '127.0.0.1', '-p', '-1', '--ports_file_dir', dir, ...args];
  const t0 = Date.now();
  const proc = reap(kind === 'switchboard' ? spawn(process.execPath, [CLI, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn('nats-server', argv, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  let done = false;
  // 'close', not 'exit': it comes after the last of the child's output has been read from its pipes.
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.on('close', (code, signal) => {
      done = true;
      r({ code, signal });
    }),
  );
  let portsFile = '';
  await waitFor(() => {
    if (done) throw new Error(`${kind} exited: ${out}`);
    const f = readdirSync(dir).find((n) => n.endsWith('.ports'));
    if (f) portsFile = join(dir, f);
    return !!f && readFileSync(portsFile, 'utf8').length > 0;
  }, 15_000, `${kind} ports file`);
  const startMs = Date.now() - t0;
  const ports = JSON.parse(readFileSync(portsFile, 'utf8')) as { nats: string[] };
  return {
    proc,
    dir,
    port: Number(new URL(ports.nats[0]).port),
    portsFile,
    startMs,
    output: () => out,
    exit,
    exited: () => done,
    kill: async () => {
      if (done) return;
      proc.kill('SIGKILL');
      await exit;
    },
  };
}

function runCli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 15_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI flags', () => {
  test('-v, --version and `version` print the version and exit 0', () => {
    for (const flag of ['-v', '--version', 'version']) {
      const r = runCli([flag]);
      assert.equal(r.code, 0, flag);
      assert.match(r.stdout, /^switchboard: v\d+\.\d+\.\d+.*2\.9\.10/, flag);
    }
  });

  test('-h and --help print the usage and exit 0', () => {
    for (const flag of ['-h', '--help']) {
      const r = runCli([flag]);
      assert.equal(r.code, 0, flag);
      assert.match(r.stdout, /^Usage: switchboard \[options\]/);
      for (const opt of ['-p, --port', '-P, --pid', '--ports_file_dir', '-D, --debug', '-V, --trace']) assert.ok(r.stdout.includes(opt), `usage lists ${opt}`);
    }
  });

  test('an unknown flag or command is an error, as Go flag reports it', () => {
    const r = runCli(['--bogus']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /flag provided but not defined: -bogus/);
    assert.match(r.stderr, /Usage: switchboard/);
    const p = runCli(['bogus']);
    assert.notEqual(p.code, 0);
    assert.match(p.stderr, /unrecognized command: "bogus"/);
    const m = runCli(['-p']);
    assert.notEqual(m.code, 0);
    assert.match(m.stderr, /flag needs an argument: -p/);
  });
});

describe('CLI process', () => {
  test('starts, writes <cmd>_<pid>.ports and the -P pid file, removes both on SIGTERM', async (t) => {
    const pidDir = mkdtempSync(join(tmpdir(), 'sb-pid-'));
    const pidFile = join(pidDir, 'switchboard.pid');
    const s = await spawnServer('switchboard', ['-P', pidFile]);
    try {
      t.diagnostic(`ports file after ${s.startMs} ms`);
      const pid = s.proc.pid!;
      assert.equal(s.portsFile, join(s.dir, `cli_${pid}.ports`));
      assert.deepEqual(JSON.parse(readFileSync(s.portsFile, 'utf8')), { nats: [`nats://127.0.0.1:${s.port}`] });
      assert.equal(readFileSync(pidFile, 'utf8').trim(), String(pid));
      // The ports file is written after the line is logged, but the pipe may deliver it later.
      await waitFor(() => /\[INF\] Server is ready/.test(s.output()), 10_000, 'the ready line');

      const nc = await connect({ servers: `127.0.0.1:${s.port}`, reconnect: false });
      const closed = nc.closed();
      s.proc.kill('SIGTERM');
      const { signal } = await s.exit;
      assert.equal(signal, null, 'exited by itself, not killed by the signal');
      await closed;
      assert.ok(nc.isClosed(), 'client saw the connection close');
      assert.ok(!existsSync(pidFile), 'pid file removed');
      assert.ok(!existsSync(s.portsFile), 'ports file removed');
      assert.match(s.output(), /\[INF\] Initiating Shutdown\.\.\./);
      assert.match(s.output(), /\[INF\] Server Exiting\.\./);
    } finally {
      await s.kill();
    }
  });

  test('SIGTERM exits with code 1 and SIGINT with 0, as nats-server', async () => {
    for (const [sig, want] of [['SIGINT', 0], ['SIGTERM', 1]] as const) {
      const s = await spawnServer('switchboard');
      try {
        s.proc.kill(sig);
        const { code } = await s.exit;
        assert.equal(code, want, sig);
      } finally {
        await s.kill();
      }
    }
  });

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    test(`${sig}: messages already queued to a subscriber are flushed before the close`, async () => {
      const s = await spawnServer('switchboard');
      const conns: NatsConnection[] = [];
      try {
        const url = `127.0.0.1:${s.port}`;
        const sub = await connect({ servers: url, reconnect: false });
        const pub = await connect({ servers: url, reconnect: false });
        conns.push(sub, pub);
        let got = 0;
        let last = -1;
        let inOrder = true;
        sub.subscribe('bye', {
          callback: (_e, m) => {
            const n = Number(sc.decode(m.data.subarray(0, 8)));
            if (n !== last + 1) inOrder = false;
            last = n;
            got++;
          },
        });
        await sub.flush();
        const N = 20_000;
        const body = (i: number) => sc.encode(String(i).padStart(8, '0') + 'x'.repeat(248));
        for (let i = 0; i < N; i++) pub.publish('bye', body(i));
        // The PONG comes back once the server queued all N for the subscriber.
        await pub.flush();
        const subClosed = sub.closed();
        s.proc.kill(sig);
        await subClosed;
        await s.exit;
        assert.equal(got, N, `subscriber got ${got} of ${N}`);
        assert.ok(inOrder);
        assert.equal(s.exited(), true);
      } finally {
        await Promise.all(conns.map((c) => (c.isClosed() ? undefined : c.close().catch(() => {}))));
        await s.kill();
      }
    });
  }
});

describe('CLI logging in nats-server style', () => {
  /** One client session: CONNECT with a password, SUB, queue SUB, PUB, then drain. */
  async function session(port: number): Promise<void> {
    const nc = await connect({ servers: `127.0.0.1:${port}`, name: 'logcheck', user: 'alice', pass: 's3cret-pw', reconnect: false });
    const s = nc.subscribe('foo', { callback: () => {} });
    nc.subscribe('bar', { queue: 'q', callback: () => {} });
    nc.publish('foo', sc.encode('hi'));
    await nc.flush();
    void s;
    await nc.drain();
  }

  /** The lines about one client, with pid, time, address and cid normalised. */
  function clientLines(out: string): string[] {
    return out
      .split('\n')
      .filter((l) => / - cid:\d+ - /.test(l))
      .map((l) => l.replace(/^\[\d+\] \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} /, '').replace(/127\.0\.0\.1:\d+ - cid:\d+/, 'ADDR - cid:N'))
      .filter((l) => !/\[(PING|PONG)\]/.test(l));
  }

  test('-DV: ready line, debug and trace lines per connection, password redacted', async () => {
    const s = await spawnServer('switchboard', ['-DV']);
    try {
      await session(s.port);
      await waitFor(() => /Client connection closed/.test(s.output()), 5000, 'close logged');
      const out = s.output();
      assert.match(out, /^\[\d+\] \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} \[INF\] Starting switchboard$/m);
      assert.match(out, /\[INF\]   Version:  \d+\.\d+\.\d+$/m);
      assert.match(out, /\[INF\]   Protocol: nats-server 2\.9\.10 \(proto 1\)$/m);
      assert.match(out, /^\[\d+\] \S+ \S+ \[INF\] Listening for client connections on 127\.0\.0\.1:\d+$/m);
      assert.match(out, /^\[\d+\] \S+ \S+ \[INF\] Server is ready$/m);
      assert.match(out, /\[DBG\] 127\.0\.0\.1:\d+ - cid:\d+ - Client connection created$/m);
      assert.match(out, /\[TRC\] 127\.0\.0\.1:\d+ - cid:\d+ - <<- \[CONNECT \{.*"pass":"\[REDACTED\]".*\}\]$/m);
      assert.doesNotMatch(out, /s3cret-pw/);
      assert.match(out, /\[TRC\] 127\.0\.0\.1:\d+ - cid:\d+ - "v[\d.]+:nats\.js:logcheck" - <<- \[SUB foo 1\]$/m);
      assert.match(out, /\[TRC\] .* - <<- \[SUB bar q 2\]$/m);
      assert.match(out, /\[TRC\] .* - <<- \[PUB foo 2\]$/m);
      assert.match(out, /\[TRC\] .* - <<- MSG_PAYLOAD: \["hi"\]$/m);
      assert.match(out, /\[TRC\] .* - ->> \[MSG foo 1 2\]$/m);
      assert.match(out, /\[DBG\] .* - "v[\d.]+:nats\.js:logcheck" - Client connection closed: Client Closed$/m);
    } finally {
      await s.kill();
    }
  });

  test('-T=false drops the timestamp', async () => {
    const s = await spawnServer('switchboard', ['-T=false']);
    try {
      await waitFor(() => /\[INF\] Server is ready/.test(s.output()), 10_000, 'the ready line');
      assert.match(s.output(), /^\[\d+\] \[INF\] Server is ready$/m);
    } finally {
      await s.kill();
    }
  });

  test('a client session traces the same lines as nats-server', { skip: !natsServerAvailable() }, async () => {
    const seen: Record<string, string[]> = {};
    for (const kind of ['nats-server', 'switchboard'] as const) {
      const s = await spawnServer(kind, ['-DV']);
      try {
        await session(s.port);
        await waitFor(() => /Client connection closed/.test(s.output()), 5000, `${kind} close logged`);
        seen[kind] = clientLines(s.output());
      } finally {
        await s.kill();
      }
    }
    assert.deepEqual(seen['switchboard'], seen['nats-server']);
  });
});
