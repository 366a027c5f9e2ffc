/*
 * Starts real Switchboard processes for the browser tests: the built CLI on random ports, with a
 * config file and data dir in a temp folder, the admin password in the environment. Polls for
 * readiness instead of sleeping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/cluster/ports';

const root = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(root, 'apps/server/dist/cli.js');

export const ADMIN_PASSWORD = 'admin-secret-e2e';
export const VIEWER_PASSWORD = 'viewer-secret-e2e';

/** Ports a server must know before it starts come from below the ephemeral range (see test/cluster/ports.ts). */
export { freePort };


export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface Switchboard {
  name: string;
  port: number;
  httpPort: number;
  natsUrl: string;
  url: string;
  dir: string;
  confPath: string;
  /** The running process (another one after restart()). */
  readonly proc: ChildProcess;
  output: () => string;
  /** Stops the process (SIGINT) and starts it again: same config file, data dir and ports. */
  restart: () => Promise<void>;
  stop: () => Promise<void>;
  readConf: () => string;
}

export interface StartOptions {
  name?: string;
  /** Config file text; `{{PORT}}`, `{{HTTP_PORT}}` are replaced, and each `{{FREE_PORT_<name>}}` by a free port of its own. */
  conf?: string;
  port?: number;
  httpPort?: number;
  env?: Record<string, string>;
}

export async function startSwitchboard(opts: StartOptions = {}): Promise<Switchboard> {
  const name = opts.name ?? `sb-${Math.random().toString(36).slice(2, 7)}`;
  const port = opts.port ?? (await freePort());
  const httpPort = opts.httpPort ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'sb-e2e-'));
  const confPath = join(dir, 'switchboard.conf');
  let conf = (opts.conf ?? `server_name: ${name}\n`).replaceAll('{{PORT}}', String(port)).replaceAll('{{HTTP_PORT}}', String(httpPort));
  for (const placeholder of new Set(conf.match(/\{\{FREE_PORT_\w+\}\}/g) ?? [])) conf = conf.replaceAll(placeholder, String(await freePort()));
  writeFileSync(confPath, conf.includes('server_name') ? conf : `server_name: ${name}\n${conf}`);
  const dataDir = join(dir, 'data');
  const args = [CLI, '-a', '127.0.0.1', '-p', String(port), '-m', String(httpPort), '-c', confPath, '--data_dir', dataDir];
  const url = `http://127.0.0.1:${httpPort}`;
  let proc: ChildProcess;
  let out = '';
  let exited = false;
  // One run of the process on the same config file, data dir and ports (restart() starts another).
  const run = async () => {
    exited = false;
    proc = spawn(process.execPath, args, {
      cwd: dir,
      env: {
        ...process.env,
        SWITCHBOARD_ADMIN_PASSWORD: ADMIN_PASSWORD,
        SWITCHBOARD_VIEWER_PASSWORD: VIEWER_PASSWORD,
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', () => (exited = true));
    try {
      await waitFor(`${name} to serve /healthz`, async () => {
        if (exited) throw new Error(`switchboard exited: ${out}`);
        const r = await fetch(`${url}/healthz`);
        return r.ok;
      });
    } catch (e) {
      proc.kill('SIGKILL');
      throw new Error(`${(e as Error).message}\n--- output ---\n${out}`);
    }
  };
  const kill = async () => {
    if (exited) return;
    const done = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGINT');
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(t);
  };
  try {
    await run();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    name,
    port,
    httpPort,
    natsUrl: `nats://127.0.0.1:${port}`,
    url,
    dir,
    confPath,
    get proc() {
      return proc;
    },
    output: () => out,
    readConf: () => readFileSync(confPath, 'utf8'),
    restart: async () => {
      await kill();
      await run();
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
