import { writeFileSync, unlinkSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { networkInterfaces } from 'node:os';

/** Client URLs as nats-server lists them: every interface address when bound to 0.0.0.0. */
export function listenURLs(scheme: string, host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::' && host !== '') return [`${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`];
  const urls: string[] = [];
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4') urls.push(`${scheme}://${a.address}:${port}`);
  }
  return urls;
}

/**
 * The name this command was invoked by, as nats-server takes the base name of argv[0]: the script
 * path as given, symlinks not resolved (so a `nats-server` symlink to `switchboard` is
 * `nats-server`), without a .js/.mjs/.cjs extension (`node dist/cli.js` is `cli`).
 */
export function commandName(script: string = process.argv[1] ?? ''): string {
  return basename(script).replace(/\.(c|m)?js$/, '') || 'switchboard';
}

/** The ports file nats-server writes: `<command name>_<pid>.ports` in `dir`. */
export function portsFilePath(dir: string): string {
  return join(dir, `${commandName()}_${process.pid}.ports`);
}

export function writePortsFile(dir: string, ports: { nats: string[]; monitoring?: string[]; cluster?: string[] }): string {
  const path = portsFilePath(dir);
  writeFileSync(path, JSON.stringify(ports));
  return path;
}

export function writePidFile(path: string): void {
  writeFileSync(path, String(process.pid));
}

export function removeQuietly(path: string | undefined): void {
  if (!path) return;
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

const SIGNALS: Record<string, NodeJS.Signals> = {
  stop: 'SIGKILL',
  quit: 'SIGINT',
  term: 'SIGTERM',
  reopen: 'SIGUSR1',
  reload: 'SIGHUP',
  ldm: 'SIGUSR2',
};

/** `--signal CMD[=PID|pidfile]`: sends CMD's signal to a running Switchboard. Returns the message to print. */
export function sendSignal(spec: string): string {
  const eq = spec.indexOf('=');
  const cmd = eq >= 0 ? spec.slice(0, eq) : spec;
  const target = eq >= 0 ? spec.slice(eq + 1) : '';
  const sig = SIGNALS[cmd];
  if (!sig) throw new Error(`unknown signal "${cmd}"`);
  let pids: number[];
  if (target === '') {
    pids = findSwitchboardPids();
    if (pids.length === 0) throw new Error('no switchboard process running');
    if (pids.length > 1) throw new Error(`multiple switchboard processes running:\n${pids.join('\n')}`);
  } else if (/^\d+$/.test(target)) {
    pids = [Number(target)];
  } else {
    const text = readFileSync(target, 'utf8').trim();
    if (!/^\d+$/.test(text)) throw new Error(`invalid pid file ${target}`);
    pids = [Number(text)];
  }
  process.kill(pids[0], sig);
  return `signal "${cmd}" ${sig} sent to process ${pids[0]}`;
}

/**
 * Whether a process's argv (from /proc/<pid>/cmdline) runs this command as a server: `switchboard`
 * (the command, its bundle, or apps/server/dist/cli.js) or the name this one was invoked by (so a
 * `nats-server` symlink finds its kin, as nats-server finds nats-server processes), and is not
 * itself sending a signal.
 */
export function runsCommand(argv: string[], self: string = commandName()): boolean {
  const isCommand = (arg: string) => /(^|\/)switchboard(\.js)?$|apps\/server\/dist\/cli\.js$/.test(arg) || (arg !== '' && self !== 'cli' && commandName(arg) === self);
  return argv.some(isCommand) && !argv.some((a) => /^-(-)?(sl|signal)/.test(a));
}

function findSwitchboardPids(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (runsCommand(readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0'))) out.push(Number(d));
    } catch {
      /* process went away */
    }
  }
  return out;
}
