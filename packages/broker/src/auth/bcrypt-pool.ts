/**
 * bcrypt checks on worker threads (bcryptjs inside each worker), so that a password check never
 * runs on the event loop: bcryptjs' async API only slices the work on the main thread (one
 * cost-11 check delayed other clients by ~100 ms, several at once by ~0.5 s). One pool per
 * process, shared by every server and the console; workers start on first use and do not keep
 * the process alive. Jobs beyond the queue bound are refused (the check fails) rather than let a
 * flood of CONNECTs grow memory without limit.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';

/** Pending checks beyond those running; more are refused. */
export const BCRYPT_QUEUE_MAX = 4096;

/**
 * A worker: `bcrypt-worker.js` beside this module when compiled (the packaged bundle ships one
 * beside itself too). Running from source (tests under tsx, whose loader does not reach a
 * worker's entry file) the same few lines are evaluated, with bcryptjs resolved from here.
 */
function startWorker(): Worker {
  const file = new URL('./bcrypt-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(file))) return new Worker(file);
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const bcrypt = require(workerData.bcryptPath);
    parentPort.on('message', (job) => {
      let ok = false;
      try { ok = bcrypt.compareSync(job.password, job.hash); } catch { ok = false; }
      parentPort.postMessage({ id: job.id, ok });
    });`;
  return new Worker(source, { eval: true, workerData: { bcryptPath: createRequire(import.meta.url).resolve('bcryptjs') } });
}

interface Job {
  id: number;
  password: string;
  hash: string;
  resolve: (ok: boolean) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

export class BcryptPoolBusyError extends Error {
  constructor() {
    super('too many password checks waiting');
  }
}

export class BcryptPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;

  constructor(
    /** Worker threads: by default one core is left to the event loop. */
    readonly size = Math.max(1, Math.min(4, availableParallelism() - 1)),
    readonly maxQueue = BCRYPT_QUEUE_MAX,
  ) {}

  /** Whether `password` matches the bcrypt `hash` (false for a malformed hash). */
  compare(password: string, hash: string): Promise<boolean> {
    if (this.queue.length >= this.maxQueue) return Promise.reject(new BcryptPoolBusyError());
    return new Promise((resolve) => {
      this.queue.push({ id: ++this.nextId, password, hash, resolve });
      this.pump();
    });
  }

  /** Checks running or waiting (for tests and monitoring). */
  get pending(): number {
    let n = this.queue.length;
    for (const s of this.slots) if (s.job !== null) n++;
    return n;
  }

  /**
   * Starts one worker ahead of the first check (a worker's start can take seconds on a loaded
   * machine, which a CONNECT's auth timeout should not pay for). Idle workers never keep the
   * process alive.
   */
  warm(): void {
    if (this.slots.length === 0) this.spawn();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (slot === undefined) {
        if (this.slots.length >= this.size) return;
        slot = this.spawn();
      }
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage({ id: job.id, password: job.password, hash: job.hash });
    }
  }

  private spawn(): Slot {
    const worker = startWorker();
    const slot: Slot = { worker, job: null };
    worker.unref();
    worker.on('message', (m: { id: number; ok: boolean }) => {
      const job = slot.job;
      if (job === null || job.id !== m.id) return;
      slot.job = null;
      // An idle worker must not keep the process alive.
      worker.unref();
      job.resolve(m.ok === true);
      this.pump();
    });
    const lost = () => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      const job = slot.job;
      slot.job = null;
      job?.resolve(false);
      this.pump();
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    this.slots.push(slot);
    return slot;
  }
}

let shared: BcryptPool | null = null;

/** The process's pool. */
export function bcryptPool(): BcryptPool {
  return (shared ??= new BcryptPool());
}

/**
 * Checks a password against a bcrypt hash in the worker pool (never on the event loop). The
 * console's login uses this too. False for a wrong password, a malformed hash or a full queue.
 */
export function bcryptCompare(password: string, hash: string): Promise<boolean> {
  return bcryptPool()
    .compare(password, hash)
    .catch(() => false);
}
