import { z } from 'zod';
import { subjectError } from './subjects.js';

/*
 * The console's message tools (apps/server routes-messages.ts, apps/web messages/): publish,
 * request and tail inside an account through the broker's internal client (admins only, every
 * use audited), and the subject explorer (any session).
 *
 *   POST /api/messages/publish    PublishRequest  → PublishResponse
 *   POST /api/messages/request    RequestRequest  → RequestResponse
 *   POST /api/messages/tail       TailRequest     → text/event-stream of `msg` (TailMessage),
 *                                                   `tail-stats` (TailStats, every second) and
 *                                                   `tail-end` (TailEnd); ends when the reader goes
 *   GET  /api/messages/subjects   SubjectsQuery   → SubjectsResponse
 *
 * The limits keep the console from flooding the broker or the browser; they are part of the
 * contract so the page can say them.
 */
export const MESSAGE_LIMITS = {
  /** Payload bytes (UTF-8) of a publish or request from the console. */
  maxPayloadBytes: 64 * 1024,
  /** Header lines of one message. */
  maxHeaders: 32,
  /** Publishes and requests per second, per console session (burst: `publishBurst`). */
  publishesPerSecond: 5,
  publishBurst: 10,
  /** Request timeout bounds (ms). */
  minRequestTimeoutMs: 100,
  maxRequestTimeoutMs: 10_000,
  defaultRequestTimeoutMs: 2_000,
  /** Reply payload bytes shown (a longer reply is cut and says so). */
  maxReplyBytes: 64 * 1024,
  /** Messages per second a tail passes to the browser (the rest are counted as dropped). */
  defaultTailRate: 20,
  maxTailRate: 100,
  /** Payload bytes of a tailed message passed to the browser (cut beyond). */
  maxTailPayloadBytes: 4 * 1024,
  /** Tails open at once, per session and in all. */
  tailsPerSession: 3,
  tailsTotal: 20,
} as const;

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

/** A subject field: the shared subject rules, as a 400 naming the field. */
function subjectField(wildcards: boolean) {
  return z.string().superRefine((s, ctx) => {
    const err = subjectError(s, { wildcards });
    if (err !== null) ctx.addIssue({ code: 'custom', message: err });
  });
}

export const MessageHeaderSchema = z.object({
  name: z
    .string()
    .min(1, 'header name is empty')
    .max(256)
    .regex(/^[\x21-\x39\x3b-\x7e]+$/, "header name may contain only visible ASCII characters, no ':' or spaces"),
  value: z
    .string()
    .max(4096)
    .refine((v) => !/[\r\n]/.test(v), 'header value must not contain a line break'),
});
export type MessageHeader = z.output<typeof MessageHeaderSchema>;

/** How the payload field is meant: plain text, or JSON (checked to parse, sent as typed). */
export const PayloadEncodingSchema = z.enum(['text', 'json']);

const messageFields = {
  account: z.string().min(1, 'choose an account'),
  subject: subjectField(false),
  headers: z.array(MessageHeaderSchema).max(MESSAGE_LIMITS.maxHeaders, `at most ${MESSAGE_LIMITS.maxHeaders} headers`).default([]),
  payload: z
    .string()
    .default('')
    .refine((p) => utf8Length(p) <= MESSAGE_LIMITS.maxPayloadBytes, `the payload is larger than the console's limit of ${MESSAGE_LIMITS.maxPayloadBytes} bytes`),
  encoding: PayloadEncodingSchema.default('text'),
};

function jsonPayload<T extends { payload: string; encoding: 'text' | 'json' }>(m: T, ctx: z.RefinementCtx): void {
  if (m.encoding !== 'json') return;
  try {
    JSON.parse(m.payload);
  } catch (e) {
    ctx.addIssue({ code: 'custom', path: ['payload'], message: `not valid JSON: ${(e as Error).message}` });
  }
}

export const PublishRequestSchema = z
  .object({
    ...messageFields,
    /** Reply subject to send with the message ('' or absent: none). */
    reply: z
      .string()
      .optional()
      .superRefine((s, ctx) => {
        if (s === undefined || s === '') return;
        const err = subjectError(s, { wildcards: false });
        if (err !== null) ctx.addIssue({ code: 'custom', message: err });
      }),
  })
  .superRefine(jsonPayload);
export type PublishRequest = z.input<typeof PublishRequestSchema>;

export const PublishResponseSchema = z.object({
  /** Whether any subscriber (here or on another server) received it. */
  delivered: z.boolean(),
  /** Payload and header bytes sent. */
  bytes: z.number().int(),
  headerBytes: z.number().int(),
});
export type PublishResponse = z.output<typeof PublishResponseSchema>;

export const RequestRequestSchema = z
  .object({
    ...messageFields,
    timeoutMs: z.number().int().min(MESSAGE_LIMITS.minRequestTimeoutMs).max(MESSAGE_LIMITS.maxRequestTimeoutMs).default(MESSAGE_LIMITS.defaultRequestTimeoutMs),
  })
  .superRefine(jsonPayload);
export type RequestRequest = z.input<typeof RequestRequestSchema>;

/** A received message as the browser gets it. */
export const ReceivedMessageSchema = z.object({
  subject: z.string(),
  reply: z.string(),
  /** Status of the header block (`503`…), '' when none. */
  status: z.string(),
  headers: z.array(z.object({ name: z.string(), value: z.string() })),
  /** The payload as UTF-8 text, or base64 when it is not valid UTF-8; cut at the shown limit. */
  payload: z.string(),
  payloadEncoding: z.enum(['utf8', 'base64']),
  /** Payload bytes of the whole message. */
  size: z.number().int(),
  /** The payload shown was cut. */
  truncated: z.boolean(),
});
export type ReceivedMessage = z.output<typeof ReceivedMessageSchema>;

export const RequestResponseSchema = z.object({
  /** reply: answered; no-responders: nothing subscribes to the subject; timeout: no answer in time. */
  outcome: z.enum(['reply', 'no-responders', 'timeout']),
  /** From sending the request to the reply (or to the verdict), in ms. */
  latencyMs: z.number(),
  timeoutMs: z.number().int(),
  reply: ReceivedMessageSchema.optional(),
});
export type RequestResponse = z.output<typeof RequestResponseSchema>;

export const TailRequestSchema = z.object({
  account: z.string().min(1, 'choose an account'),
  /** Wildcards allowed. */
  subject: subjectField(true),
  /** Messages per second passed on to the browser. */
  rate: z.number().int().min(1).max(MESSAGE_LIMITS.maxTailRate).default(MESSAGE_LIMITS.defaultTailRate),
});
export type TailRequest = z.input<typeof TailRequestSchema>;

export const TAIL_EVENT_TYPES = ['msg', 'tail-stats', 'tail-end'] as const;

/** SSE `msg`: one message of the tail. */
export const TailMessageSchema = ReceivedMessageSchema.extend({
  /** 1, 2, … in the order passed on. */
  seq: z.number().int(),
  /** Epoch ms received. */
  time: z.number(),
});
export type TailMessage = z.output<typeof TailMessageSchema>;

/** SSE `tail-stats`: counts since the tail started (sent every second while anything changed). */
export const TailStatsSchema = z.object({
  /** Messages that matched. */
  matched: z.number().int(),
  /** Passed on to the browser. */
  delivered: z.number().int(),
  /** Not passed on: over the rate, or the browser was behind. */
  dropped: z.number().int(),
  rate: z.number().int(),
});
export type TailStats = z.output<typeof TailStatsSchema>;

/** SSE `tail-end`: the server ended the tail (shutdown, the session ended). */
export const TailEndSchema = z.object({ reason: z.string() });

export const SubjectsQuerySchema = z.object({
  /** One account ('' or absent: all). */
  account: z.string().optional(),
  /** Substring of the subject or queue group (case-insensitive). */
  q: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
export type SubjectsQuery = z.input<typeof SubjectsQuerySchema>;

export const SubjectInterestSchema = z.object({
  account: z.string(),
  subject: z.string(),
  /** Plain (non-queue) subscriptions of clients of this server. */
  subscriptions: z.number().int(),
  /** Queue groups on this subject: members on this server. */
  queues: z.array(z.object({ name: z.string(), members: z.number().int() })),
  /** Subscriptions of other servers of the cluster (route interest). */
  remote: z.number().int(),
  /** Messages delivered to these subscriptions so far. */
  msgs: z.number().int(),
});
export type SubjectInterest = z.output<typeof SubjectInterestSchema>;

export const AccountTrafficSchema = z.object({
  name: z.string(),
  conns: z.number().int(),
  /** Client subscriptions (all subjects). */
  subscriptions: z.number().int(),
  /** Counters of the account's clients (cumulative): messages and bytes they sent and received. */
  inMsgs: z.number().int(),
  outMsgs: z.number().int(),
  inBytes: z.number().int(),
  outBytes: z.number().int(),
});
export type AccountTraffic = z.output<typeof AccountTrafficSchema>;

export const SubjectsResponseSchema = z.object({
  /** Epoch ms the counters were read (rates are counter differences between two answers). */
  now: z.number(),
  accounts: z.array(AccountTrafficSchema),
  subjects: z.array(SubjectInterestSchema),
  /** Subjects matching before `limit` was applied. */
  total: z.number().int(),
});
export type SubjectsResponse = z.output<typeof SubjectsResponseSchema>;
