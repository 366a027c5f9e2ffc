import { pino, type Logger as PinoLogger } from 'pino';
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

const LABELS: Record<number, string> = { 10: 'TRC', 20: 'DBG', 30: 'INF', 40: 'WRN', 50: 'ERR', 60: 'FTL' };

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `2006/01/02 15:04:05.000000` in local time, as Go's log package with Lmicroseconds. */
function timestamp(d: Date, micros: number): string {
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(micros, 6)}`;
}

/**
 * The server's logger: pino underneath, rendered in nats-server's line style
 * (`[pid] 2026/11/26 05:02:40.123456 [INF] Server is ready`), because tools parse those lines.
 */
export class Logger {
  private readonly pino: PinoLogger;
  private fd: number | null = null;
  private opts: LogOptions;

  constructor(opts: LogOptions = {}) {
    this.opts = { ...opts };
    const prefix = `[${process.pid}] `;
    const dest = {
      write: (json: string) => {
        const rec = JSON.parse(json) as { level: number; msg: string };
        let line = prefix;
        if (this.opts.logtime !== false) {
          // One clock for milliseconds and microseconds, so stamps never run backwards.
          const t = performance.timeOrigin + performance.now();
          const now = new Date(Math.floor(t));
          const micros = Math.floor((t * 1000) % 1_000_000);
          line += timestamp(now, micros) + ' ';
        }
        line += `[${LABELS[rec.level] ?? 'INF'}] ${rec.msg}\n`;
        this.emit(line);
      },
    };
    this.pino = pino({ level: 'trace', base: null, timestamp: false }, dest);
    this.openFile();
  }

  private emit(line: string): void {
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
    this.pino.info(msg);
  }
  notice(msg: string): void {
    this.pino.info(msg);
  }
  warn(msg: string): void {
    this.pino.warn(msg);
  }
  error(msg: string): void {
    this.pino.error(msg);
  }
  fatal(msg: string): void {
    this.pino.fatal(msg);
  }
  debug(msg: string): void {
    if (this.opts.debug) this.pino.debug(msg);
  }
  trace(msg: string): void {
    if (this.opts.trace) this.pino.trace(msg);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
