/**
 * Helpers for the operator-mode server differential tests: the same operator, accounts and
 * users for Switchboard and nats-server 2.9.10, a conf per server (its own resolver directory),
 * and real `nats` clients whose outcomes are reduced to comparable strings.
 */
import { after } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, jwtAuthenticator, type NatsConnection } from 'nats';
import type { KeyPair } from '@nats-io/nkeys';
import { natsServerAvailable, startProcess, waitFor, type ProcServer } from '../helpers/servers.js';
import { tmpDir } from '../auth/helpers.js';
import { signNonce, type Usr } from '../../packages/broker/src/jwt/fixtures.test.js';
import { RawConn } from '../helpers/raw.js';

export type Kind = 'switchboard' | 'nats-server';

/** A test's `skip` option: the differential tests need nats-server on the PATH. */
export function skipWithoutNatsServer(): false | string {
  return natsServerAvailable() ? false : 'nats-server is not on PATH';
}

/**
 * Lists for the servers and clients a test file starts; when the file's tests have run (passed,
 * failed or timed out) the clients are closed and the servers stopped by PID.
 */
export function stopAfterFile(): { procs: ProcServer[]; clients: NatsConnection[] } {
  const procs: ProcServer[] = [];
  const clients: NatsConnection[] = [];
  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all(procs.map((p) => p.stop()));
  });
  return { procs, clients };
}

/** A user JWT's limits with nothing limited. */
export const USER_LIMITS = { subs: -1, payload: -1, data: -1 };
export const KINDS: Kind[] = ['switchboard', 'nats-server'];

export interface Running {
  kind: Kind;
  srv: ProcServer;
  dir: string;
}

/** Writes `conf(dir)` for each server (with its own resolver directory) and starts both. */
export async function startBoth(name: string, opJwt: string, conf: (dir: string, opFile: string) => string, procs: ProcServer[], kinds: Kind[] = KINDS): Promise<Record<Kind, Running>> {
  const out = {} as Record<Kind, Running>;
  for (const kind of kinds) {
    const dir = tmpDir(`${name}-${kind}`);
    const opFile = join(dir, 'op.jwt');
    writeFileSync(opFile, opJwt);
    mkdirSync(join(dir, 'jwt'), { recursive: true });
    writeFileSync(join(dir, 'server.conf'), conf(dir, opFile));
    const srv = await startProcess(kind, ['-c', join(dir, 'server.conf')]);
    procs.push(srv);
    out[kind] = { kind, srv, dir };
  }
  return out;
}

/** A `nats` client for `user` (its JWT and seed), no reconnects. */
export function natsConnect(port: number, user: { jwt: string; kp: KeyPair }, opts: Record<string, unknown> = {}): Promise<NatsConnection> {
  return connect({
    servers: `127.0.0.1:${port}`,
    authenticator: jwtAuthenticator(user.jwt, user.kp.getSeed()),
    reconnect: false,
    timeout: 5000,
    ...opts,
  });
}

/**
 * `ok` when the client connects (then closed, unless `keep`), else the server's error text.
 * When the server closes right after its -ERR, nats.js may report its own failed write
 * (EPIPE/ECONNRESET) instead of the -ERR (seen with both servers on a loaded machine); the
 * attempt is then repeated, and as a last resort read on a raw socket.
 */
export async function connectOutcome(port: number, user: Usr, clients: NatsConnection[], keep = false): Promise<string> {
  let last = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const nc = await natsConnect(port, user);
      clients.push(nc);
      await nc.flush();
      if (!keep) await nc.close();
      return 'ok';
    } catch (e) {
      last = errText(e);
      if (!/EPIPE|ECONNRESET/.test(last)) return last;
    }
  }
  // Still hidden: read the server's answer on a plain socket (CONNECT and PING in one write).
  return (await rawConnectOutcome(port, user)) ?? last;
}

/** The server's answer to a signed CONNECT + PING on a raw socket: `ok` (PONG) or the -ERR text. */
export async function rawConnectOutcome(port: number, user: Usr): Promise<string | undefined> {
  const c = await RawConn.open(port);
  try {
    const info = await c.waitFor(/^INFO .*\r\n/, 5000);
    const nonce = (JSON.parse(info.slice(5, info.indexOf('\r\n'))) as { nonce: string }).nonce;
    c.drain();
    c.write(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, protocol: 1, jwt: user.jwt, sig: signNonce(user.kp, nonce) })}\r\nPING\r\n`);
    const got = await c.waitFor(/PONG\r\n|-ERR '[^']*'\r\n/, 5000);
    return /-ERR '([^']*)'/.exec(got)?.[1] ?? 'ok';
  } catch {
    return undefined;
  } finally {
    c.close();
  }
}

/** The server's -ERR text from a nats.js error (its message, or the wrapped protocol error). */
export function errText(e: unknown): string {
  const err = e as { message?: string; code?: string };
  return (err.message ?? String(e)).replace(/^'|'$/g, '');
}

/** Why a connection closed: the error text, or `closed` without one. Waits up to `ms`. */
export async function closedReason(nc: NatsConnection, ms = 10_000): Promise<string> {
  let reason: string | undefined;
  void nc.closed().then((e) => (reason = e ? errText(e) : 'closed'));
  await waitFor(() => reason !== undefined, ms, 'the connection to close');
  return reason!;
}

/** Async errors a client is told about (permission violations and the like). */
export function collectErrors(nc: NatsConnection): string[] {
  const errors: string[] = [];
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type !== 'error') continue;
      const ctx = (s as { permissionContext?: { operation: string; subject: string } }).permissionContext;
      errors.push(ctx ? `${String(s.data)} ${ctx.operation} ${ctx.subject}` : String(s.data));
    }
  })().catch(() => undefined);
  return errors;
}
