#!/usr/bin/env node
// Switchboard vs nats-server benchmark. See scripts/bench/README.md.
//
// The orchestrator (this process) starts the servers as child processes and forks load
// generator workers (worker.mjs); it does no message traffic itself except a readiness probe.
import { spawn, fork, spawnSync, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const WORKER = path.join(here, 'worker.mjs');
// BENCH_SB_ROOT: measure the Switchboard build of another checkout (holding apps/server/dist/cli.js and node_modules)
const SB_CLI = path.join(process.env.BENCH_SB_ROOT ? path.resolve(process.env.BENCH_SB_ROOT) : root, 'apps/server/dist/cli.js');

// ---------------------------------------------------------------------------------------------
// knobs
const argv = process.argv.slice(2);
const env = process.env;
if (argv.includes('-h') || argv.includes('--help')) {
  console.log(readFileSync(path.join(here, 'README.md'), 'utf8'));
  process.exit(0);
}
function flagValue(name) {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : undefined;
}
const num = (v, d) => (v === undefined || v === '' || Number.isNaN(Number(v)) ? d : Number(v));
const QUICK = argv.includes('--quick');
const CPUS = Math.floor(num(flagValue('--cpus') ?? env.BENCH_CPUS, 0)); // 0: no pinning
const SCALE = num(env.BENCH_SCALE, QUICK ? 0.25 : 1);
const RUNS = Math.max(1, Math.floor(num(env.BENCH_RUNS, QUICK ? 1 : 3)));
const WARMUP = Math.max(0, Math.floor(num(env.BENCH_WARMUP, 1)));
const TIMEOUT_MS = num(env.BENCH_TIMEOUT, 30) * 1000;
const SIZES = (env.BENCH_SIZES || '16,128,1024,4096,65536').split(',').map(Number).filter((n) => n >= 0);
const FAN_SIZES = (env.BENCH_FAN_SIZES || '16,1024').split(',').map(Number).filter((n) => n >= 0);
const CONNS = (env.BENCH_CONNS || (QUICK ? '1000' : '1000,10000')).split(',').map(Number).filter((n) => n > 0);
const ONLY_RAW = (env.BENCH_ONLY || flagValue('--only') || '').split(',').map((s) => s.trim()).filter(Boolean);
const WANT_SERVERS = (env.BENCH_SERVERS || 'switchboard,nats-server').split(',').map((s) => s.trim());
// A second Switchboard build to compare against (e.g. a copy of main's build): a directory
// holding apps/server/dist/cli.js with its node_modules.
const BASELINE = flagValue('--baseline') ?? env.BENCH_BASELINE;
const NATSBENCH = argv.includes('--natsbench');
const MAX_OTHER = num(env.BENCH_MAX_OTHER, 50); // % of a core used by other tasks: above it a run is "noisy"
const RETRY_NOISY = Math.max(0, Math.floor(num(env.BENCH_RETRY_NOISY, 0)));
const SIZE = SIZES[0] ?? 16; // natsbench and request/reply

// Message counts: a byte budget per row, capped by a message count, so every size runs for
// a similar time (nats-server is byte-bound above ~256 B at ~1.3 GB/s here).
const count = (maxMsgs, bytes, size, min = 1000) => Math.max(min, Math.round(Math.min(maxMsgs, bytes / Math.max(size, 64)) * SCALE));
const counts = {
  pub: (size) => count(4_000_000, 1e9, size),
  pubsub: (size) => count(2_000_000, 5e8, size),
  // deliveries budget across all subscribers
  fanout: (size, k) => Math.ceil(count(4_000_000, 2.5e8, size) / k),
  queue: () => count(2_000_000, 5e8, 16),
  reqrep: () => Math.max(100, Math.round(5_000 * SCALE)),
  route: () => count(2_000_000, 5e8, 16),
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

// With --cpus N the servers are pinned to the first N cores (taskset; GOMAXPROCS=N for
// nats-server) and the load generators to the others, so the ratio shows code cost apart from
// the number of cores each server can use.
const NCPU_ALL = (() => {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length || 1;
  } catch {
    return 1;
  }
})();
if (CPUS > 0 && !onPath('taskset')) die('--cpus needs taskset (util-linux)');
if (CPUS > 0 && CPUS >= NCPU_ALL) console.log(`# --cpus ${CPUS}: the machine has ${NCPU_ALL}; load generators share the servers' cores`);
const SERVER_CPUS = CPUS > 0 ? `0-${Math.min(CPUS, NCPU_ALL) - 1}` : null;
const CLIENT_CPUS = CPUS > 0 && CPUS < NCPU_ALL ? `${CPUS}-${NCPU_ALL - 1}` : null;
function pinned(cmd, args, cpus) {
  return cpus === null ? { cmd, args } : { cmd: 'taskset', args: ['-c', cpus, cmd, ...args] };
}

const SERVERS = [];
// BENCH_SB_NODE_ARGS: extra node flags for the Switchboard servers (e.g. --cpu-prof, --trace-gc);
// BENCH_SB_OUT: a file that gets their output (stdout and stderr) appended.
const nodeArgs = (v) => (v || '').split(' ').filter(Boolean);
const SB_NODE_ARGS = nodeArgs(env.BENCH_SB_NODE_ARGS);
const sbServer = (name, cli, extra = SB_NODE_ARGS) => ({ name, cmd: process.execPath, args: (p) => [...extra, cli, '-a', '127.0.0.1', '-p', String(p)], env: {}, out: env.BENCH_SB_OUT });
if (WANT_SERVERS.includes('switchboard')) {
  if (!existsSync(SB_CLI)) die(`${path.relative(root, SB_CLI)} not found (run npm run build), or set BENCH_SERVERS=nats-server`);
  SERVERS.push(sbServer('switchboard', SB_CLI));
}
if (WANT_SERVERS.includes('nats-server')) {
  if (onPath('nats-server'))
    SERVERS.push({ name: 'nats-server', cmd: 'nats-server', args: (p) => ['-a', '127.0.0.1', '-p', String(p)], env: CPUS > 0 ? { GOMAXPROCS: String(CPUS) } : {} });
  else console.log('# nats-server not on PATH: measuring Switchboard alone (no ratios)');
}
if (BASELINE) {
  const cli = path.resolve(BASELINE, 'apps/server/dist/cli.js');
  if (!existsSync(cli)) die(`--baseline: ${cli} not found`);
  SERVERS.push(sbServer('baseline', cli, env.BENCH_BASE_NODE_ARGS === undefined ? SB_NODE_ARGS : nodeArgs(env.BENCH_BASE_NODE_ARGS)));
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
  const run = pinned(def.cmd, [...def.args(port), ...extraArgs], SERVER_CPUS);
  const cp = track(spawn(run.cmd, run.args, { cwd: root, env: { ...process.env, ...def.env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  let tail = '';
  const keep = (d) => (tail = (tail + d.toString()).slice(-4000));
  cp.stdout.on('data', keep);
  cp.stderr.on('data', keep);
  if (def.out) {
    const file = createWriteStream(def.out, { flags: 'a' });
    cp.stdout.pipe(file);
    cp.stderr.pipe(file);
  }
  let exited = null;
  cp.once('exit', (code, sig) => (exited = `exited with ${sig ?? code}`));
  const t0 = Date.now();
  let info = null;
  let lastErr = null;
  while (Date.now() - t0 < 45000 && !exited) { // generous: a loaded machine, or --cpus pinning beside other work
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
  const forkOpts = { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] };
  // taskset execs node in place, so the IPC channel survives
  if (CLIENT_CPUS !== null) Object.assign(forkOpts, { execPath: 'taskset', execArgv: ['-c', CLIENT_CPUS, process.execPath] });
  const cp = track(fork(WORKER, [JSON.stringify({ timeoutMs: TIMEOUT_MS, ...opts })], forkOpts));
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
const NCPU = NCPU_ALL;

// ---------------------------------------------------------------------------------------------
// scenarios. Each returns {value, ...details}; `value` is the headline figure.
let runSeq = 0;

// Samples a process's RSS every 20 ms until stopped; returns the peak and its growth over the
// RSS at the start, in MB.
function rssSampler(pid) {
  let peak = rssKb(pid);
  const t = setInterval(() => {
    const v = rssKb(pid);
    if (v > peak) peak = v;
  }, 20);
  const start = peak;
  return () => {
    clearInterval(t);
    const v = rssKb(pid);
    const max = Math.max(peak, Number.isFinite(v) ? v : 0);
    return { peak: max / 1024, growth: (max - start) / 1024 };
  };
}

// k subscriber connections (queue group if `queue`), one publisher of n messages of `size`
// bytes. k = 0: publish only. Subscriber connections are spread over at most 4 worker
// processes (a process per connection costs more client CPU than the server's).
async function pubSub(server, { n, k, size, queue }) {
  const subject = `benchmark.${k === 0 ? 'pub' : queue ? 'queue' : 'pubsub'}.${runSeq++}`; // natsbench-like length
  const workers = [];
  // Across a route (server.peer): subscribers on the peer, which counts until all crossed.
  const subPort = server.peer ? server.peer.port : server.port;
  try {
    const subs = [];
    const procs = Math.min(k, 4);
    for (let i = 0; i < procs; i++) {
      const conns = Math.floor(k / procs) + (i < k % procs ? 1 : 0);
      const w = startWorker({ role: 'sub', port: subPort, subject, conns, queue: queue ? 'q' : undefined, expect: server.peer ? n : undefined });
      workers.push(w);
      subs.push(w);
    }
    const pub = startWorker({ role: 'pub', port: server.port, subject, n, size });
    workers.push(pub);
    for (const w of workers) await w.expect('ready', 20000);
    for (const s of subs) {
      s.send('go');
      await s.expect('result');
    }
    if (server.peer) await awaitRouteInterest(server.port, subPort);
    const meter = cpuMeter(server.pid);
    const peakRss = rssSampler(server.pid);
    pub.send('go');
    const pr = await pub.expect('result');
    for (const s of subs) s.send('flush');
    const fl = [];
    for (const s of subs) fl.push(await s.expect('flushed'));
    const cpu = meter();
    const t0 = BigInt(pr.t0);
    const tPong = BigInt(pr.tPong);
    const pubSecs = Number(tPong - t0) / 1e9;
    const rss = peakRss();
    const res = { sent: pr.sent, pubRate: pr.sent / pubSecs, serverCpu: cpu.serverCpu, machineCpu: cpu.machineCpu, peakRssMb: rss.peak, peakGrowthMb: rss.growth, errors: [...pr.errors] };
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
    res.subMin = Math.min(...fl.map((f) => f.min));
    res.subMax = Math.max(...fl.map((f) => f.max));
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

const sizeName = (b) => (b >= 1024 && b % 1024 === 0 ? `${b / 1024} KiB` : `${b} B`);
const sizeId = (b) => (b >= 1024 && b % 1024 === 0 ? `${b / 1024}k` : `${b}`);

// The rows, in order. Each row gets fresh servers; `group` selects rows with BENCH_ONLY
// (a group name or a row id). To add one: ROWS.push({id, group, title, unit, fmt, run(server),
// warm(server)?, target?, detail?, extra?, lowerIsBetter?, runs?, warmups?}); `run` returns
// {value, lost, errors, ...} and may read more fields through `extra` rows.
const ROWS = [];
const RATE_DETAIL = (r) => `received=${r.received} lost=${r.lost} pub=${fmtRate(r.pubRate)}/s per-sub=${r.subMin}..${r.subMax} peak-rss=${fmtMb(r.peakRssMb)} (+${fmtMb(r.peakGrowthMb)})`;
for (const size of SIZES) {
  ROWS.push({
    id: `pub${sizeId(size)}`,
    group: 'pub',
    title: `publish-only ${sizeName(size)}`,
    unit: 'msgs/s',
    fmt: fmtRate,
    target: { kind: 'ratio>=', v: size < 1024 ? 0.5 : 0.7 },
    run: (s) => pubSub(s, { n: counts.pub(size), k: 0, size }),
    warm: (s) => pubSub(s, { n: Math.ceil(counts.pub(size) / 4), k: 0, size }),
    detail: (r) => `sent=${r.sent} peak-rss=${fmtMb(r.peakRssMb)}`,
  });
}
for (const size of SIZES) {
  ROWS.push({
    id: `pubsub${sizeId(size)}`,
    group: 'pubsub',
    title: `1→1 ${sizeName(size)}`,
    unit: 'msgs/s delivered',
    fmt: fmtRate,
    target: { kind: 'ratio>=', v: 0.8 },
    run: (s) => pubSub(s, { n: counts.pubsub(size), k: 1, size }),
    warm: (s) => pubSub(s, { n: Math.ceil(counts.pubsub(size) / 4), k: 1, size }),
    detail: RATE_DETAIL,
  });
}
for (const k of [4, 16]) {
  for (const size of FAN_SIZES) {
    ROWS.push({
      id: `fanout${k}x${sizeId(size)}`,
      group: 'fanout',
      title: `fan-out 1→${k} ${sizeName(size)}`,
      unit: 'msgs/s delivered',
      fmt: fmtRate,
      target: k === 4 ? { kind: 'ratio>=', v: 0.8 } : { kind: 'ratio>=', v: 0.8, informational: true },
      run: (s) => pubSub(s, { n: counts.fanout(size, k), k, size }),
      warm: (s) => pubSub(s, { n: Math.ceil(counts.fanout(size, k) / 4), k, size }),
      detail: RATE_DETAIL,
      extra: [
        { key: 'peakRssMb', title: `peak RSS, fan-out 1→${k} ${sizeName(size)}`, fmt: fmtMb, lowerIsBetter: true, target: { kind: 'ratio<=', v: 2 } },
        { key: 'peakGrowthMb', title: `  RSS growth during the run`, fmt: fmtMb, lowerIsBetter: true },
      ],
    });
  }
}
ROWS.push({
  id: 'queue',
  group: 'queue',
  title: 'queue group of 4, 16 B',
  unit: 'msgs/s delivered',
  fmt: fmtRate,
  target: { kind: 'ratio>=', v: 0.5, informational: true },
  run: (s) => pubSub(s, { n: counts.queue(), k: 4, size: 16, queue: true }),
  warm: (s) => pubSub(s, { n: Math.ceil(counts.queue() / 4), k: 4, size: 16, queue: true }),
  detail: (r) => `received=${r.received} lost=${r.lost} per-member=${r.subMin}..${r.subMax}`,
});
ROWS.push({
  id: 'reqrep',
  group: 'reqrep',
  title: `request/reply ${sizeName(SIZE)} p50`,
  unit: 'p50 latency',
  fmt: fmtUs,
  lowerIsBetter: true,
  target: { kind: 'ratio<=', v: 2 },
  run: (s) => reqRep(s, { n: counts.reqrep() }),
  warm: (s) => reqRep(s, { n: Math.ceil(counts.reqrep() / 4) }),
  detail: (r) => `p90=${fmtUs(r.p90)} p99=${fmtUs(r.p99)} max=${fmtUs(r.max)} ${fmtRate(r.rate)} req/s`,
  extra: [{ key: 'p99', title: `request/reply ${sizeName(SIZE)} p99`, fmt: fmtUs, lowerIsBetter: true }],
});
ROWS.push({
  id: 'route',
  group: 'route',
  title: `1→1 across a route ${sizeName(SIZE)}`,
  unit: 'msgs/s delivered',
  fmt: fmtRate,
  target: { kind: 'ratio>=', v: 0.5, informational: true },
  cluster: true,
  run: (s) => pubSub(s, { n: counts.route(), k: 1, size: SIZE }),
  warm: (s) => pubSub(s, { n: Math.ceil(counts.route() / 4), k: 1, size: SIZE }),
  detail: (r) => `received=${r.received} lost=${r.lost} pub=${fmtRate(r.pubRate)}/s (cpu: publisher's node)`,
});
for (const n of CONNS) {
  ROWS.push({
    id: `conns${n >= 1000 && n % 1000 === 0 ? n / 1000 + 'k' : n}`,
    group: 'conns',
    title: `${n} idle conns, server RSS`,
    unit: 'RSS',
    fmt: fmtMb,
    lowerIsBetter: true,
    runs: 1,
    warmups: 0,
    run: (s) => idleConns(s, { n }),
    detail: (r) =>
      `opened=${r.opened} rss ${fmtMb(r.rssBeforeMb)}→${fmtMb(r.rssAfterMb)} ${Number.isFinite(r.kbPerConn) ? r.kbPerConn.toFixed(1) : '-'} KiB/conn ${fmtRate(r.connRate)} conns/s`,
    extra: [{ key: 'kbPerConn', title: `${n} idle conns, KiB/conn`, fmt: (v) => (Number.isFinite(v) ? `${v.toFixed(1)} KiB` : '-'), lowerIsBetter: true, target: { kind: 'ratio<=', v: 1 } }],
  });
}
// natsbench (the Go raw-TCP client from /work/shared/tools/natsbench, on nats.go's parser-free
// raw mode) as a cross-check of the Node load generators: same servers, alternating, medians and
// ratio like every other row. Only with --natsbench (or BENCH_ONLY naming its rows); skipped
// with a message when the binary is absent and cannot be built.
const NATSBENCH_DIR = '/work/shared/tools/natsbench';
const NATSBENCH_BIN = env.NATSBENCH_BIN || '/tmp/natsbench';
const NB_SIZES = (env.NATSBENCH_SIZES || '16,1024').split(',').map(Number).filter((n) => n >= 0);
/** The natsbench binary: NATSBENCH_BIN, else built with the tool's build.sh (Go, Debian's nats.go); null when neither works. */
function natsbenchBinary() {
  if (existsSync(NATSBENCH_BIN)) return NATSBENCH_BIN;
  if (!existsSync(path.join(NATSBENCH_DIR, 'build.sh'))) return (console.log(`# natsbench: ${NATSBENCH_BIN} absent and ${NATSBENCH_DIR} missing; natsbench rows skipped`), null);
  if (!onPath('go')) return (console.log(`# natsbench: ${NATSBENCH_BIN} absent and no Go toolchain to build it; natsbench rows skipped`), null);
  console.log(`# natsbench: building ${NATSBENCH_BIN} with ${NATSBENCH_DIR}/build.sh`);
  const b = spawnSync('sh', [path.join(NATSBENCH_DIR, 'build.sh'), NATSBENCH_BIN], { stdio: 'inherit', timeout: 180000 });
  if (b.status !== 0 || !existsSync(NATSBENCH_BIN)) return (console.log('# natsbench: build failed; natsbench rows skipped'), null);
  return NATSBENCH_BIN;
}
function natsbenchRun(server, args) {
  return new Promise((resolve) => {
    const cp = track(spawn(NATSBENCH_BIN, ['-url', `nats://127.0.0.1:${server.port}`, '-pid', String(server.pid), '-raw', '-timeout', `${TIMEOUT_MS / 1000}s`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    cp.stdout.on('data', (d) => (out += d));
    cp.stderr.on('data', (d) => (err += d));
    const kill = setTimeout(() => cp.kill('SIGKILL'), TIMEOUT_MS + 30000);
    cp.on('exit', (code, sig) => {
      clearTimeout(kill);
      const line = out.split('\n').find((l) => l.startsWith('RESULT ')) ?? '';
      const f = Object.fromEntries([...line.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((m) => [m[1], m[2]]));
      const n = (k) => (f[k] === undefined ? NaN : Number(f[k]));
      const errors = [];
      if (f.error) errors.push(`natsbench: ${f.error}`);
      if (!line) errors.push(`natsbench exited ${code ?? sig} without a RESULT: ${(err || out).trim().slice(-300)}`);
      resolve({ value: n('rate_msgs'), lost: n('lost'), errors, serverCpu: n('server_cpu_pct'), clientCpu: n('client_cpu_pct'), machineCpu: n('server_cpu_pct') + n('client_cpu_pct') + n('other_cpu_pct'), received: f.received, sent: f.msgs });
    });
  });
}
for (const [mode, k, title, cnt] of [
  ['pub', 0, 'publish-only', (size) => counts.pub(size)],
  ['pubsub', 1, '1→1', (size) => counts.pubsub(size)],
  ['pubsub', 4, 'fan-out 1→4', (size) => counts.fanout(size, 4)],
]) {
  for (const size of NB_SIZES) {
    const args = (n) => ['-mode', mode, '-size', String(size), '-n', String(n), ...(k > 0 ? ['-k', String(k)] : [])];
    ROWS.push({
      id: `nb-${k === 0 ? 'pub' : k === 1 ? 'pubsub' : `fanout${k}x`}${sizeId(size)}`,
      group: 'natsbench',
      optional: true,
      title: `natsbench ${title} ${sizeName(size)}`,
      unit: k === 0 ? 'msgs/s' : 'msgs/s delivered',
      fmt: fmtRate,
      run: (s) => natsbenchRun(s, args(cnt(size))),
      warm: (s) => natsbenchRun(s, args(Math.ceil(cnt(size) / 4))),
      detail: (r) => `natsbench -raw ${mode}${k > 0 ? ` k=${k}` : ''} lost=${r.lost}`,
    });
  }
}
const GROUPS = [...new Set(ROWS.map((r) => r.group))];
for (const o of ONLY_RAW)
  if (!GROUPS.includes(o) && !ROWS.some((r) => r.id === o)) die(`BENCH_ONLY: unknown row ${o} (groups: ${GROUPS.join(',')}; rows: ${ROWS.map((r) => r.id).join(',')})`);
const SELECTED = ONLY_RAW.length
  ? ROWS.filter((r) => ONLY_RAW.includes(r.group) || ONLY_RAW.includes(r.id) || (NATSBENCH && r.group === 'natsbench'))
  : ROWS.filter((r) => !r.optional || (NATSBENCH && r.group === 'natsbench'));

function targetText(t) {
  if (!t) return '';
  const info = t.informational ? ' (info)' : '';
  if (t.kind === 'ratio>=') return `≥ ${t.v}×${info}`;
  if (t.kind === 'ratio<=') return `≤ ${t.v}×${info}`;
  if (t.kind === 'abs<') return `< ${t.v} ${t.unit}${info}`;
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

// One row: fresh servers, warm-up and measured runs alternating between the servers.
async function runRow(sc) {
  console.log(`\n== ${sc.title} (${sc.unit}) [${sc.id}] ==`);
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
      // rotate which server goes first
      const order = servers.map((_, j) => servers[(j + i) % servers.length]);
      if (i % 2 === 1) order.reverse();
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
  // per-row summary lines (the row itself and its extra figures)
  const lines = [];
  const figures = [{ key: 'value', title: sc.title, fmt: sc.fmt, target: sc.target, lowerIsBetter: sc.lowerIsBetter }, ...(sc.extra || [])];
  for (const fig of figures) {
    // medians over the runs without outside CPU load when there are any, else over all
    const pick = (name) => {
      const all = results[name] || [];
      const clean = all.filter((r) => !r.noisy);
      return clean.length ? clean : all;
    };
    const med = (name) => median(pick(name).map((r) => r[fig.key]));
    const cpuMed = (name) => median(pick(name).map((r) => r.serverCpu));
    // server CPU time per message (all threads): less sensitive to other load than the rate
    const perMsg = fig.key === 'value' && sc.unit.startsWith('msgs/s');
    const nsMed = (name) => (perMsg ? median(pick(name).map((r) => (r.serverCpu / 100 / r.value) * 1e9)) : NaN);
    const fmtNs = (v) => (Number.isFinite(v) ? v.toFixed(0) : '');
    const allNoisy = (name) => (results[name] || []).length > 0 && (results[name] || []).every((r) => r.noisy);
    const noisyNote = (name) => {
      const all = results[name] || [];
      const clean = all.filter((r) => !r.noisy).length;
      return clean === all.length ? '' : clean ? ` (${all.length - clean} noisy left out)` : ' (all runs noisy)';
    };
    const sb = med('switchboard');
    const nats = med('nats-server');
    const base = med('baseline');
    const ratio = sb / nats;
    const line = {
      scenario: fig.title,
      sb: fig.fmt(sb) + (allNoisy('switchboard') ? '*' : ''),
      sbCpu: fmtPct(cpuMed('switchboard')),
      nats: fig.fmt(nats) + (allNoisy('nats-server') ? '*' : ''),
      natsCpu: fmtPct(cpuMed('nats-server')),
      sbNs: fmtNs(nsMed('switchboard')),
      natsNs: fmtNs(nsMed('nats-server')),
      baseNs: fmtNs(nsMed('baseline')),
      ratio: Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '-',
      base: fig.fmt(base) + (allNoisy('baseline') ? '*' : ''),
      baseRatio: Number.isFinite(base / nats) ? `${(base / nats).toFixed(2)}×` : '-',
      target: targetText(fig.target),
      verdict: verdict(fig.target, sb, nats),
    };
    lines.push(line);
    console.log(
      `  -> median: switchboard ${line.sb} (cpu ${line.sbCpu})${noisyNote('switchboard')}, nats-server ${line.nats} (cpu ${line.natsCpu})${noisyNote('nats-server')}, ratio ${line.ratio}` +
        (BASELINE ? `, baseline ${line.base} (${line.baseRatio})` : '') +
        (line.target ? `, target ${line.target}${line.verdict ? ' ' + line.verdict : ''}` : ''),
    );
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
async function main() {
  let ulimit = '?';
  try {
    ulimit = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  } catch {}
  console.log(
    `# bench: ${SERVERS.map((s) => s.name).join(' vs ')}; rows=${SELECTED.map((r) => r.id).join(',')} scale=${SCALE} runs=${RUNS} warmup=${WARMUP} ` +
      `timeout=${TIMEOUT_MS / 1000}s cpus=${NCPU}${CPUS > 0 ? ` servers pinned to cpu ${SERVER_CPUS}, clients to ${CLIENT_CPUS ?? SERVER_CPUS}` : ''} node=${process.version} ulimit -n=${ulimit}`,
  );
  const maxConns = Math.max(0, ...SELECTED.filter((r) => r.group === 'conns').map((r) => Number(r.title.split(' ')[0])));
  if (maxConns > 0 && Number(ulimit) < maxConns + 100)
    console.log(`# warning: ulimit -n ${ulimit} < ${maxConns} connections; the conns rows will fail (node cannot raise it; run 'ulimit -n 20000' first)`);
  console.log('# all load generators are separate processes speaking raw TCP (no NATS client library); request/reply uses a raw-socket responder and requester');
  const t0 = Date.now();
  const summary = [];
  const nbOk = !SELECTED.some((r) => r.group === 'natsbench') || natsbenchBinary() !== null;
  for (const sc of SELECTED) if (nbOk || sc.group !== 'natsbench') summary.push(...(await runRow(sc)));

  // compact table
  console.log(`\n## Summary (medians; ratio = switchboard / nats-server; server CPU in % of one core; ns/msg = server CPU time per message) — ${((Date.now() - t0) / 1000).toFixed(0)} s${CPUS > 0 ? ` — servers pinned to ${CPUS} cpu` : ''}`);
  const head = ['scenario', 'switchboard', 'nats-server', 'ratio', 'sb cpu', 'nats cpu', 'sb ns/msg', 'nats ns/msg', ...(BASELINE ? ['baseline', 'base ratio', 'base ns/msg'] : []), 'target', ''];
  const data = summary.map((l) => [l.scenario, l.sb, l.nats, l.ratio, l.sbCpu, l.natsCpu, l.sbNs, l.natsNs, ...(BASELINE ? [l.base, l.baseRatio, l.baseNs] : []), l.target, l.verdict]);
  const left = (i) => i === 0 || i >= head.length - 2;
  const w = head.map((h, i) => Math.max(h.length, ...data.map((d) => d[i].length)));
  const fmtRow = (r) => '| ' + r.map((c, i) => (left(i) ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ') + ' |';
  console.log(fmtRow(head));
  console.log('|' + w.map((x, i) => (left(i) ? '-'.repeat(x + 2) : '-'.repeat(x + 1) + ':')).join('|') + '|');
  for (const d of data) console.log(fmtRow(d));
  if (summary.some((l) => l.sb.endsWith('*') || l.nats.endsWith('*')))
    console.log(`* every run of this figure was NOISY (other tasks used > ${MAX_OTHER}% of a core): do not trust it; rerun on a quiet machine`);
  if (hardFailure) console.log('\nbench: FAILED (a server failed to start or exited, a run errored, or messages were lost; see above)');
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
