/**
 * Runs one scenario against Switchboard (embedded, options from the same conf text through the
 * config loader) and against nats-server 2.9.10 (`nats-server -c file`), so a test can compare
 * what the clients observed.
 */
import { parseConfigText, type Switchboard } from '@switchboard/broker';
import { startEmbedded, startProcess, natsServerAvailable } from '../helpers/servers.js';
import { RawConn } from '../helpers/raw.js';
import { tmpDir, writeConf } from './helpers.js';

export type Target = 'switchboard' | 'nats-server';

export interface Running {
  target: Target;
  port: number;
  url: string;
  stop(): Promise<void>;
  /** Embedded Switchboard only. */
  server?: Switchboard;
}

export const HAVE_NATS_SERVER = natsServerAvailable();

export async function startWithConf(target: Target, conf: string): Promise<Running> {
  if (target === 'switchboard') {
    const r = parseConfigText(conf, 'perm.conf');
    if (r.errors.length > 0) throw new Error(`config errors: ${JSON.stringify(r.errors)}`);
    const s = await startEmbedded(r.options);
    return { target, port: s.port, url: s.url, server: s.server, stop: () => s.server.shutdown() };
  }
  const dir = tmpDir('perm');
  const file = writeConf(dir, 'perm.conf', conf);
  const p = await startProcess('nats-server', ['-c', file]);
  return { target, port: p.port, url: p.url, stop: p.stop };
}

/** Targets to run: Switchboard always, nats-server when installed. */
export function targets(): Target[] {
  return HAVE_NATS_SERVER ? ['switchboard', 'nats-server'] : ['switchboard'];
}

/**
 * A protocol-level client: every `op()` call sends the given operations followed by PING and
 * returns what the server sent back up to the PONG (INFO, PING, PONG and +OK left out).
 */
export class Peer {
  private constructor(private readonly c: RawConn) {}

  static async open(port: number, user: string, pass: string): Promise<Peer> {
    const c = await RawConn.open(port);
    await c.waitFor(/^INFO .*\r\n/);
    c.drain();
    c.write(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, user, pass, protocol: 1 })}\r\nPING\r\n`);
    const got = await c.waitFor(/PONG\r\n|-ERR/);
    c.drain();
    if (got.includes('-ERR')) throw new Error(`connect as ${user} failed: ${got}`);
    return new Peer(c);
  }

  async op(ops: string): Promise<string[]> {
    this.c.write(`${ops}PING\r\n`);
    const text = await this.c.waitFor(/PONG\r\n/);
    this.c.drain();
    return text
      .split('\r\n')
      .filter((l) => l !== '' && l !== 'PONG' && l !== 'PING' && l !== '+OK');
  }

  get closed(): boolean {
    return this.c.closed;
  }

  close(): void {
    this.c.close();
  }
}

export function pub(subject: string, payload = 'x', reply = ''): string {
  return `PUB ${subject} ${reply ? reply + ' ' : ''}${Buffer.byteLength(payload)}\r\n${payload}\r\n`;
}
