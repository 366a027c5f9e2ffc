/*
 * Live events for the browser: an internal subscription to `$SYS.>` in the system account plus the
 * server's own reload / lame duck events and the audit log, fanned out over server-sent events.
 * Each reader gets a bounded buffer: one that falls behind by more than `maxBufferedBytes` is cut
 * (EventSource reconnects), so a slow browser never makes the console's memory grow. Each event
 * passes through viewFor() with the reader's role: viewers get secrets redacted (a reload's
 * change list carries old and new values).
 */
import type { ServerResponse } from 'node:http';
import type { ConsoleEvent, Role, SseEventType } from '@switchboard/shared';
import type { ServerEvents, Switchboard } from '@switchboard/broker';
import type { AuditLog } from './audit.js';
import { SECURITY_HEADERS } from './headers.js';
import { viewFor } from './redact.js';

export function eventTypeOf(subject: string): SseEventType | null {
  const t = subject.split('.');
  if (t[1] === 'REQ' || t[1]?.startsWith('_INBOX')) return null;
  if (t[1] === 'ACCOUNT' && t.length === 4 && t[3] === 'CONNECT') return 'connect';
  if (t[1] === 'ACCOUNT' && t.length === 4 && t[3] === 'DISCONNECT') return 'disconnect';
  if (t[1] === 'ACCOUNT' && t[3] === 'SERVER' && t[4] === 'CONNS') return 'account-conns';
  if (t[1] === 'SERVER' && t[3] === 'STATSZ') return 'statsz';
  if (t[1] === 'SERVER' && t[3] === 'SHUTDOWN') return 'shutdown';
  if (t[1] === 'SERVER' && t[3] === 'CLIENT' && t[4] === 'AUTH') return 'auth-error';
  return 'sys';
}

interface Reader {
  res: ServerResponse;
  types: Set<string> | null;
  role: Role | null;
}

function frame(type: SseEventType, data: unknown, subject?: string): string {
  const ev: ConsoleEvent = { type, time: new Date().toISOString(), data };
  if (subject) ev.subject = subject;
  return `event: ${type}\ndata: ${JSON.stringify(ev)}\n\n`;
}

export class EventHub {
  private readers = new Set<Reader>();
  private cleanups: (() => void)[] = [];
  /** Readers cut for being slow (for tests and logs). */
  cut = 0;

  constructor(
    private readonly server: Switchboard,
    audit: AuditLog,
    readonly maxBufferedBytes = 1024 * 1024,
  ) {
    if (server.events.enabled) {
      try {
        this.cleanups.push(
          server.events.subscribe('$SYS.>', (subject, data) => {
            const type = eventTypeOf(subject);
            if (type) this.broadcast(type, data, subject);
          }),
        );
      } catch {
        /* no system account */
      }
    }
    const on = (ev: keyof ServerEvents, type: SseEventType) => {
      const fn = (data: unknown) => this.broadcast(type, data);
      server.on(ev, fn);
      this.cleanups.push(() => server.off(ev, fn));
    };
    on('reload', 'reload');
    on('ldm:start', 'lame-duck');
    on('ldm:progress', 'lame-duck');
    on('ldm:done', 'lame-duck');
    this.cleanups.push(audit.onRecord((e) => this.broadcast('audit', e)));
  }

  get size(): number {
    return this.readers.size;
  }

  /** Starts an SSE stream on `res` for a reader of `role`; `types` limits the event types (null = all). */
  attach(res: ServerResponse, types: Set<string> | null, role: Role | null): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const reader: Reader = { res, types, role };
    this.readers.add(reader);
    const remove = () => {
      this.readers.delete(reader);
      clearInterval(ping);
    };
    const ping = setInterval(() => this.write(reader, ': ping\n\n'), 15_000);
    ping.unref();
    res.on('close', remove);
    res.write('retry: 2000\n\n');
    this.send(reader, 'hello', { serverId: this.server.serverId, serverName: this.server.name });
  }

  broadcast(type: SseEventType, data: unknown, subject?: string): void {
    // Framed once per role, not once per reader.
    const framed = new Map<Role | null, string>();
    for (const r of this.readers) {
      if (!this.wants(r, type)) continue;
      const key = r.role === 'admin' ? 'admin' : null;
      let chunk = framed.get(key);
      if (chunk === undefined) framed.set(key, (chunk = frame(type, viewFor(key, data), subject)));
      this.write(r, chunk);
    }
  }

  private wants(r: Reader, type: SseEventType): boolean {
    return !r.types || type === 'hello' || r.types.has(type);
  }

  private send(r: Reader, type: SseEventType, data: unknown, subject?: string): void {
    if (this.wants(r, type)) this.write(r, frame(type, viewFor(r.role, data), subject));
  }

  private write(r: Reader, chunk: string): void {
    const res = r.res;
    if (res.destroyed || res.writableEnded) return;
    if (res.writableLength > this.maxBufferedBytes) {
      // Too far behind: cut it rather than buffer without bound.
      this.cut++;
      this.readers.delete(r);
      res.destroy();
      return;
    }
    res.write(chunk);
  }

  close(): void {
    for (const c of this.cleanups) c();
    this.cleanups = [];
    for (const r of this.readers) r.res.end();
    this.readers.clear();
  }
}
