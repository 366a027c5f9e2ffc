/**
 * Every child process a test starts is registered here and killed by its PID when the test
 * process ends, however it ends: normal exit, a failed or timed-out test (the runner then ends
 * the file's process), an uncaught error, SIGINT or SIGTERM. A test that stops its process
 * itself loses nothing; this is the net under it, so no server outlives the suite.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let installed = false;

function killAll(): void {
  for (const p of live) {
    if (p.exitCode === null && p.signalCode === null && p.pid !== undefined) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Registers a started child: it is killed (SIGKILL, by PID) if still running when this process ends. */
export function reap<T extends ChildProcess>(proc: T): T {
  install();
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  return proc;
}

/** The children still running (for tests of the helpers themselves). */
export function liveChildren(): number {
  let n = 0;
  for (const p of live) if (p.exitCode === null && p.signalCode === null) n++;
  return n;
}
