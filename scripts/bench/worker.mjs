// Load-generator worker for scripts/bench/bench.mjs. Always runs in its own process
// (child_process.fork), never inside the server. Speaks the NATS client protocol over raw
// TCP: no NATS client library, no payload decoding.
//
// Roles (argv[2] is a JSON object {role, port, ...}):
//   pub   - publishes N pre-built PUB frames in 64 KiB batches, then PING and waits for PONG
//   sub   - `conns` connections, each SUB (optionally in a queue group), counting MSG frames with a byte scanner
//   resp  - replies to every request on a subject (request/reply responder)
//   req   - sequential requests, records per-request latency
//   conns - opens C idle connections (INFO, CONNECT, PING/PONG) in bounded parallel batches
//
// Protocol with the parent over IPC: worker sends {ev:'ready'} once connected; parent sends
// {cmd:'go'}; worker answers {ev:'result', ...}. Subscribers then get {cmd:'flush'} and answer
// {ev:'flushed', ...}. Parent sends {cmd:'exit'} (or disconnects) to end the worker.
import net from 'node:net';

const opts = JSON.parse(process.argv[2]);
const HOST = '127.0.0.1';
const TIMEOUT_MS = opts.timeoutMs ?? 30000;
const now = () => process.hrtime.bigint(); // CLOCK_MONOTONIC: comparable across processes
const CONNECT =
  'CONNECT {"verbose":false,"pedantic":false,"tls_required":false,"name":"bench","lang":"raw","version":"0","protocol":1,"echo":true}\r\n';

function send(msg) {
  if (process.connected) process.send(msg);
}
function fail(err) {
  send({ ev: 'error', error: String(err && err.message ? err.message : err) });
  setTimeout(() => process.exit(1), 50);
}
process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', fail);

const commands = [];
const waiters = [];
process.on('message', (m) => {
  if (m && m.cmd === 'exit') process.exit(0);
  const w = waiters.shift();
  if (w) w(m);
  else commands.push(m);
});
function nextCommand() {
  if (commands.length) return Promise.resolve(commands.shift());
  return new Promise((r) => waiters.push(r));
}

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([
    p,
    new Promise((_, rej) => {
      t = setTimeout(() => rej(new Error(`timeout (${ms} ms) waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

// ---------------------------------------------------------------------------------------------
// Byte scanner. Tracks `MSG <subj> <sid> [reply] <len>\r\n` + len + 2 across chunk boundaries,
// answers server PINGs, reports PONGs and -ERR. Payloads are skipped, never copied or decoded
// (except when `onMsgLine` is set: then the MSG control line is handed over, for the
// request/reply roles, which run at low rates).
class Scanner {
  constructor(sock, { onMsgLine, coalesce = false } = {}) {
    this.sock = sock;
    this.count = 0; // MSG frames seen
    this.lastMsgAt = 0n; // hrtime of the chunk that completed the latest MSG
    this.firstMsgAt = 0n;
    this.skip = 0; // payload bytes (+CRLF) still to skip
    this.partial = null; // incomplete control line carried over from the previous chunk
    this.pongWaiters = [];
    this.errors = [];
    this.onMsgLine = onMsgLine;
    this.closed = false;
    // reads land in one static 256 KiB buffer per connection (net's `onread`): no allocation
    // per read, and the scanner copies only an incomplete control line at the end of a read
    sock.__onread = (nread, buf) => {
      this.feed(buf.subarray(0, nread));
      if (coalesce && COALESCE_MS > 0 && nread < COALESCE_BELOW && this.count > 0) {
        // a small read means we are keeping up: let the kernel buffer fill for a moment so
        // the next read takes a large chunk (fewer syscalls and callbacks per message)
        setTimeout(() => sock.resume(), COALESCE_MS);
        return false; // pauses reading
      }
      return true;
    };
    sock.on('close', () => {
      this.closed = true;
      for (const w of this.pongWaiters.splice(0)) w.reject(new Error('connection closed'));
    });
  }

  // Process one complete control line buf[start..nl] (buf[nl] === '\n'). Returns the number
  // of payload bytes that follow it (MSG), else 0.
  line(buf, start, nl) {
    const c0 = buf[start];
    if (c0 === 77 /* M */) {
      // length: digits just before "\r\n"
      let i = nl - 1;
      if (buf[i] === 13) i--;
      let n = 0;
      let mul = 1;
      while (i > start) {
        const d = buf[i] - 48;
        if (d < 0 || d > 9) break;
        n += d * mul;
        mul *= 10;
        i--;
      }
      this.count++;
      if (this.onMsgLine) this.onMsgLine(buf.toString('latin1', start, nl - 1));
      return n + 2;
    }
    if (c0 === 80 /* P */) {
      const c1 = buf[start + 1];
      if (c1 === 73 /* PING */) this.sock.write('PONG\r\n');
      else if (c1 === 79 /* PONG */) {
        const w = this.pongWaiters.shift();
        if (w) w.resolve(now());
      }
      return 0;
    }
    if (c0 === 45 /* -ERR */) {
      const text = buf.toString('latin1', start, nl).trim();
      this.errors.push(text);
      send({ ev: 'log', text: `server said ${text}` });
      return 0;
    }
    return 0; // INFO, +OK
  }

  feed(chunk) {
    let pos = 0;
    const len = chunk.length;
    const before = this.count;
    if (this.skip > 0) {
      if (this.skip >= len) {
        this.skip -= len;
        return;
      }
      pos = this.skip;
      this.skip = 0;
    }
    if (this.partial !== null) {
      // complete the carried-over line with bytes from this chunk
      let nl = pos;
      while (nl < len && chunk[nl] !== 10) nl++;
      if (nl === len) {
        this.partial = Buffer.concat([this.partial, chunk.subarray(pos)]);
        if (this.partial.length > 65536) throw new Error('control line too long');
        return;
      }
      const line = Buffer.concat([this.partial, chunk.subarray(pos, nl + 1)]);
      this.partial = null;
      const skip = this.line(line, 0, line.length - 1);
      pos = nl + 1 + skip;
      if (pos > len) {
        this.skip = pos - len;
        pos = len;
      }
    }
    while (pos < len) {
      // find '\n' with a plain loop: control lines are short, a native indexOf call costs more
      let nl = pos + 3;
      while (nl < len && chunk[nl] !== 10) nl++;
      if (nl >= len) {
        this.partial = Buffer.from(chunk.subarray(pos)); // copy: the chunk may be reused
        break;
      }
      pos = nl + 1 + this.line(chunk, pos, nl);
      if (pos > len) {
        this.skip = pos - len;
        break;
      }
    }
    if (this.count !== before) {
      const t = now();
      if (before === 0) this.firstMsgAt = t;
      this.lastMsgAt = t;
    }
  }

  ping(ms = TIMEOUT_MS) {
    const p = new Promise((resolve, reject) => this.pongWaiters.push({ resolve, reject }));
    this.sock.write('PING\r\n');
    return withTimeout(p, ms, 'PONG');
  }
}

const COALESCE_MS = Number(process.env.BENCH_COALESCE_MS ?? 1);
const COALESCE_BELOW = 16384;
// Runs the scanner over synthetic MSG traffic (cut at every kind of boundary) so that V8 has
// optimised it before the measured run starts: each run forks fresh workers, and a cold
// scanner would make the first ~100 ms of a run client-bound.
function warmScanner() {
  const stub = { on() {}, write() {}, pause() {}, resume() {} };
  const sc = new Scanner(stub, { coalesce: false });
  const frame = Buffer.from('MSG benchmark.pubsub.1 1 16\r\nxxxxxxxxxxxxxxxx\r\n');
  const big = Buffer.alloc(frame.length * 4000);
  for (let i = 0; i < 4000; i++) frame.copy(big, i * frame.length);
  let expected = 0;
  for (let round = 0; round < 60; round++) {
    let pos = 0;
    const step = 1000 + ((round * 7919) % 60000);
    while (pos < big.length) {
      const end = Math.min(big.length, pos + step);
      sc.feed(big.subarray(pos, end));
      pos = end;
    }
    expected += 4000;
  }
  // tiny reads: control lines spread over several reads, reads inside a payload
  const small = big.subarray(0, frame.length * 50);
  for (const step of [1, 2, 3, 5, 7, 13, 29, 44, 46]) {
    for (let pos = 0; pos < small.length; pos += step) sc.feed(small.subarray(pos, Math.min(small.length, pos + step)));
    expected += 50;
  }
  if (sc.count !== expected || sc.skip !== 0 || sc.partial !== null)
    throw new Error(`scanner self-check failed: counted ${sc.count} of ${expected}`);
}

function connect(port) {
  return new Promise((resolve, reject) => {
    let sock;
    const o = { host: HOST, port, noDelay: true };
    o.onread = { buffer: Buffer.allocUnsafe(256 * 1024), callback: (n, b) => sock.__onread(n, b) };
    sock = net.createConnection(o);
    sock.__onread = () => true; // replaced by the Scanner
    sock.once('connect', () => resolve(sock));
    sock.once('error', reject);
  });
}

// Connects, sends CONNECT + PING, waits for PONG. Returns {sock, scanner}.
async function open(port, scannerOpts) {
  const sock = await withTimeout(connect(port), 10000, 'TCP connect');
  sock.on('error', (e) => send({ ev: 'log', text: `socket error: ${e.message}` }));
  const scanner = new Scanner(sock, scannerOpts);
  sock.write(CONNECT);
  await scanner.ping(10000);
  return { sock, scanner };
}

function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// ---------------------------------------------------------------------------------------------
async function runPub() {
  const { sock, scanner } = await open(opts.port);
  const payload = Buffer.alloc(opts.size, 'x'.charCodeAt(0));
  const frame = Buffer.concat([Buffer.from(`PUB ${opts.subject} ${opts.size}\r\n`), payload, Buffer.from('\r\n')]);
  const perBatch = Math.max(1, Math.floor(65536 / frame.length));
  const batch = Buffer.alloc(perBatch * frame.length);
  for (let i = 0; i < perBatch; i++) frame.copy(batch, i * frame.length);
  send({ ev: 'ready' });
  await nextCommand(); // go
  const n = opts.n;
  const cpu0 = cpuMs();
  const t0 = now();
  const deadline = t0 + BigInt(TIMEOUT_MS) * 1000000n;
  let sent = 0;
  let timedOut = false;
  let closed = false;
  sock.once('close', () => (closed = true));
  while (sent < n) {
    if (now() > deadline) {
      timedOut = true;
      break;
    }
    if (closed) throw new Error('publisher connection closed by server');
    const k = Math.min(perBatch, n - sent);
    const ok = sock.write(k === perBatch ? batch : batch.subarray(0, k * frame.length));
    sent += k;
    if (!ok) {
      const left = Number(deadline - now()) / 1e6;
      if (left <= 0) {
        timedOut = true;
        break;
      }
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        const done = () => {
          clearTimeout(t);
          sock.off('drain', done);
          sock.off('close', done);
          resolve();
        };
        sock.on('drain', done);
        sock.on('close', done);
      });
    }
  }
  const tSent = now();
  // PONG arrives only once the server has processed everything before our PING
  const tPong = await scanner.ping(TIMEOUT_MS + 10000);
  send({
    ev: 'result',
    sent,
    timedOut,
    t0: String(t0),
    tSent: String(tSent),
    tPong: String(tPong),
    cpuMs: cpuMs() - cpu0,
    errors: scanner.errors,
  });
  await nextCommand();
}

// `conns` subscriber connections (default 1) in this process, each with its own scanner.
async function runSub() {
  warmScanner();
  const conns = [];
  for (let i = 0; i < (opts.conns ?? 1); i++) {
    const c = await open(opts.port, { coalesce: true });
    c.sock.write(`SUB ${opts.subject}${opts.queue ? ' ' + opts.queue : ''} 1\r\n`);
    await c.scanner.ping(10000); // SUB registered
    conns.push(c);
  }
  send({ ev: 'ready' });
  await nextCommand(); // go
  const cpu0 = cpuMs();
  send({ ev: 'result' });
  await nextCommand(); // flush: the publisher's PONG has arrived
  // Across a route the publisher's PONG does not mean the messages reached this server yet:
  // wait (bounded) for the expected count before the closing PING.
  if (opts.expect) {
    const until = Date.now() + TIMEOUT_MS;
    while (conns.some((c) => c.scanner.count < opts.expect) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  }
  // our PONG comes after every MSG the server queued for us before it
  let error = null;
  try {
    await Promise.all(conns.map((c) => c.scanner.ping(TIMEOUT_MS)));
  } catch (e) {
    error = e.message;
  }
  const counts = conns.map((c) => c.scanner.count);
  send({
    ev: 'flushed',
    count: counts.reduce((a, b) => a + b, 0),
    min: Math.min(...counts),
    max: Math.max(...counts),
    lastMsgAt: String(conns.reduce((a, c) => (c.scanner.lastMsgAt > a ? c.scanner.lastMsgAt : a), 0n)),
    cpuMs: cpuMs() - cpu0,
    errors: conns.flatMap((c) => c.scanner.errors),
    error,
  });
  await nextCommand();
}

async function runResp() {
  const payload = 'x'.repeat(opts.size);
  let sock;
  const { sock: s, scanner } = await open(opts.port, {
    onMsgLine(line) {
      // MSG <subject> <sid> <reply> <len>
      const parts = line.split(' ');
      if (parts.length === 5) s.write(`PUB ${parts[3]} ${payload.length}\r\n${payload}\r\n`);
    },
  });
  sock = s;
  sock.write(`SUB ${opts.subject} 1\r\n`);
  await scanner.ping(10000);
  send({ ev: 'ready' });
  await nextCommand();
  send({ ev: 'result', count: scanner.count, errors: scanner.errors });
  await nextCommand();
}

async function runReq() {
  const payload = 'x'.repeat(opts.size);
  const inbox = `${opts.subject}.inbox.${process.pid}`;
  let pending = null;
  const { sock, scanner } = await open(opts.port, {
    onMsgLine() {
      if (pending) {
        const p = pending;
        pending = null;
        p(now());
      }
    },
  });
  sock.write(`SUB ${inbox} 1\r\n`);
  await scanner.ping(10000);
  send({ ev: 'ready' });
  await nextCommand();
  const frame = `PUB ${opts.subject} ${inbox} ${payload.length}\r\n${payload}\r\n`;
  const total = opts.n + opts.warmup;
  const lat = new Float64Array(opts.n);
  const cpu0 = cpuMs();
  const tStart = now();
  const deadline = tStart + BigInt(TIMEOUT_MS) * 1000000n;
  let done = 0;
  let timedOut = false;
  let tMeasured = tStart;
  for (let i = 0; i < total; i++) {
    if (now() > deadline) {
      timedOut = true;
      break;
    }
    if (i === opts.warmup) tMeasured = now();
    const t0 = now();
    const got = new Promise((r) => (pending = r));
    sock.write(frame);
    let t1;
    try {
      t1 = await withTimeout(got, 5000, 'reply');
    } catch (e) {
      timedOut = true;
      break;
    }
    if (i >= opts.warmup) lat[done++] = Number(t1 - t0) / 1000; // us
  }
  const tEnd = now();
  const l = Array.from(lat.subarray(0, done)).sort((a, b) => a - b);
  const q = (p) => (l.length ? l[Math.min(l.length - 1, Math.floor(p * l.length))] : NaN);
  send({
    ev: 'result',
    done,
    timedOut,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: l.length ? l[l.length - 1] : NaN,
    secs: Number(tEnd - tMeasured) / 1e9,
    cpuMs: cpuMs() - cpu0,
    errors: scanner.errors,
  });
  await nextCommand();
}

// One idle connection: read INFO, send CONNECT + PING, wait for PONG. Minimal line reader.
function openIdle(port, timeoutMs) {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection({ host: HOST, port });
    let buf = '';
    let sentConnect = false;
    const t = setTimeout(() => {
      sock.destroy();
      reject(new Error('idle connection handshake timeout'));
    }, timeoutMs);
    sock.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
    const onData = (d) => {
      buf += d.toString('latin1');
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('INFO') && !sentConnect) {
          sentConnect = true;
          sock.write(CONNECT + 'PING\r\n');
        } else if (line.startsWith('PING')) sock.write('PONG\r\n');
        else if (line.startsWith('PONG')) {
          clearTimeout(t);
          // stay idle: only answer server PINGs from now on
          sock.off('data', onData);
          sock.on('data', (x) => {
            if (x.includes('PING')) sock.write('PONG\r\n');
          });
          resolve(sock);
          return;
        } else if (line.startsWith('-ERR')) {
          clearTimeout(t);
          sock.destroy();
          reject(new Error(`server said ${line.trim()}`));
          return;
        }
      }
    };
    sock.on('data', onData);
  });
}

async function runConns() {
  send({ ev: 'ready' });
  await nextCommand();
  const socks = [];
  const t0 = now();
  const deadline = t0 + BigInt(TIMEOUT_MS) * 1000000n;
  let error = null;
  const parallel = opts.parallel ?? 100;
  let failures = 0;
  while (socks.length < opts.n && now() < deadline) {
    const k = Math.min(parallel, opts.n - socks.length);
    const res = await Promise.allSettled(Array.from({ length: k }, () => openIdle(opts.port, 10000)));
    for (const r of res) {
      if (r.status === 'fulfilled') socks.push(r.value);
      else {
        failures++;
        error = r.reason.message;
      }
    }
    if (failures > 0) break;
  }
  if (socks.length < opts.n && !error) error = `timeout after ${socks.length} connections`;
  const secs = Number(now() - t0) / 1e9;
  send({ ev: 'result', opened: socks.length, secs, error });
  await nextCommand(); // parent has read the server's RSS
  for (const s of socks) {
    // RST instead of FIN: leaves no TIME_WAIT behind, so ephemeral ports are not exhausted
    if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
    else s.destroy();
  }
  send({ ev: 'closed' });
  await nextCommand();
}

const roles = { pub: runPub, sub: runSub, resp: runResp, req: runReq, conns: runConns };
const fn = roles[opts.role];
if (!fn) fail(`unknown role ${opts.role}`);
else
  fn().then(
    () => process.exit(0),
    (e) => fail(e),
  );
