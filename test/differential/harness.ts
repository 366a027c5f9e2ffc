/**
 * Differential protocol harness: runs the same raw byte stream against nats-server and
 * Switchboard and reduces what each sends back to comparable frames.
 */
import { RawConn } from '../helpers/raw.js';

export interface Frame {
  /** The control line without CRLF (INFO JSON normalised), plus the payload for MSG/HMSG. */
  text: string;
}

export interface Outcome {
  /** The INFO sent on connect, parsed. */
  info: Record<string, unknown>;
  /** Everything after the INFO as frames (server PINGs dropped: their timing is not protocol). */
  frames: string[];
  /** Whether the server closed the connection. */
  closed: boolean;
  /** Bytes after the last whole frame (should be empty). */
  rest: string;
}

/** Splits server output into frames. MSG/HMSG include their payload. */
export function parseFrames(text: string): { frames: string[]; rest: string } {
  const frames: string[] = [];
  let pos = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const nl = text.indexOf('\r\n', pos);
    if (nl < 0) break;
    const line = text.slice(pos, nl);
    const m = /^(MSG|HMSG) (.*)$/.exec(line);
    if (m) {
      const args = m[2].split(' ');
      const size = Number(args[args.length - 1]);
      const start = nl + 2;
      if (text.length < start + size + 2) break;
      frames.push(`${line}\r\n${text.slice(start, start + size)}`);
      pos = start + size + 2;
      continue;
    }
    if (line.startsWith('INFO ')) frames.push(`INFO ${JSON.stringify(normaliseInfo(JSON.parse(line.slice(5))))}`);
    else if (line !== 'PING') frames.push(line);
    pos = nl + 2;
  }
  return { frames, rest: text.slice(pos) };
}

/** Keys whose values are per-server or per-connection. */
const VOLATILE = new Set(['server_id', 'server_name', 'host', 'port', 'client_id', 'client_ip', 'nonce', 'go', 'git_commit', 'xkey', 'connect_urls', 'ws_connect_urls', 'ip']);

/** The INFO with volatile values replaced by their type, so that key sets and fixed values compare. */
export function normaliseInfo(info: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(info).sort()) out[k] = VOLATILE.has(k) ? `<${typeof info[k]}>` : info[k];
  return out;
}

export interface RunOptions {
  /** PONGs to wait for before the outcome is final; defaults to the PINGs found in the chunks, plus one for the sync PING. */
  pongs?: number;
  /** Do not send the final sync PING (e.g. the stream ends mid-frame on purpose). */
  noSync?: boolean;
  /** How long to wait for the sync or the close. */
  ms?: number;
}

function countPings(chunks: Array<string | Buffer>): number {
  const all = chunks.map((c) => (typeof c === 'string' ? c : c.toString('latin1'))).join('');
  return (all.match(/(?<=^|\n)ping[^\n]*\n/gi) ?? []).length;
}

function pongCount(frames: string[]): number {
  let n = 0;
  for (const f of frames) if (f === 'PONG') n++;
  return n;
}

/**
 * Connects to `port`, waits for INFO, writes the chunks (each as its own write, yielding to the
 * event loop between them), then sends PING and waits for its PONG or for the close.
 */
export async function run(port: number, chunks: Array<string | Buffer>, opts: RunOptions = {}): Promise<Outcome> {
  const ms = opts.ms ?? 3000;
  const c = await RawConn.open(port);
  try {
    const first = await c.waitFor(/^INFO .*\r\n/, ms);
    const nl = first.indexOf('\r\n');
    const info = JSON.parse(first.slice(5, nl)) as Record<string, unknown>;
    c.drain();
    // drain() drops anything already after INFO; nothing is expected before we write.
    for (const chunk of chunks) {
      if (c.closed) break;
      c.write(chunk);
      await new Promise((r) => setImmediate(r));
    }
    const wantPongs = opts.pongs ?? countPings(chunks) + (opts.noSync ? 0 : 1);
    if (!opts.noSync && !c.closed) c.write('PING\r\n');
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (c.closed) break;
      const { frames } = parseFrames(c.text());
      if (wantPongs > 0 && pongCount(frames) >= wantPongs) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    // When the last op is an error, the close follows the -ERR at once; give it the chance to land.
    const { frames } = parseFrames(c.text());
    const last = frames[frames.length - 1];
    if (!c.closed && last !== undefined && last.startsWith('-ERR')) await c.waitClosed(Math.max(100, until - Date.now()));
    const parsed = parseFrames(c.text());
    return { info, frames: parsed.frames, closed: c.closed, rest: parsed.rest };
  } finally {
    c.close();
  }
}
