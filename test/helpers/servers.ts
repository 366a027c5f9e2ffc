import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, Logger, type Switchboard } from '@switchboard/broker';
import type { OptionsInput } from '@switchboard/shared';
import { reap } from './reaper.js';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const CLI = join(ROOT, 'apps/server/dist/cli.js');

/** Starts an embedded Switchboard on 127.0.0.1 and a random port. Logs go to `lines`. */
export async function startEmbedded(opts: OptionsInput = {}): Promise<{ server: Switchboard; url: string; port: number; lines: string[] }> {
  const lines: string[] = [];
  const logger = new Logger({ sink: (l) => lines.push(l), debug: opts.debug, trace: opts.trace });
  const server = createServer({ host: '127.0.0.1', port: -1, ...opts }, { logger });
  await server.start();
  return { server, url: `127.0.0.1:${server.port}`, port: server.port, lines };
}

export interface ProcServer {
  proc: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Waits until a process's output matches `re`. A child's log line reaches the test through a
 * pipe, so it can arrive after what the test waited on (a file, a port, another socket).
 */
export async function waitForOutput(p: { output: () => string }, re: RegExp, ms = 10_000): Promise<void> {
  await waitFor(() => re.test(p.output()), ms, `output matching ${re}`);
}

/** Polls `cond` every 20 ms until true or `ms` passed. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Starts a server process (Switchboard's CLI or nats-server) on a random port and waits for its
 * ports file. With `maxFiles`, it runs under `ulimit -n <maxFiles>` (bash execs the server, so
 * the PID is the server's). The process is killed by PID when the test process ends, whatever
 * happens to the test (helpers/reaper.ts).
 */
export async function startProcess(kind: 'switchboard' | 'nats-server', args: string[] = [], opts: { cwd?: string; env?: NodeJS.ProcessEnv; maxFiles?: number; startTimeoutMs?: number } = {}): Promise<ProcServer> {
  const dir = mkdtempSync(join(tmpdir(), `${kind}-`));
  const cmd = kind === 'switchboard' ? process.execPath : 'nats-server';
  const argv = kind === 'switchboard' ? [CLI, ...args] : args;
  const hasPort = args.some((a) => /^--?(p|port)(=|$)/.test(a));
  const full = [...argv, '-a', '127.0.0.1', ...(hasPort ? [] : ['-p', '-1']), '--ports_file_dir', dir];
  const spawnOpts = { stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'], cwd: opts.cwd, env: opts.env ?? process.env };
  const proc = reap(
    opts.maxFiles === undefined
      ? spawn(cmd, full, spawnOpts)
      : spawn('bash', ['-c', `ulimit -n ${Math.floor(opts.maxFiles)} && exec "$0" "$@"`, cmd, ...full], spawnOpts),
  );
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  let exited = false;
  proc.on('exit', () => (exited = true));
  let portsFile = '';
  await waitFor(() => {
    if (exited) throw new Error(`${kind} exited: ${out}`);
    const f = readdirSync(dir).find((n) => n.endsWith('.ports'));
    if (f) portsFile = join(dir, f);
    return !!f && readFileSync(portsFile, 'utf8').length > 0;
  }, opts.startTimeoutMs ?? 90_000, `${kind} ports file`).catch((e: unknown) => {
    // Not left running when it is too slow to start (a loaded machine) or broken.
    proc.kill('SIGKILL');
    throw e;
  });
  const ports = JSON.parse(readFileSync(portsFile, 'utf8')) as { nats: string[] };
  const port = Number(new URL(ports.nats[0]).port);
  return {
    proc,
    port,
    url: `127.0.0.1:${port}`,
    output: () => out,
    stop: async () => {
      if (exited) return;
      proc.kill('SIGTERM');
      await waitFor(() => exited, 5000, `${kind} exit`).catch(() => proc.kill('SIGKILL'));
    },
  };
}

export function natsServerAvailable(): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, 'nats-server')));
}
