#!/usr/bin/env node
// Canary round trips during monitoring load, Switchboard beside nats-server (issue 16, item 5).
//
// Each server gets BENCH_MON_CONNS idle clients with BENCH_MON_SUBS subscriptions each; then,
// for BENCH_MON_SECONDS, one loop fetches /connz?subs=detail and /subsz?subs=1 back to back
// while a request/reply canary (nats.js requester and responder) runs; the row gives the
// canary's p50/p99 round trip and how many monitoring requests were served meanwhile.
// Everything started here is stopped by PID (also on SIGINT/SIGTERM).
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'nats';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const SB_CLI = path.join(root, 'apps/server/dist/cli.js');
const num = (v, d) => (v === undefined || v === '' || Number.isNaN(Number(v)) ? d : Number(v));
const CONNS = Math.floor(num(process.env.BENCH_MON_CONNS, 5000));
const SUBS = Math.floor(num(process.env.BENCH_MON_SUBS, 10));
const SECONDS = num(process.env.BENCH_MON_SECONDS, 5);
const SERVERS = (process.env.BENCH_SERVERS || 'switchboard,nats-server').split(',').map((s) => s.trim());
// The monitoring requests fetched back to back ('none': the canary alone, for a baseline).
const PATHS = (process.env.BENCH_MON_PATHS || '/connz?subs=detail,/subsz?subs=1').split(',').filter((p) => p.startsWith('/'));
// Extra node flags for the Switchboard process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it).
const SB_NODE_ARGS = (process.env.BENCH_SB_NODE_ARGS || '').split(' ').filter(Boolean);

const children = new Set();
function cleanup() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function waitPort(port, ms = 20_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise((r) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} did not open`);
}

async function start(kind) {
  const [port, mport] = [await freePort(), await freePort()];
  const args = ['-a', '127.0.0.1', '-p', String(port), '-m', String(mport)];
  const cp = kind === 'switchboard' ? spawn(process.execPath, [...SB_NODE_ARGS, SB_CLI, ...args], { stdio: 'ignore' }) : spawn('nats-server', args, { stdio: 'ignore' });
  children.add(cp);
  await waitPort(port);
  await waitPort(mport);
  return { kind, cp, port, mport };
}

/** Idle clients with subscriptions; resolves when every one has answered its PING. */
async function populate(port) {
  const sockets = [];
  for (let i = 0; i < CONNS; i += 200) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(200, CONNS - i) }, (_, k) =>
        new Promise((resolve, reject) => {
          const s = net.connect({ port, host: '127.0.0.1' });
          let buf = '';
          s.on('error', reject);
          s.on('data', (d) => {
            buf += d.toString('latin1');
            if (buf.includes('PONG\r\n')) resolve(s);
          });
          let ops = 'CONNECT {"verbose":false,"pedantic":false,"name":"idle"}\r\n';
          for (let j = 0; j < SUBS; j++) ops += `SUB idle.${i + k}.${j}.> ${j + 1}\r\n`;
          s.write(ops + 'PING\r\n');
        }),
      ),
    );
    sockets.push(...batch);
  }
  return sockets;
}

const pct = (sorted, p) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);

async function measure(server) {
  const sockets = await populate(server.port);
  const url = `127.0.0.1:${server.port}`;
  const responder = await connect({ servers: url });
  const requester = await connect({ servers: url });
  responder.subscribe('canary', { callback: (_e, m) => m.respond(m.data) });
  await responder.flush();
  for (let i = 0; i < 50; i++) await requester.request('canary', new Uint8Array(8), { timeout: 10_000 });
  let running = true;
  let monitorRequests = 0;
  const monitor = (async () => {
    while (running && PATHS.length > 0) {
      for (const p of PATHS) {
        const r = await fetch(`http://127.0.0.1:${server.mport}${p}`);
        await r.arrayBuffer();
        monitorRequests++;
      }
    }
  })();
  const rtts = [];
  const until = Date.now() + SECONDS * 1000;
  while (Date.now() < until) {
    const t0 = process.hrtime.bigint();
    await requester.request('canary', new Uint8Array(8), { timeout: 30_000 });
    rtts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  running = false;
  await monitor;
  await requester.close();
  await responder.close();
  for (const s of sockets) s.destroy();
  rtts.sort((a, b) => a - b);
  return { p50: pct(rtts, 50), p99: pct(rtts, 99), canaries: rtts.length, monitorRequests };
}

const results = {};
for (const kind of SERVERS) {
  if (kind !== 'switchboard' && kind !== 'nats-server') continue;
  const server = await start(kind);
  try {
    results[kind] = await measure(server);
  } finally {
    server.cp.kill('SIGTERM');
    await new Promise((r) => (server.cp.exitCode !== null ? r() : server.cp.once('exit', r)));
  }
}
const f = (v) => (Number.isNaN(v) ? '-' : `${v.toFixed(2)} ms`);
console.log(`\nmonitoring load: canary request/reply during ${PATHS.join(' + ') || 'no monitoring'} (${CONNS} conns x ${SUBS} subs, ${SECONDS}s)`);
console.log(`${'server'.padEnd(12)} ${'p50'.padStart(10)} ${'p99'.padStart(10)} ${'canaries'.padStart(9)} ${'monitor reqs'.padStart(13)}`);
for (const [kind, r] of Object.entries(results)) {
  console.log(`${kind.padEnd(12)} ${f(r.p50).padStart(10)} ${f(r.p99).padStart(10)} ${String(r.canaries).padStart(9)} ${String(r.monitorRequests).padStart(13)}`);
}
process.exit(0);
