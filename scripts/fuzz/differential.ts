/**
 * The differential protocol fuzzer (issue 16): generated and mutated client protocol frames go
 * to Switchboard and to nats-server 2.9.10 alike; their -ERR lines and close decisions are
 * compared, while a request/reply canary on each server checks that no other traffic is lost.
 * Used by `npm run fuzz` (scripts/fuzz/fuzz.ts) and, for a bounded sample, by the test suite.
 */
import { connect, type NatsConnection } from 'nats';
import { run, type Outcome } from '../../test/differential/harness.js';

export interface FuzzTarget {
  name: string;
  port: number;
  /** Whether the server process is still running (false: a crash). */
  alive: () => boolean;
}

export interface Divergence {
  input: string;
  nats: { errs: string[]; closed: boolean };
  switchboard: { errs: string[]; closed: boolean };
  allowed: string | null;
}

export interface FuzzReport {
  inputs: number;
  crashes: number;
  divergences: number;
  allowedDivergences: number;
  lost: number;
  canaries: number;
  samples: Divergence[];
}

type Decision = { errs: string[]; closed: boolean };

/** Differences that are not protocol decisions, each with its reason. */
export const ALLOWED: Array<{ name: string; why: string; test: (input: string, nats: Decision, sb: Decision) => boolean }> = [
  {
    name: 'reset-after-error',
    why:
      'nats-server closes a failing connection with the rest of the input unread, so its kernel answers with a TCP reset, ' +
      'and the reset destroys the -ERR still in flight: the client sees the close but not the last -ERR(s). Switchboard ' +
      'decides the same (error, then close) and its -ERR arrives. Seen when long input follows the failing op.',
    test: (_input, nats, sb) => nats.closed && sb.closed && nats.errs.length < sb.errs.length && nats.errs.every((e, i) => sb.errs[i] === e),
  },
];

/** mulberry32: a small seeded PRNG, so that a run can be replayed from its seed. */
export function prng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBJECTS = ['foo', 'foo.bar', 'a.*', 'a.>', '>', '*', 'foo..bar', '.x', 'x.', 'caf\u00e9', 'a b', 'fz.1'];
const NOISE = ['\r', '\n', ' ', '\t', '*', '>', '.', '0', '9', '-', '+', 'x', '\u0000', '\u00ff', '{', '}', '"', ':', '\r\n'];

function pick<T>(r: () => number, a: readonly T[]): T {
  return a[Math.floor(r() * a.length)];
}

/** One well-formed (or nearly) frame. */
function frame(r: () => number): string {
  const subj = pick(r, SUBJECTS);
  switch (Math.floor(r() * 9)) {
    case 0:
    case 1: {
      const payload = 'p'.repeat(Math.floor(r() * 8));
      const reply = r() < 0.3 ? ` ${pick(r, ['inbox', '_R_.x', 'r.*'])}` : '';
      return `PUB ${subj}${reply} ${payload.length}\r\n${payload}\r\n`;
    }
    case 2: {
      const hdr = 'NATS/1.0\r\nA: b\r\n\r\n';
      const payload = 'hi';
      return `HPUB ${subj} ${hdr.length} ${hdr.length + payload.length}\r\n${hdr}${payload}\r\n`;
    }
    case 3:
    case 4:
      return `SUB ${subj}${r() < 0.3 ? ' q' : ''} ${1 + Math.floor(r() * 5)}\r\n`;
    case 5:
      return `UNSUB ${1 + Math.floor(r() * 5)}${r() < 0.5 ? ` ${Math.floor(r() * 3)}` : ''}\r\n`;
    case 6:
      return pick(r, ['PING\r\n', 'PONG\r\n', '+OK\r\n', 'INFO {}\r\n']);
    case 7:
      return `CONNECT {"verbose":${r() < 0.3},"pedantic":${r() < 0.3},"headers":${r() < 0.5},"protocol":${pick(r, ['0', '1', '2', '1.0', '-1', '9007199254740993'])}}\r\n`;
    default:
      return pick(r, ['FOO\r\n', 'PUB foo 2000000\r\n', `SUB ${'x'.repeat(5000)} 1\r\n`, '-ERR x\r\n']);
  }
}

/** Mutates a string: inserts, deletes, duplicates or replaces a few bytes. */
function mutate(r: () => number, s: string): string {
  let out = s;
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n && out.length > 0; i++) {
    const at = Math.floor(r() * out.length);
    switch (Math.floor(r() * 4)) {
      case 0:
        out = out.slice(0, at) + pick(r, NOISE) + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + 1);
        break;
      case 2: {
        const len = 1 + Math.floor(r() * 6);
        out = out.slice(0, at) + out.slice(at, at + len) + out.slice(at);
        break;
      }
      default:
        out = out.slice(0, at) + pick(r, NOISE) + out.slice(at + 1);
    }
  }
  return out;
}

/** One fuzz input: a CONNECT, then 1..4 frames, some of them mutated. */
export function generate(r: () => number): string {
  const connect = `CONNECT {"verbose":${r() < 0.2},"pedantic":${r() < 0.3},"headers":true,"protocol":1}\r\n`;
  let s = r() < 0.9 ? connect : '';
  const frames = 1 + Math.floor(r() * 4);
  for (let i = 0; i < frames; i++) {
    const f = frame(r);
    s += r() < 0.5 ? mutate(r, f) : f;
  }
  return s;
}

function decision(o: Outcome): Decision {
  return { errs: o.frames.filter((f) => f.startsWith('-ERR')), closed: o.closed };
}

/** A request/reply canary on one server: counts requests sent and replies received. */
class Canary {
  sent = 0;
  received = 0;
  private stopped = false;
  private loop: Promise<void> | null = null;

  private constructor(
    private readonly requester: NatsConnection,
    private readonly responder: NatsConnection,
  ) {}

  static async start(port: number, tag: string): Promise<Canary> {
    const responder = await connect({ servers: `127.0.0.1:${port}`, name: `canary-responder-${tag}` });
    const requester = await connect({ servers: `127.0.0.1:${port}`, name: `canary-${tag}` });
    responder.subscribe(`_CANARY.${tag}`, { callback: (_e, m) => m.respond(m.data) });
    await responder.flush();
    const c = new Canary(requester, responder);
    c.loop = c.run(tag);
    return c;
  }

  private async run(tag: string): Promise<void> {
    while (!this.stopped) {
      this.sent++;
      try {
        await this.requester.request(`_CANARY.${tag}`, new Uint8Array([this.sent & 255]), { timeout: 10_000 });
        this.received++;
      } catch {
        // counted as lost
      }
    }
  }

  async stop(): Promise<number> {
    this.stopped = true;
    await this.loop;
    await this.requester.close();
    await this.responder.close();
    return this.sent - this.received;
  }
}

export interface FuzzOptions {
  count: number;
  seed: number;
  /** Called every `every` inputs with the report so far. */
  progress?: (r: FuzzReport) => void;
  every?: number;
  /** Keep at most this many divergence samples. */
  samples?: number;
}

/** Runs `count` inputs against both targets; resolves with the counts. */
export async function fuzz(nats: FuzzTarget, sb: FuzzTarget, opts: FuzzOptions): Promise<FuzzReport> {
  const r = prng(opts.seed);
  const report: FuzzReport = { inputs: 0, crashes: 0, divergences: 0, allowedDivergences: 0, lost: 0, canaries: 0, samples: [] };
  const canaries = [await Canary.start(nats.port, 'nats'), await Canary.start(sb.port, 'sb')];
  try {
    for (let i = 0; i < opts.count; i++) {
      const input = generate(r);
      report.inputs++;
      const [a, b] = await Promise.all([run(nats.port, [input], { ms: 3000 }), run(sb.port, [input], { ms: 3000 })]);
      if (!sb.alive()) {
        report.crashes++;
        report.samples.push({ input, nats: decision(a), switchboard: { errs: ['<crashed>'], closed: true }, allowed: null });
        break;
      }
      const da = decision(a);
      const db = decision(b);
      if (JSON.stringify(da) !== JSON.stringify(db)) {
        const allowed = ALLOWED.find((x) => x.test(input, da, db))?.name ?? null;
        if (allowed !== null) report.allowedDivergences++;
        else report.divergences++;
        if (report.samples.length < (opts.samples ?? 20)) report.samples.push({ input, nats: da, switchboard: db, allowed });
      }
      if (opts.progress && opts.every && report.inputs % opts.every === 0) opts.progress(report);
    }
  } finally {
    const lost = await Promise.all(canaries.map((c) => c.stop()));
    report.lost = lost[1];
    report.canaries = canaries[1].received;
    if (lost[0] > 0) report.samples.push({ input: `<nats-server's own canary lost ${lost[0]}>`, nats: { errs: [], closed: false }, switchboard: { errs: [], closed: false }, allowed: 'reference' });
  }
  return report;
}
