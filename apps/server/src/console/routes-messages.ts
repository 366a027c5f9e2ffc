/*
 * Message tools: publish, request and tail inside an account through the broker's internal
 * client (`server.messages`), for admins, each use audited; and the subject explorer for any
 * session. The limits (MESSAGE_LIMITS, shared with the web app) keep the console from flooding
 * the broker or the browser:
 *   - payload size (zod, 400 naming body.payload) and the server's max_payload (413);
 *   - publishes + requests per second per session (token bucket; 429 saying the limit);
 *   - a tail passes at most `rate` messages a second to the browser, each cut at 4 KiB, and counts
 *     the rest as dropped (also when the browser reads too slowly); at most 3 tails per session
 *     and 20 in all; a tail ends when its reader goes away (the response closes).
 * The tail is a POST (same-origin checked like every write) answered with text/event-stream.
 */
import { isUtf8 } from 'node:buffer';
import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import {
  ApiErrorBodySchema,
  MESSAGE_LIMITS,
  PublishRequestSchema,
  PublishResponseSchema,
  RequestRequestSchema,
  RequestResponseSchema,
  SubjectsQuerySchema,
  SubjectsResponseSchema,
  TailRequestSchema,
  type ReceivedMessage as WireMessage,
  type TailMessage,
  type TailStats,
} from '@switchboard/shared';
import { encodeHeaders, MessageToolError, type MessageView, type ReceivedMessage } from '@switchboard/broker';
import { SESSION_COOKIE } from './auth.js';
import { actor, audited, auditFailures, recordQuietly, type ConsoleContext } from './context.js';
import { ApiHttpError } from './errors.js';
import { SECURITY_HEADERS } from './headers.js';
import { subjectsView } from './subjects.js';

const err = ApiErrorBodySchema;

/** The browser's side of a received message: text when it is UTF-8, base64 otherwise. */
export function toWire(m: ReceivedMessage): WireMessage {
  const text = isUtf8(m.payload);
  return {
    subject: m.subject,
    reply: m.reply,
    status: m.status,
    headers: m.headers.map(([name, value]) => ({ name, value })),
    // A payload cut inside a UTF-8 sequence is still shown as text (the cut character replaced).
    payload: text || m.truncated ? m.payload.toString('utf8') : m.payload.toString('base64'),
    payloadEncoding: text || m.truncated ? 'utf8' : 'base64',
    size: m.size,
    truncated: m.truncated,
  };
}

function toApiError(e: unknown): unknown {
  if (!(e instanceof MessageToolError)) return e;
  switch (e.code) {
    case 'UNKNOWN_ACCOUNT':
      return new ApiHttpError('ACCOUNT_NOT_FOUND', e.message);
    case 'PAYLOAD_TOO_LARGE':
      return new ApiHttpError('PAYLOAD_TOO_LARGE', e.message);
    case 'NOT_RUNNING':
      return new ApiHttpError('BROKER_STOPPED', e.message);
    default:
      return new ApiHttpError('VALIDATION_FAILED', e.message);
  }
}

/** Runs a broker call, mapping its refusals to API errors. */
function tool<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toApiError(e);
  }
}

/** Publishes + requests per second per session: a token bucket of `burst` refilled at `perSecond`. */
export class SessionRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    readonly perSecond: number,
    readonly burst: number,
  ) {}

  take(key: string, now = Date.now()): boolean {
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
      if (this.buckets.size > 10_000) this.sweep(now);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets) if (now - b.at > 60_000) this.buckets.delete(k);
  }
}

/** One open tail: the subscription, its response stream and its counts. */
class Tail {
  matched = 0;
  delivered = 0;
  dropped = 0;
  private inWindow = 0;
  private seq = 0;
  private reported = -1;
  private ticks = 0;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private ended = false;

  constructor(
    readonly res: ServerResponse,
    readonly rate: number,
    private readonly maxBufferedBytes: number,
    private readonly onEnd: (t: Tail) => void,
  ) {}

  /** Subscribes (a refusal throws, nothing started), then runs the one-second clock. */
  start(subscribe: (cb: (m: MessageView) => void) => () => void): void {
    this.unsubscribe = subscribe((m) => this.onMessage(m));
    // Every second: a new rate window, the counts when they changed, a keep-alive now and then.
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  private onMessage(m: MessageView): void {
    this.matched++;
    const res = this.res;
    if (this.ended || this.inWindow >= this.rate || res.destroyed || res.writableLength > this.maxBufferedBytes) {
      this.dropped++;
      return;
    }
    this.inWindow++;
    this.delivered++;
    const msg: TailMessage = { ...toWire(m.decode(MESSAGE_LIMITS.maxTailPayloadBytes)), seq: ++this.seq, time: Date.now() };
    res.write(`event: msg\ndata: ${JSON.stringify(msg)}\n\n`);
  }

  stats(): TailStats {
    return { matched: this.matched, delivered: this.delivered, dropped: this.dropped, rate: this.rate };
  }

  private tick(): void {
    this.inWindow = 0;
    this.ticks++;
    if (this.matched !== this.reported) {
      this.reported = this.matched;
      this.write(`event: tail-stats\ndata: ${JSON.stringify(this.stats())}\n\n`);
    } else if (this.ticks % 15 === 0) {
      this.write(': ping\n\n');
    }
  }

  private write(chunk: string): void {
    if (!this.res.destroyed && !this.res.writableEnded) this.res.write(chunk);
  }

  /** Stops the subscription; with a reason, tells the reader why and ends the response. */
  end(reason?: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    if (reason !== undefined && !this.res.destroyed && !this.res.writableEnded) {
      this.res.write(`event: tail-stats\ndata: ${JSON.stringify(this.stats())}\n\n`);
      this.res.end(`event: tail-end\ndata: ${JSON.stringify({ reason })}\n\n`);
    }
    this.onEnd(this);
  }
}

/** Who a limit counts against: the session (its cookie), else the user. */
function sessionKey(req: FastifyRequest): string {
  return req.cookies[SESSION_COOKIE] ?? `user:${req.sessionUser?.user ?? ''}`;
}

export const messageRoutes: FastifyPluginAsyncZod<{ ctx: ConsoleContext }> = async (app, { ctx }) => {
  const limiter = new SessionRateLimiter(MESSAGE_LIMITS.publishesPerSecond, MESSAGE_LIMITS.publishBurst);
  const tails = new Map<string, Set<Tail>>();
  let open = 0;
  const endAll = (reason: string) => {
    for (const set of [...tails.values()]) for (const t of [...set]) t.end(reason);
  };
  const onShutdown = () => endAll('the server shut down');
  ctx.server.on('shutdown', onShutdown);
  app.addHook('onClose', async () => {
    ctx.server.off('shutdown', onShutdown);
    endAll('the console is closing');
  });

  const takeToken = (req: FastifyRequest) => {
    if (!limiter.take(sessionKey(req))) {
      throw new ApiHttpError('RATE_LIMITED', `at most ${MESSAGE_LIMITS.publishesPerSecond} publishes and requests per second per session (bursts of ${MESSAGE_LIMITS.publishBurst}); wait a moment`);
    }
  };

  /**
   * Publish and request: one message sent into an account, audited as `messages.<action>` on
   * `<account> <subject>` and counted against the session's rate; `send` gets the headers as pairs.
   */
  const sendAudited = <R>(
    req: FastifyRequest,
    b: { account: string; subject: string; headers: { name: string; value: string }[] },
    action: 'publish' | 'request',
    send: (headers: (readonly [string, string])[]) => R | Promise<R>,
    detail: (r: R) => string,
  ): Promise<R> =>
    audited(
      ctx,
      req,
      { action: `messages.${action}`, target: `${b.account} ${b.subject}` },
      async () => {
        takeToken(req);
        return send(b.headers.map((h) => [h.name, h.value] as const));
      },
      (r) => ({ detail: detail(r) }),
    );

  app.post(
    '/messages/publish',
    {
      config: { access: 'admin', what: 'publishing a message' },
      schema: { tags: ['messages'], summary: 'Publish a message in an account (through the broker, as the server)', body: PublishRequestSchema, response: { 200: PublishResponseSchema, 400: err, 403: err, 404: err, 413: err, 429: err } },
    },
    async (req) => {
      const b = req.body;
      return sendAudited(
        req,
        b,
        'publish',
        (headers) => {
          const delivered = tool(() => ctx.server.messages.publish(b.account, b.subject, { reply: b.reply, headers, payload: b.payload }));
          const bytes = Buffer.byteLength(b.payload);
          return { delivered, bytes, headerBytes: headers.length > 0 ? encodeHeaders(headers).length : 0 };
        },
        (r) => `${r.bytes} bytes${b.headers.length ? `, ${b.headers.length} headers` : ''}${b.reply ? `, reply ${b.reply}` : ''}; ${r.delivered ? 'delivered' : 'no subscriber'}`,
      );
    },
  );

  app.post(
    '/messages/request',
    {
      config: { access: 'admin', what: 'sending a request' },
      schema: { tags: ['messages'], summary: 'Send a request in an account and wait for the first reply', body: RequestRequestSchema, response: { 200: RequestResponseSchema, 400: err, 403: err, 404: err, 413: err, 429: err } },
    },
    async (req) => {
      const b = req.body;
      return sendAudited(
        req,
        b,
        'request',
        async (headers) => {
          const r = await tool(() => ctx.server.messages.request(b.account, b.subject, { headers, payload: b.payload }, b.timeoutMs, MESSAGE_LIMITS.maxReplyBytes));
          return { outcome: r.outcome, latencyMs: r.latencyMs, timeoutMs: b.timeoutMs, ...(r.outcome === 'reply' ? { reply: toWire(r.message) } : {}) };
        },
        (r) => `${Buffer.byteLength(b.payload)} bytes; ${r.outcome === 'reply' ? `reply of ${r.reply?.size ?? 0} bytes` : r.outcome} after ${r.latencyMs.toFixed(1)} ms`,
      );
    },
  );

  app.post(
    '/messages/tail',
    {
      config: { access: 'admin', what: 'tailing messages' },
      schema: {
        tags: ['messages'],
        summary: `Tail a subject (wildcards allowed) in an account: text/event-stream of msg, tail-stats and tail-end events; at most \`rate\` messages a second, the rest counted as dropped`,
        body: TailRequestSchema,
        response: { 400: err, 403: err, 404: err, 429: err },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const key = sessionKey(req);
      const who = actor(req);
      const rec = { action: 'messages.tail', target: `${b.account} ${b.subject}` };
      const tail = await auditFailures(ctx, req, rec, async () => {
        const mine = tails.get(key)?.size ?? 0;
        if (mine >= MESSAGE_LIMITS.tailsPerSession) throw new ApiHttpError('RATE_LIMITED', `at most ${MESSAGE_LIMITS.tailsPerSession} tails at once per session; stop one first`);
        if (open >= MESSAGE_LIMITS.tailsTotal) throw new ApiHttpError('RATE_LIMITED', `at most ${MESSAGE_LIMITS.tailsTotal} tails at once on this console; try again later`);
        const started = Date.now();
        const t = new Tail(reply.raw, b.rate, 256 * 1024, (done) => {
          const set = tails.get(key);
          set?.delete(done);
          if (set?.size === 0) tails.delete(key);
          open--;
          const s = done.stats();
          recordQuietly(ctx, { ...who, ...rec, action: 'messages.tail.end', outcome: 'ok', detail: `after ${Math.round((Date.now() - started) / 1000)} s: ${s.matched} matched, ${s.delivered} shown, ${s.dropped} dropped` });
        });
        // Subscribes before the stream starts: an unknown account is still a 404 here.
        t.start((cb) => tool(() => ctx.server.messages.subscribe(b.account, b.subject, cb)));
        open++;
        let set = tails.get(key);
        if (!set) tails.set(key, (set = new Set()));
        set.add(t);
        return t;
      });
      recordQuietly(ctx, { ...who, ...rec, outcome: 'ok', detail: `at most ${b.rate} messages/s` });
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      // The reader went away (tab closed, Stop, network): the subscription goes with it.
      res.on('close', () => tail.end());
      res.write(`event: tail-stats\ndata: ${JSON.stringify(tail.stats())}\n\n`);
    },
  );

  app.get(
    '/messages/subjects',
    {
      schema: {
        tags: ['messages'],
        summary: 'Subjects with subscribers per account (plain, queue groups, route interest, messages delivered) and per-account client counters; searchable',
        querystring: SubjectsQuerySchema,
        response: { 200: SubjectsResponseSchema, 400: err },
      },
    },
    async (req) => {
      const q = req.query;
      if (q.account && !ctx.server.accounts.has(q.account)) throw new ApiHttpError('ACCOUNT_NOT_FOUND', `no account "${q.account}" on this server`);
      return subjectsView(ctx.server, { account: q.account, q: q.q, limit: q.limit });
    },
  );
};
