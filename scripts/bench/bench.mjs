#!/usr/bin/env node
// Switchboard vs nats-server benchmark. See scripts/bench/README.md.
//
// The orchestrator (this process) starts the servers as child processes and forks load
// generator workers (worker.mjs); it does no message traffic itself except a readiness probe.
import { spawn, fork, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const WORKER = path.join(here, 'worker.mjs');
const SB_CLI = path.join(root, 'apps/server/dist/cli.js');

// ---------------------------------------------------------------------------------------------
// knobs
const argv = process.argv.slice(2);
const env = process.env;
if (argv.includes('-h') || argv.includes('--help')) {
  console.log(readFileSync(path.join(here, 'README.md'), 'utf8'));
  process.exit(0);
}
const num = (v, d) => (v === undefined || v === '' || Number.isNaN(Number(v)) ? d : Number(v));
const SCALE = num(env.BENCH_SCALE, 1);
const RUNS = Math.max(1, Math.floor(num(env.BENCH_RUNS, 5)));
const WARMUP = Math.max(0, Math.floor(num(env.BENCH_WARMUP, 1)));
const TIMEOUT_MS = num(env.BENCH_TIMEOUT, 30) * 1000;
const SIZE = Math.floor(num(env.BENCH_SIZE, 16));
const CONNS = Math.floor(num(env.BENCH_CONNS, 10000));
const ALL = ['pub', 'pubsub', 'fanout', 'queue', 'reqrep', 'conns', 'route'];
const ONLY = (env.BENCH_ONLY || ALL.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
for (const o of ONLY) if (!ALL.includes(o)) die(`BENCH_ONLY: unknown scenario ${o} (known: ${ALL.join(',')})`);
const WANT_SERVERS = (env.BENCH_SERVERS || 'switchboard,nats-server').split(',').map((s) => s.trim());
const NATSBENCH = argv.includes('--natsbench');
const MAX_OTHER = num(env.BENCH_MAX_OTHER, 50); // % of a core used by other tasks: above it a run is "noisy"
const RETRY_NOISY = Math.max(0, Math.floor(num(env.BENCH_RETRY_NOISY, 0)));

const counts = {
  pub: Math.max(1000, Math.round(5_000_000 * SCALE)),
  pubsub: Math.max(1000, Math.round(2_000_000 * SCALE)),
  fanout: Math.max(1000, Math.round(1_000_000 * SCALE)),
  queue: Math.max(1000, Math.round(2_000_000 * SCALE)),
  reqrep: Math.max(100, Math.round(5_000 * SCALE)),
  route: Math.max(1000, Math.round(2_000_000 * SCALE)),
};

function die(msg) {
  console.error(`bench: ${msg}`);
  cleanup();
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// process bookkeeping: everything we start is killed by PID at the end and on SIGINT/SIGTERM
const children = new Set();
function track(cp) {
  children.add(cp);
  cp.once('exit', () => children.delete(cp));
  return cp;
}
function cleanup() {
  for (const cp of children) {
    try {
      process.kill(cp.pid, 'SIGKILL');
    } catch {}
  }
  children.clear();
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    console.error(`\nbench: ${sig}, killing ${children.size} child process(es)`);
    cleanup();
    process.exit(130);
  });
}
process.on('exit', cleanup);

let hardFailure = false; // a server failed to start, or a message was lost

// ---------------------------------------------------------------------------------------------
// servers
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function onPath(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).status === 0;
}

const SERVERS = [];
if (WANT_SERVERS.includes('switchboard')) {
  if (!existsSync(SB_CLI)) die(`${path.relative(root, SB_CLI)} not found (run npm run build), or set BENCH_SERVERS=nats-server`);
  SERVERS.push({ name: 'switchboard', cmd: process.execPath, args: (p) => [SB_CLI, '-a', '127.0.0.1', '-p', String(p)] });
}
if (WANT_SERVERS.includes('nats-server')) {
  if (onPath('nats-server')) SERVERS.push({ name: 'nats-server', cmd: 'nats-server', args: (p) => ['-a', '127.0.0.1', '-p', String(p)] });
  else console.log('# nats-server not on PATH: measuring Switchboard alone (no ratios)');
}
if (SERVERS.length === 0) die('no server to measure');

// Waits until the server accepts a TCP connection and sends its INFO line.
function probeInfo(port, ms) {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection({ host: '127.0.0.1', port });
    let buf = '';
    const t = setTimeout(() => {
      sock.destroy();
      reject(new Error('no INFO'));
    }, ms);
    sock.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\n')) {
        clearTimeout(t);
        sock.destroy();
        if (buf.startsWith('INFO ')) resolve(buf.slice(5, buf.indexOf('\n')).trim());
        else reject(new Error(`unexpected greeting ${JSON.stringify(buf.slice(0, 80))}`));
      }
    });
  });
}

async function startServer(def, extraArgs = []) {
  const port = await freePort();
  const cp = track(spawn(def.cmd, [...def.args(port), ...extraArgs], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }));
  let tail = '';
  const keep = (d) => (tail = (tail + d.toString()).slice(-4000));
  cp.stdout.on('data', keep);
  cp.stderr.on('data', keep);
  let exited = null;
  cp.once('exit', (code, sig) => (exited = `exited with ${sig ?? code}`));
  const t0 = Date.now();
  let info = null;
  let lastErr = null;
  while (Date.now() - t0 < 15000 && !exited) {
    try {
      info = await probeInfo(port, 2000);
      break;
    } catch (e) {
      lastErr = e;
      await sleep(100);
    }
  }
  if (!info) {
    hardFailure = true;
    try {
      process.kill(cp.pid, 'SIGKILL');
    } catch {}
    throw new Error(`${def.name} did not start on port ${port} (${exited ?? lastErr?.message}); output tail:\n${tail}`);
  }
  let version = '?';
  try {
    version = JSON.parse(info).version ?? '?';
  } catch {}
  return { def, name: def.name, port, pid: cp.pid, cp, version, tail: () => tail, exited: () => exited };
}

// Two servers of one kind in a cluster: the publisher's node (returned) and `peer`, which
// solicits a route to it. The scenario publishes on the first and subscribes on the peer.
async function startClusterPair(def) {
  const [ca, cb] = [await freePort(), await freePort()];
  const a = await startServer(def, ['--cluster', `nats://127.0.0.1:${ca}`, '--cluster_name', 'bench']);
  try {
    a.peer = await startServer(def, ['--cluster', `nats://127.0.0.1:${cb}`, '--cluster_name', 'bench', '--routes', `nats-route://127.0.0.1:${ca}`]);
  } catch (e) {
    await stopServer(a);
    throw e;
  }
  return a;
}

// Raw-socket probe: a subscription on `subPort` becomes visible to a publisher on `pubPort`
// (route up, interest propagated). Interest made on subPort before this call precedes it on the route.
async function awaitRouteInterest(pubPort, subPort, ms = 20000) {
  const subject = `bench.probe.${process.pid}.${runSeq++}`;
  const open = (port) =>
    new Promise((resolve, reject) => {
      const sock = net.createConnection({ host: '127.0.0.1', port }, () => resolve(sock));
      sock.once('error', reject);
    });
  const sub = await open(subPort);
  const pub = await open(pubPort);
  let got = '';
  sub.on('data', (d) => (got += d.toString('latin1')));
  pub.on('data', () => {});
  try {
    sub.write(`CONNECT {"verbose":false,"pedantic":false}\r\nSUB ${subject} 1\r\nPING\r\n`);
    pub.write('CONNECT {"verbose":false,"pedantic":false}\r\n');
    const until = Date.now() + ms;
    while (!got.includes(`MSG ${subject} `)) {
      if (Date.now() > until) throw new Error('route not ready (probe message never crossed)');
      pub.write(`PUB ${subject} 0\r\n\r\n`);
      await sleep(50);
    }
  } finally {
    sub.destroy();
    pub.destroy();
  }
}

async function stopServer(s) {
  if (s.peer) await stopServer(s.peer);
  if (s.exited()) return;
  const gone = new Promise((r) => s.cp.once('exit', r));
  try {
    process.kill(s.pid, 'SIGTERM');
  } catch {}
  const t = setTimeout(() => {
    try {
      process.kill(s.pid, 'SIGKILL');
    } catch {}
  }, 3000);
  await gone;
  clearTimeout(t);
}

// /proc readings --------------------------------------------------------------------------------
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
function cpuTicks(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
  } catch {
    return NaN;
  }
}
function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}
function machineTicks() {
  // total busy and total ticks over all CPUs, for a noise indicator
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    const idle = f[3] + (f[4] || 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// workers
function startWorker(opts) {
  const cp = track(fork(WORKER, [JSON.stringify({ timeoutMs: TIMEOUT_MS, ...opts })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const queue = [];
  const waiters = [];
  let dead = null;
  cp.on('message', (m) => {
    if (m.ev === 'log') {
      console.log(`  [${opts.role}] ${m.text}`);
      return;
    }
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  cp.once('exit', (code, sig) => {
    dead = `worker ${opts.role} exited with ${sig ?? code}`;
    for (const w of waiters.splice(0)) w({ ev: 'error', error: dead });
  });
  const next = (ms = TIMEOUT_MS + 20000) =>
    new Promise((resolve, reject) => {
      if (queue.length) return resolve(queue.shift());
      if (dead) return reject(new Error(dead));
      const t = setTimeout(() => reject(new Error(`worker ${opts.role}: no answer in ${ms} ms`)), ms);
      waiters.push((m) => {
        clearTimeout(t);
        if (m.ev === 'error') reject(new Error(`worker ${opts.role}: ${m.error}`));
        else resolve(m);
      });
    });
  return {
    cp,
    async expect(ev, ms) {
      const m = await next(ms);
      if (m.ev !== ev) throw new Error(`worker ${opts.role}: expected ${ev}, got ${JSON.stringify(m)}`);
      return m;
    },
    send(cmd) {
      if (cp.connected) cp.send({ cmd });
    },
    async end() {
      if (cp.exitCode !== null || cp.signalCode !== null) return;
      const gone = new Promise((r) => cp.once('exit', r));
      this.send('exit');
      const t = setTimeout(() => {
        try {
          process.kill(cp.pid, 'SIGKILL');
        } catch {}
      }, 2000);
      await gone;
      clearTimeout(t);
    },
  };
}

// measures server + machine CPU over an interval
function cpuMeter(pid) {
  const t0 = process.hrtime.bigint();
  const s0 = cpuTicks(pid);
  const m0 = machineTicks();
  return () => {
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const m1 = machineTicks();
    return {
      serverCpu: ((cpuTicks(pid) - s0) / CLK_TCK / secs) * 100,
      machineCpu: ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100 * NCPU,
      secs,
    };
  };
}
const NCPU = (() => {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length || 1;
  } catch {
    return 1;
  }
})();

// ---------------------------------------------------------------------------------------------
// scenarios. Each returns {value, ...details}; `value` is the headline figure.
let runSeq = 0;

// k subscribers (queue group if `queue`), one publisher of n messages. k = 0: publish only.
async function pubSub(server, { n, k, queue }) {
  const subject = `benchmark.${k === 0 ? 'pub' : queue ? 'queue' : 'pubsub'}.${runSeq++}`; // natsbench-like length
  const workers = [];
  // Across a route (server.peer): subscribers on the peer, which counts until all crossed.
  const subPort = server.peer ? server.peer.port : server.port;
  try {
    const subs = [];
    for (let i = 0; i < k; i++) {
      const w = startWorker({ role: 'sub', port: subPort, subject, queue: queue ? 'q' : undefined, expect: server.peer ? n : undefined });
      workers.push(w);
      subs.push(w);
    }
    const pub = startWorker({ role: 'pub', port: server.port, subject, n, size: SIZE });
    workers.push(pub);
    for (const w of workers) await w.expect('ready', 20000);
    for (const s of subs) {
      s.send('go');
      await s.expect('result');
    }
    if (server.peer) await awaitRouteInterest(server.port, subPort);
    const meter = cpuMeter(server.pid);
    pub.send('go');
    const pr = await pub.expect('result');
    for (const s of subs) s.send('flush');
    const fl = [];
    for (const s of subs) fl.push(await s.expect('flushed'));
    const cpu = meter();
    const t0 = BigInt(pr.t0);
    const tPong = BigInt(pr.tPong);
    const pubSecs = Number(tPong - t0) / 1e9;
    const res = { sent: pr.sent, pubRate: pr.sent / pubSecs, serverCpu: cpu.serverCpu, machineCpu: cpu.machineCpu, errors: [...pr.errors] };
    res.clientCpu = (pr.cpuMs + fl.reduce((a, f) => a + f.cpuMs, 0)) / 10 / pubSecs;
    if (pr.timedOut) res.errors.push('publisher hit the time limit');
    if (k === 0) {
      res.value = res.pubRate;
      res.lost = 0;
      return res;
    }
    const received = fl.reduce((a, f) => a + f.count, 0);
    const expected = queue ? pr.sent : pr.sent * k;
    res.received = received;
    res.lost = expected - received; // negative: duplicates
    res.subMin = Math.min(...fl.map((f) => f.count));
    res.subMax = Math.max(...fl.map((f) => f.count));
    const tLast = fl.reduce((a, f) => (BigInt(f.lastMsgAt) > a ? BigInt(f.lastMsgAt) : a), 0n);
    const delSecs = Number(tLast - t0) / 1e9;
    res.value = received / delSecs;
    for (const f of fl) {
      if (f.error) res.errors.push(`subscriber: ${f.error}`);
      res.errors.push(...f.errors);
    }
    return res;
  } finally {
    await Promise.all(workers.map((w) => w.end()));
  }
}

async function reqRep(server, { n }) {
  const subject = `benchmark.reqrep.${runSeq++}`;
  const resp = startWorker({ role: 'resp', port: server.port, subject, size: SIZE });
  const req = startWorker({ role: 'req', port: server.port, subject, size: SIZE, n, warmup: 100 });
  try {
    await resp.expect('ready', 20000);
    await req.expect('ready', 20000);
    resp.send('go');
    await resp.expect('result');
    const meter = cpuMeter(server.pid);
    req.send('go');
    const r = await req.expect('result');
    const cpu = meter();
    const errors = [...r.errors];
    if (r.timedOut) errors.push(`requester stopped after ${r.done} of ${n} requests (time limit)`);
    return {
      value: r.p50,
      p50: r.p50,
      p90: r.p90,
      p99: r.p99,
      max: r.max,
      rate: r.done / r.secs,
      lost: r.done < n ? n - r.done : 0,
      serverCpu: cpu.serverCpu,
      machineCpu: cpu.machineCpu,
      clientCpu: r.cpuMs / 10 / r.secs,
      errors,
    };
  } finally {
    await Promise.all([resp.end(), req.end()]);
  }
}

async function idleConns(server, { n }) {
  await sleep(300); // let a freshly started server settle
  const before = rssKb(server.pid);
  const w = startWorker({ role: 'conns', port: server.port, n, parallel: 100, timeoutMs: Math.max(TIMEOUT_MS, 60000) });
  try {
    await w.expect('ready', 20000);
    w.send('go');
    const r = await w.expect('result', Math.max(TIMEOUT_MS, 60000) + 30000);
    await sleep(500); // let allocations settle before reading RSS
    const after = rssKb(server.pid);
    w.send('close');
    await w.expect('closed');
    const errors = r.error ? [r.error] : [];
    return {
      value: after / 1024,
      rssBeforeMb: before / 1024,
      rssAfterMb: after / 1024,
      kbPerConn: r.opened ? (after - before) / r.opened : NaN,
      opened: r.opened,
      connRate: r.opened / r.secs,
      lost: 0,
      incomplete: r.opened < n,
      errors,
    };
  } finally {
    await w.end();
  }
}

// ---------------------------------------------------------------------------------------------
// formatting
function fmtRate(v) {
  if (!Number.isFinite(v)) return '-';
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return v.toFixed(0);
}
const fmtUs = (v) => (Number.isFinite(v) ? `${v.toFixed(0)} us` : '-');
const fmtMb = (v) => (Number.isFinite(v) ? `${v.toFixed(0)} MB` : '-');
const fmtPct = (v) => (Number.isFinite(v) ? `${v.toFixed(0)}%` : '-');
function median(a) {
  const b = a.filter(Number.isFinite).sort((x, y) => x - y);
  if (!b.length) return NaN;
  const m = b.length >> 1;
  return b.length % 2 ? b[m] : (b[m - 1] + b[m]) / 2;
}

const SCENARIOS = {
  pub: {
    title: `publish-only ${SIZE} B`,
    unit: 'msgs/s',
    fmt: fmtRate,
    target: { kind: 'ratio>=', v: 0.35 },
    run: (s) => pubSub(s, { n: counts.pub, k: 0 }),
    warm: (s) => pubSub(s, { n: Math.ceil(counts.pub / 4), k: 0 }),
    detail: (r) => `sent=${r.sent}`,
  },
  pubsub: {
    title: `pub→sub 1→1 ${SIZE} B`,
    unit: 'msgs/s delivered',
    fmt: fmtRate,
    target: { kind: 'ratio>=', v: 0.5 },
    run: (s) => pubSub(s, { n: counts.pubsub, k: 1 }),
    warm: (s) => pubSub(s, { n: Math.ceil(counts.pubsub / 4), k: 1 }),
    detail: (r) => `received=${r.received} lost=${r.lost} pub=${fmtRate(r.pubRate)}/s`,
  },
  fanout: {
    title: `fan-out 1→4 ${SIZE} B`,
    unit: 'msgs/s delivered',
    fmt: fmtRate,
    target: { kind: 'ratio>=', v: 0.5 },
    run: (s) => pubSub(s, { n: counts.fanout, k: 4 }),
    warm: (s) => pubSub(s, { n: Math.ceil(counts.fanout / 4), k: 4 }),
    detail: (r) => `received=${r.received} lost=${r.lost} pub=${fmtRate(r.pubRate)}/s per-sub=${r.subMin}..${r.subMax}`,
  },
  queue: {
    title: `queue group of 4 ${SIZE} B`,
    unit: 'msgs/s delivered',
    fmt: fmtRate,
    target: { kind: 'ratio>=', v: 0.5, informational: true },
    run: (s) => pubSub(s, { n: counts.queue, k: 4, queue: true }),
    warm: (s) => pubSub(s, { n: Math.ceil(counts.queue / 4), k: 4, queue: true }),
    detail: (r) => `received=${r.received} lost=${r.lost} per-member=${r.subMin}..${r.subMax}`,
  },
  reqrep: {
    title: `request/reply ${SIZE} B p50`,
    unit: 'p50 latency',
    fmt: fmtUs,
    lowerIsBetter: true,
    target: { kind: 'ratio<=', v: 2 },
    run: (s) => reqRep(s, { n: counts.reqrep }),
    warm: (s) => reqRep(s, { n: Math.ceil(counts.reqrep / 4) }),
    detail: (r) => `p90=${fmtUs(r.p90)} p99=${fmtUs(r.p99)} max=${fmtUs(r.max)} ${fmtRate(r.rate)} req/s`,
    extra: [{ key: 'p99', title: `request/reply ${SIZE} B p99`, fmt: fmtUs, lowerIsBetter: true }],
  },
  route: {
    title: `pub→sub 1→1 across a route ${SIZE} B`,
    unit: 'msgs/s delivered',
    fmt: fmtRate,
    target: { kind: 'ratio>=', v: 0.5, informational: true },
    cluster: true,
    run: (s) => pubSub(s, { n: counts.route, k: 1 }),
    warm: (s) => pubSub(s, { n: Math.ceil(counts.route / 4), k: 1 }),
    detail: (r) => `received=${r.received} lost=${r.lost} pub=${fmtRate(r.pubRate)}/s (cpu: publisher's node)`,
  },
  conns: {
    title: `${CONNS} idle conns, server RSS`,
    unit: 'RSS',
    fmt: fmtMb,
    lowerIsBetter: true,
    runs: 1,
    warmups: 0,
    target: { kind: 'abs<', v: 300, unit: 'MB' },
    run: (s) => idleConns(s, { n: CONNS }),
    detail: (r) =>
      `opened=${r.opened} rss ${fmtMb(r.rssBeforeMb)}→${fmtMb(r.rssAfterMb)} ${Number.isFinite(r.kbPerConn) ? r.kbPerConn.toFixed(1) : '-'} KiB/conn ${fmtRate(r.connRate)} conns/s`,
  },
};

function targetText(t) {
  if (!t) return '';
  if (t.kind === 'ratio>=') return `≥ ${t.v}×${t.informational ? ' (info)' : ''}`;
  if (t.kind === 'ratio<=') return `≤ ${t.v}×`;
  if (t.kind === 'abs<') return `< ${t.v} ${t.unit}`;
  return '';
}
function verdict(t, sb, nats) {
  if (!t || !Number.isFinite(sb)) return '';
  if (t.kind === 'abs<') return sb < t.v ? 'met' : 'MISSED';
  if (!Number.isFinite(nats)) return '';
  const r = sb / nats;
  if (t.kind === 'ratio>=') return r >= t.v ? 'met' : 'MISSED';
  if (t.kind === 'ratio<=') return r <= t.v ? 'met' : 'MISSED';
  return '';
}

// ---------------------------------------------------------------------------------------------
async function main() {
  let ulimit = '?';
  try {
    ulimit = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  } catch {}
  console.log(
    `# bench: ${SERVERS.map((s) => s.name).join(' vs ')}; scenarios=${ONLY.join(',')} scale=${SCALE} runs=${RUNS} warmup=${WARMUP} ` +
      `timeout=${TIMEOUT_MS / 1000}s size=${SIZE}B cpus=${NCPU} node=${process.version} ulimit -n=${ulimit}`,
  );
  if (ONLY.includes('conns') && Number(ulimit) < CONNS + 100)
    console.log(`# warning: ulimit -n ${ulimit} < ${CONNS} connections; the conns scenario will fail (node cannot raise it; run 'ulimit -n 20000' first)`);
  console.log('# all load generators are separate processes speaking raw TCP (no NATS client library); request/reply uses a raw-socket responder and requester');
  const t0 = Date.now();
  const summary = [];

  for (const key of ONLY) {
    const sc = SCENARIOS[key];
    console.log(`\n== ${sc.title} (${sc.unit}) ==`);
    // fresh servers for this group
    const servers = [];
    try {
      for (const def of SERVERS) {
        const s = sc.cluster ? await startClusterPair(def) : await startServer(def);
        servers.push(s);
        console.log(`  started ${s.name} ${s.version} pid=${s.pid} port=${s.port}${s.peer ? ` + route peer pid=${s.peer.pid} port=${s.peer.port}` : ''}`);
      }
    } catch (e) {
      for (const s of servers) await stopServer(s);
      throw e;
    }
    const results = Object.fromEntries(servers.map((s) => [s.name, []]));
    const warmups = sc.warmups ?? WARMUP;
    const runs = sc.runs ?? RUNS;
    try {
      for (let i = 0; i < warmups + runs; i++) {
        const warm = i < warmups;
        // alternate which server goes first
        const order = i % 2 === 0 ? servers : [...servers].reverse();
        for (const s of order) {
          if (s.exited()) throw new Error(`${s.name} ${s.exited()}; output tail:\n${s.tail()}`);
          const tag = warm ? 'warmup' : `run ${i - warmups + 1}/${runs}`;
          for (let attempt = 0; ; attempt++) {
            let r;
            try {
              r = await (warm && sc.warm ? sc.warm(s) : sc.run(s));
            } catch (e) {
              r = { value: NaN, lost: NaN, errors: [e.message] };
            }
            if (s.exited()) {
              r.errors.push(`server ${s.exited()}`);
              hardFailure = true;
            }
            r.otherCpu = r.machineCpu - r.serverCpu - r.clientCpu;
            r.noisy = Number.isFinite(r.otherCpu) && r.otherCpu > MAX_OTHER;
            const cpu = Number.isFinite(r.serverCpu)
              ? ` cpu server=${fmtPct(r.serverCpu)} client=${fmtPct(r.clientCpu)} other=${fmtPct(r.otherCpu)}${r.noisy ? ' NOISY' : ''}`
              : '';
            console.log(
              `  ${s.name.padEnd(11)} ${tag.padEnd(9)} ${sc.fmt(r.value).padStart(9)}  ${sc.detail && Number.isFinite(r.value) ? sc.detail(r) : ''}${cpu}` +
                (r.errors?.length ? `  ERROR: ${r.errors.slice(0, 3).join('; ')}` : ''),
            );
            if (r.lost !== 0 || !Number.isFinite(r.value) || r.incomplete) {
              hardFailure = true;
              if (r.lost) console.log(`  !! ${s.name}: ${r.lost > 0 ? `${r.lost} messages lost` : `${-r.lost} duplicates`}`);
            }
            if (warm) break;
            results[s.name].push(r);
            // something else used the CPUs during this run: measure it again (bounded)
            if (!r.noisy || attempt >= RETRY_NOISY || hardFailure) break;
            await sleep(1000);
          }
        }
      }
    } finally {
      for (const s of servers) await stopServer(s);
    }
    // per-scenario summary
    const rows = [{ key: 'value', title: sc.title, fmt: sc.fmt, target: sc.target, lowerIsBetter: sc.lowerIsBetter }, ...(sc.extra || [])];
    for (const row of rows) {
      // medians over the runs without outside CPU load when there are any, else over all
      const pick = (name) => {
        const all = results[name] || [];
        const clean = all.filter((r) => !r.noisy);
        return clean.length ? clean : all;
      };
      const med = (name) => median(pick(name).map((r) => r[row.key]));
      const cpuMed = (name) => median(pick(name).map((r) => r.serverCpu));
      const allNoisy = (name) => (results[name] || []).length > 0 && (results[name] || []).every((r) => r.noisy);
      const noisyNote = (name) => {
        const all = results[name] || [];
        const clean = all.filter((r) => !r.noisy).length;
        return clean === all.length ? '' : clean ? ` (${all.length - clean} noisy left out)` : ' (all runs noisy)';
      };
      const sb = med('switchboard');
      const nats = med('nats-server');
      const ratio = sb / nats;
      const line = {
        scenario: row.title,
        sb: row.fmt(sb) + (allNoisy('switchboard') ? '*' : ''),
        sbCpu: fmtPct(cpuMed('switchboard')),
        nats: row.fmt(nats) + (allNoisy('nats-server') ? '*' : ''),
        natsCpu: fmtPct(cpuMed('nats-server')),
        ratio: Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '-',
        target: targetText(row.target),
        verdict: verdict(row.target, sb, nats),
      };
      summary.push(line);
      console.log(
        `  -> median: switchboard ${line.sb} (cpu ${line.sbCpu})${noisyNote('switchboard')}, nats-server ${line.nats} (cpu ${line.natsCpu})${noisyNote('nats-server')}, ratio ${line.ratio}` +
          (line.target ? `, target ${line.target}${line.verdict ? ' ' + line.verdict : ''}` : ''),
      );
    }
  }

  if (NATSBENCH) await runNatsbench();

  // compact table
  console.log(`\n## Summary (medians; ratio = switchboard / nats-server; server CPU in % of one core) — ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const head = ['scenario', 'switchboard', 'sb cpu', 'nats-server', 'nats cpu', 'ratio', 'target', ''];
  const data = summary.map((l) => [l.scenario, l.sb, l.sbCpu, l.nats, l.natsCpu, l.ratio, l.target, l.verdict]);
  const w = head.map((h, i) => Math.max(h.length, ...data.map((d) => d[i].length)));
  const fmtRow = (r) => '| ' + r.map((c, i) => (i === 0 || i >= 6 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ') + ' |';
  console.log(fmtRow(head));
  console.log('|' + w.map((x, i) => (i === 0 || i >= 6 ? '-'.repeat(x + 2) : '-'.repeat(x + 1) + ':')).join('|') + '|');
  for (const d of data) console.log(fmtRow(d));
  if (summary.some((l) => l.sb.endsWith('*') || l.nats.endsWith('*')))
    console.log(`* every run of this figure was NOISY (other tasks used > ${MAX_OTHER}% of a core): do not trust it; rerun on a quiet machine`);
  if (hardFailure) console.log('\nbench: FAILED (a server failed to start or exited, a run errored, or messages were lost; see above)');
}

// Optional: natsbench (the Go raw client from /work/shared/tools/natsbench) against fresh servers.
async function runNatsbench() {
  const dir = '/work/shared/tools/natsbench';
  const bin = env.NATSBENCH_BIN || '/tmp/natsbench';
  console.log(`\n== natsbench -raw (${bin}) ==`);
  if (!existsSync(bin)) {
    if (!existsSync(path.join(dir, 'build.sh'))) return console.log('  natsbench not available; skipped');
    const b = spawnSync('sh', [path.join(dir, 'build.sh'), bin], { stdio: 'inherit', timeout: 180000 });
    if (b.status !== 0 || !existsSync(bin)) return console.log('  natsbench build failed; skipped');
  }
  const modes = [
    ['pub', ['-mode', 'pub', '-n', String(counts.pub)]],
    ['pubsub', ['-mode', 'pubsub', '-k', '1', '-n', String(counts.pubsub)]],
    ['fanout', ['-mode', 'pubsub', '-k', '4', '-n', String(counts.fanout)]],
    ['queue', ['-mode', 'queue', '-k', '4', '-n', String(counts.queue)]],
  ].filter(([k]) => ONLY.includes(k));
  for (const [name, args] of modes) {
    for (const def of SERVERS) {
      const s = await startServer(def);
      try {
        const r = spawnSync(
          bin,
          ['-url', `nats://127.0.0.1:${s.port}`, '-pid', String(s.pid), '-raw', '-size', String(SIZE), '-runs', String(RUNS), '-warmup', String(WARMUP), '-timeout', `${TIMEOUT_MS / 1000}s`, '-label', `${s.name}:${name}`, ...args],
          { encoding: 'utf8', timeout: (RUNS + WARMUP) * (TIMEOUT_MS + 15000) },
        );
        const lines = (r.stdout || '').split('\n').filter((l) => l.startsWith('SUMMARY') || (RUNS === 1 && l.startsWith('RESULT')));
        for (const l of lines) console.log(`  ${l}`);
        if (r.status !== 0) console.log(`  natsbench exited ${r.status ?? r.signal}: ${(r.stderr || '').slice(-300)}`);
      } finally {
        await stopServer(s);
      }
    }
  }
}

main().then(
  () => {
    cleanup();
    process.exit(hardFailure ? 1 : 0);
  },
  (e) => {
    console.error(`bench: ${hardFailure ? e.message : e.stack || e.message}`);
    cleanup();
    process.exit(1);
  },
);
