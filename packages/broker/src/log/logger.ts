import { openSync, writeSync, closeSync } from 'node:fs';

export interface LogOptions {
  debug?: boolean;
  trace?: boolean;
  logtime?: boolean;
  /** Log file; default stderr. */
  logFile?: string;
  /** Collect lines in memory instead (tests). */
  sink?: (line: string) => void;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `2006/01/02 15:04:05.000000` in local time, as Go's log package with Lmicroseconds. */
function timestamp(d: Date, micros: number): string {
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(micros, 6)}`;
}

/**
 * The server's logger, writing nats-server's line style directly
 * (`[pid] 2026/11/26 05:02:40.123456 [INF] Server is ready`), because tools parse those lines.
 * Lines are written synchronously (stderr, a file, or a sink in tests), in order.
 */
export class Logger {
  private fd: number | null = null;
  private opts: LogOptions;
  private readonly prefix = `[${process.pid}] `;

  constructor(opts: LogOptions = {}) {
    this.opts = { ...opts };
    this.openFile();
  }

  private write(label: string, msg: string): void {
    let line = this.prefix;
    if (this.opts.logtime !== false) {
      // One clock for milliseconds and microseconds, so stamps never run backwards.
      const t = performance.timeOrigin + performance.now();
      const now = new Date(Math.floor(t));
      const micros = Math.floor((t * 1000) % 1_000_000);
      line += timestamp(now, micros) + ' ';
    }
    line += `[${label}] ${msg}\n`;
    if (this.opts.sink) this.opts.sink(line);
    else if (this.fd !== null) writeSync(this.fd, line);
    else process.stderr.write(line);
  }

  private openFile(): void {
    if (this.opts.logFile) this.fd = openSync(this.opts.logFile, 'a');
  }

  /** Reopens the log file (log rotation, SIGUSR1). */
  reopen(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.openFile();
  }

  setLevels(opts: { debug?: boolean; trace?: boolean; logtime?: boolean }): void {
    this.opts = { ...this.opts, ...opts };
  }

  get isDebug(): boolean {
    return !!this.opts.debug;
  }

  get isTrace(): boolean {
    return !!this.opts.trace;
  }

  info(msg: string): void {
    this.write('INF', msg);
  }
  notice(msg: string): void {
    this.write('INF', msg);
  }
  warn(msg: string): void {
    this.write('WRN', msg);
  }
  error(msg: string): void {
    this.write('ERR', msg);
  }
  fatal(msg: string): void {
    this.write('FTL', msg);
  }
  debug(msg: string): void {
    if (this.opts.debug) this.write('DBG', msg);
  }
  trace(msg: string): void {
    if (this.opts.trace) this.write('TRC', msg);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
