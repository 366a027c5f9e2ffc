/**
 * Starting the `switchboard` command the way an operator or a client test harness does: by a path
 * or a name on the PATH, then finding it through its ports file. Every process started here is
 * stopped by its PID (SIGTERM, then SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../helpers/servers.js';
import { reap } from '../helpers/reaper.js';

export interface Started {
  proc: ChildProcess;
  pid: number;
  portsFile: string;
  /** The ports file's name without its directory, e.g. `nats-server_1234.ports`. */
  portsFileName: string;
  natsPort: number;
  monitoringURL?: string;
  output: () => string;
  /** SIGTERM, SIGKILL if it is still there after `ms`; resolves with how it ended. */
  stop: (ms?: number) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment without what `npm test` adds for its own scripts (a nested npm must not take it as its project). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|config_local_prefix$)/i.test(k) || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  // Only the system's directories: nothing from a checkout's node_modules/.bin.
  env.PATH = (process.env.PATH ?? '').split(':').filter((d) => d && !d.includes('node_modules')).join(':');
  return { ...env, ...extra };
}

/**
 * Runs `cmd` (a path, or a name looked up on env.PATH) on 127.0.0.1 and a random port with a
 * ports file, and resolves once the ports file is written.
 */
export async function startCommand(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; waitMs?: number } = {}): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-ports-'));
  const proc = reap(spawn(cmd, ['-a', '127.0.0.1', '-p', '-1', '--ports_file_dir', dir, ...args], { env: opts.env ?? cleanEnv(), cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => resolve((ended = { code, signal })));
    proc.on('error', (e) => {
      out += `spawn error: ${e.message}`;
      resolve((ended = { code: null, signal: null }));
    });
  });
  const stop = async (ms = 30_000) => {
    if (ended) return ended;
    proc.kill('SIGTERM');
    await waitFor(() => !!ended, ms, `${cmd} to exit`).catch(() => proc.kill('SIGKILL'));
    return exit;
  };
  let name = '';
  try {
    await waitFor(() => {
      if (ended) throw new Error(`${cmd} exited (${JSON.stringify(ended)}): ${out}`);
      name = readdirSync(dir).find((n) => n.endsWith('.ports')) ?? '';
      return name !== '' && readFileSync(join(dir, name), 'utf8').length > 0;
    }, opts.waitMs ?? 20_000, `${cmd}'s ports file`);
  } catch (e) {
    await stop();
    throw e;
  }
  const ports = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { nats: string[]; monitoring?: string[] };
  return {
    proc,
    pid: proc.pid!,
    portsFile: join(dir, name),
    portsFileName: name,
    natsPort: Number(new URL(ports.nats[0]).port),
    monitoringURL: ports.monitoring?.[0],
    output: () => out,
    stop,
  };
}
