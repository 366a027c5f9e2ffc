import { z } from 'zod';
import { AccountSchema, ExportSchema, GatewayOptionsSchema, ImportSchema, UserSchema } from './options.js';
import { ServerStatsMsgSchema } from './monitor.js';

/*
 * Admin API contracts of the console (apps/server, under /api), shared with the web app.
 * Every request and response body has a zod schema here; the server validates with them and
 * generates /api/openapi.json from them. Extend additively only.
 *
 * Conventions
 * - JSON in and out. Writes (POST/PUT/PATCH/DELETE) need a session cookie of an `admin` and a
 *   same-origin request: an `Origin` (or `Referer`) header matching `Host`, or the header
 *   `x-switchboard-csrf: 1` for non-browser clients.
 * - Every error answers `ApiErrorBody` with a stable `code` from `API_ERRORS`. An anonymous call
 *   gets 401 before its body is looked at.
 * - Viewers never see a secret: in every response and event, passwords, tokens, nkey seeds and
 *   bcrypt hashes are replaced by `"[REDACTED]"` (also the old/new values of a config change)
 *   and conf file text is left out (`''` in a revision). Admins see what they edit.
 * - Config revisions are opaque strings. Writes that change the config take the revision they
 *   were based on in `If-Match` (quoted or bare); a stale one gets 409 `REVISION_CONFLICT`.
 *   Responses carrying a revision also set `ETag: "<revision>"`.
 */

// ---------------------------------------------------------------------------------------------
// Errors

/** The error catalogue: stable code → HTTP status and a default message. */
export const API_ERRORS = {
  BAD_REQUEST: { status: 400, message: 'The request is malformed' },
  VALIDATION_FAILED: { status: 400, message: 'The request body or query is invalid' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as application/json' },
  UNAUTHENTICATED: { status: 401, message: 'Log in first' },
  BAD_CREDENTIALS: { status: 401, message: 'Wrong user name or password' },
  SESSION_EXPIRED: { status: 401, message: 'The session has expired; log in again' },
  FORBIDDEN: { status: 403, message: 'Your role does not allow this' },
  CSRF_REJECTED: { status: 403, message: 'Cross-site request refused (Origin does not match Host)' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  ACCOUNT_NOT_FOUND: { status: 404, message: 'No such account' },
  USER_NOT_FOUND: { status: 404, message: 'No such user in this account' },
  REVISION_NOT_FOUND: { status: 404, message: 'No such config revision' },
  UNKNOWN_SERVER: { status: 404, message: 'No statistics for this server' },
  ACCOUNT_EXISTS: { status: 409, message: 'An account with this name exists' },
  USER_EXISTS: { status: 409, message: 'A user with this name exists' },
  CONSOLE_USER_EXISTS: { status: 409, message: 'A console user with this name exists' },
  CONSOLE_USER_NOT_FOUND: { status: 404, message: 'No such console user' },
  LAST_ADMIN: { status: 409, message: 'The last admin cannot be removed or demoted' },
  REVISION_CONFLICT: { status: 409, message: 'The configuration changed since you loaded it' },
  NO_CONFIG_FILE: { status: 409, message: 'The server runs without a config file (-c); the config cannot be edited' },
  LAME_DUCK_ACTIVE: { status: 409, message: 'The server is in lame duck mode' },
  CONFIG_NOT_PATCHABLE: { status: 409, message: 'The edit cannot be written into the config file without losing its comments, includes or variables; edit the file text instead' },
  RESTART_REQUIRED: { status: 422, message: 'The change needs a server restart and was not applied' },
  CONFIG_INVALID: { status: 422, message: 'The configuration is invalid and was not applied' },
  RELOAD_REFUSED: { status: 422, message: 'The server refused to reload the configuration' },
  REVISION_REQUIRED: { status: 428, message: 'Send the revision you edited in If-Match' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts; wait and retry' },
  OPERATOR_NOT_FOUND: { status: 404, message: 'The console manages no operator; create or import one' },
  OPERATOR_EXISTS: { status: 409, message: 'The console already manages an operator' },
  OPERATOR_SIGNER_REQUIRED: { status: 422, message: 'A signing seed is needed: the console stores none for this key' },
  OPERATOR_INVALID_JWT: { status: 422, message: 'The JWT is not valid for this' },
  OPERATOR_PUSH_FAILED: { status: 502, message: 'The server did not take the account JWT' },
  OPERATOR_DELETE_NOT_ALLOWED: { status: 409, message: 'The server cannot delete this account' },
  INTERNAL: { status: 500, message: 'Internal error' },
  CONFIG_WRITE_FAILED: { status: 500, message: 'The config file could not be written; nothing changed' },
  BROKER_STOPPED: { status: 503, message: 'The broker is not running' },
  EVENTS_UNAVAILABLE: { status: 503, message: 'The server runs without a system account; no events' },
  CONSOLE_UNAVAILABLE: { status: 503, message: 'The console cannot use its state (console.db); the broker runs, the admin console is off' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;
export const ApiErrorCodeSchema = z.enum(Object.keys(API_ERRORS) as [ApiErrorCode, ...ApiErrorCode[]]);

/** One problem with a request or a configuration, with the path of the offending field. */
export const IssueSchema = z.object({
  /** Dotted path (`accounts.A.exports.0.stream`, `body.password`, `query.window`); '' = whole. */
  path: z.string(),
  message: z.string(),
});
export type Issue = z.output<typeof IssueSchema>;

/** A typed config change (packages/broker `Change`). */
export const ConfigChangeSchema = z.object({
  path: z.string(),
  kind: z.enum(['added', 'removed', 'changed']),
  /** Absent for an added value. */
  old: z.unknown().optional(),
  /** Absent for a removed value. */
  new: z.unknown().optional(),
  /** Applied by a reload; false = needs a restart. */
  hot: z.boolean(),
  reason: z.string().optional(),
});
export type ConfigChange = z.output<typeof ConfigChangeSchema>;

/** Body of every error response. */
export const ApiErrorBodySchema = z.object({
  statusCode: z.number().int(),
  code: ApiErrorCodeSchema,
  message: z.string(),
  /** Per-field problems (VALIDATION_FAILED, CONFIG_INVALID). */
  issues: z.array(IssueSchema).optional(),
  /** The current revision (REVISION_CONFLICT). */
  revision: z.string().optional(),
  /** The changes that were refused (RESTART_REQUIRED, RELOAD_REFUSED). */
  changes: z.array(ConfigChangeSchema).optional(),
  /** Role needed (FORBIDDEN). */
  requiredRole: z.string().optional(),
  /** Seconds until a retry may succeed (RATE_LIMITED). */
  retryAfter: z.number().optional(),
});
export type ApiErrorBody = z.output<typeof ApiErrorBodySchema>;

// ---------------------------------------------------------------------------------------------
// Auth and session

export const RoleSchema = z.enum(['admin', 'viewer']);
export type Role = z.output<typeof RoleSchema>;

/** GET /api/users: the console's own users (not NATS users). */
export const ConsoleUserSchema = z.object({ user: z.string(), role: RoleSchema, createdAt: z.string() });
export type ConsoleUser = z.output<typeof ConsoleUserSchema>;
export const ConsoleUserListSchema = z.object({ users: z.array(ConsoleUserSchema) });
/** `:user` of DELETE /api/users/:user. */
export const ConsoleUserParamsSchema = z.object({ user: z.string().min(1) });

/** POST /api/users: add a console user. */
export const CreateConsoleUserSchema = z.object({
  user: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'letters, digits and _ . @ - only (1 to 64)'),
  password: z.string().min(8, 'at least 8 characters'),
  role: RoleSchema,
});
export type CreateConsoleUser = z.output<typeof CreateConsoleUserSchema>;

/** POST /api/login (`username` is accepted as an alias of `user`). */
export const LoginRequestSchema = z.object({
  user: z.string().min(1),
  password: z.string().min(1),
});
export type LoginRequest = z.output<typeof LoginRequestSchema>;
/** The body POST /api/login accepts: LoginRequest, with `username` as an alias of `user`. */
export const LoginBodySchema = z
  .object({ user: z.string().min(1).optional(), username: z.string().min(1).optional(), password: z.string().min(1) })
  .refine((b) => b.user !== undefined || b.username !== undefined, { path: ['user'], message: 'Invalid input: expected string, received undefined' })
  .transform((b): LoginRequest => ({ user: (b.user ?? b.username) as string, password: b.password }));

/** POST /api/login, GET /api/me (alias GET /api/session). */
export const SessionSchema = z.object({
  user: z.string(),
  role: RoleSchema,
  /** ISO time. */
  expiresAt: z.string(),
  /** Whether this role may write (admin). */
  canWrite: z.boolean(),
});
export type Session = z.output<typeof SessionSchema>;

/** POST /api/logout → 200 `{ ok: true }`. */
export const OkSchema = z.object({ ok: z.literal(true) });

// ---------------------------------------------------------------------------------------------
// Config and revisions

/** The body of validate/preview/PUT: a model (as a user writes it) or conf-file text. */
export const ConfigInputSchema = z.union([
  /** Validated against OptionsSchema by the server (issues name each field). */
  z.object({ options: z.record(z.string(), z.unknown()), comment: z.string().optional() }),
  z.object({ text: z.string(), comment: z.string().optional() }),
]);
export type ConfigInput = z.input<typeof ConfigInputSchema>;

/** GET /api/config. Viewers get secrets (passwords, tokens) replaced by `"[REDACTED]"`. */
export const ConfigResponseSchema = z.object({
  revision: z.string(),
  /** The running, resolved options. */
  options: z.record(z.string(), z.unknown()),
  /** The config file path, absent when the server runs without -c. */
  configFile: z.string().optional(),
  /** The file's text at this revision (admins only). */
  text: z.string().optional(),
  editable: z.boolean(),
  /** The revision the server runs (null when unknown); differs from `revision` while changes wait for a restart. */
  running: z.string().nullable().optional(),
  /** Changes in the file that the running server has not applied (they need a restart). */
  pending: z.array(ConfigChangeSchema).optional(),
});
export type ConfigResponse = z.output<typeof ConfigResponseSchema>;

/** POST /api/config/validate → 200 (also when invalid: `ok` false and every issue). */
export const ValidateResponseSchema = z.object({
  ok: z.boolean(),
  errors: z.array(IssueSchema),
  warnings: z.array(z.string()),
});
export type ValidateResponse = z.output<typeof ValidateResponseSchema>;

/** POST /api/config/preview (alias /api/config/review), admins only: the typed diff against what runs. */
/** A connection a config change will (or may) close, with why. */
export const AffectedConnectionSchema = z.object({
  cid: z.number(),
  name: z.string(),
  account: z.string(),
  user: z.string(),
  ip: z.string(),
  reason: z.string(),
  /** False when it depends on what the client holds (a changed password). */
  certain: z.boolean(),
});
export type AffectedConnection = z.output<typeof AffectedConnectionSchema>;

export const PreviewResponseSchema = z.object({
  /** True when every change can be applied by a reload. */
  ok: z.boolean(),
  changes: z.array(ConfigChangeSchema),
  restartRequired: z.boolean(),
  errors: z.array(IssueSchema),
  warnings: z.array(z.string()),
  /** The conf text that PUT would write. */
  text: z.string().optional(),
  /** Connections the change will close when applied (from connz). */
  closes: z.array(AffectedConnectionSchema).optional(),
});
export type PreviewResponse = z.output<typeof PreviewResponseSchema>;

/** PUT /api/config, rollback and every account/gateway write: what was applied. */
export const ApplyResponseSchema = z.object({
  ok: z.literal(true),
  /** The new current revision (unchanged when nothing changed). */
  revision: z.string(),
  changes: z.array(ConfigChangeSchema),
  warnings: z.array(z.string()),
  /** True when the file was written but not reloaded: a change needs a restart (nats-server reloads all or nothing). */
  appliesAtRestart: z.boolean().optional(),
});
export type ApplyResponse = z.output<typeof ApplyResponseSchema>;

export const RevisionSummarySchema = z.object({
  id: z.string(),
  /** ISO time. */
  createdAt: z.string(),
  /** Console user, or 'system' (start-up, reload from disk). */
  author: z.string(),
  /** 'start' | 'edit' | 'rollback' | 'disk' (the file changed outside the console). */
  source: z.enum(['start', 'edit', 'rollback', 'disk']),
  comment: z.string().optional(),
  parent: z.string().optional(),
  /** Number of model changes against the parent. */
  changeCount: z.number().int(),
});
export type RevisionSummary = z.output<typeof RevisionSummarySchema>;

/** GET /api/config/revisions?limit=&offset= (newest first). */
export const RevisionListSchema = z.object({
  revisions: z.array(RevisionSummarySchema),
  total: z.number().int(),
  /** The revision of the file on disk. */
  current: z.string(),
  /** The revision the server runs (null when unknown). */
  running: z.string().nullable().optional(),
  /** Why the file on disk does not load, when it does not (file:line:col). */
  diskErrors: z.array(z.string()).optional(),
});
export type RevisionList = z.output<typeof RevisionListSchema>;

/** GET /api/config/revisions/:id */
export const RevisionSchema = RevisionSummarySchema.extend({
  /** The conf file text ('' for viewers). */
  text: z.string().default(''),
  options: z.record(z.string(), z.unknown()),
});
export type Revision = z.output<typeof RevisionSchema>;

/** GET /api/config/diff?from=<id>&to=<id> (to defaults to current). */
export const RevisionDiffSchema = z.object({
  from: z.string(),
  to: z.string(),
  changes: z.array(ConfigChangeSchema),
});
export type RevisionDiff = z.output<typeof RevisionDiffSchema>;

/** GET /api/config/revisions?limit=&offset= */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
/** GET /api/config/diff?from=&to= */
export const DiffQuerySchema = z.object({ from: z.string().min(1), to: z.string().min(1).optional() });
/** `:id` of /api/config/revisions/:id. */
export const RevisionParamsSchema = z.object({ id: z.string().min(1) });

/** POST /api/config/rollback (If-Match: current) → ApplyResponse; makes a new revision. */
export const RollbackRequestSchema = z.object({ revision: z.string().min(1), comment: z.string().optional() });
export type RollbackRequest = z.output<typeof RollbackRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Accounts, users, exports, imports, gateways (writes go through PUT /api/config's path)

export const AccountNameSchema = z
  .string()
  .min(1)
  .regex(/^[^\s.*>]+$/, 'an account name has no spaces, dots or wildcards');

/** `:name` of /api/accounts/:name…; `:user` of …/users/:user. */
export const AccountParamsSchema = z.object({ name: AccountNameSchema });
export const AccountUserParamsSchema = z.object({ name: AccountNameSchema, user: z.string().min(1) });
/** Account and gateway writes take an optional `?comment=` for the revision. */
export const EditQuerySchema = z.object({ comment: z.string().optional() });

export const AccountEntrySchema = z.object({ name: z.string(), account: AccountSchema });
/** GET /api/accounts */
export const AccountListSchema = z.object({ revision: z.string(), accounts: z.array(AccountEntrySchema) });
export type AccountList = z.output<typeof AccountListSchema>;
/** GET /api/accounts/:name */
export const AccountResponseSchema = z.object({ revision: z.string(), name: z.string(), account: AccountSchema });
export type AccountResponse = z.output<typeof AccountResponseSchema>;

/** POST /api/accounts → 201 ApplyResponse. */
export const CreateAccountRequestSchema = z.object({ name: AccountNameSchema, account: AccountSchema.default({}) });
/** PUT /api/accounts/:name (create or replace) → ApplyResponse. DELETE /api/accounts/:name → ApplyResponse. */
export const PutAccountRequestSchema = AccountSchema;

/** GET/PUT /api/accounts/:name/exports (the whole list). */
export const ExportListSchema = z.object({ exports: z.array(ExportSchema) });
/** GET/PUT /api/accounts/:name/imports (the whole list). */
export const ImportListSchema = z.object({ imports: z.array(ImportSchema) });
/**
 * GET/PUT /api/accounts/:name/users (the whole list); POST adds one user;
 * DELETE /api/accounts/:name/users/:user removes one. Viewers see passwords redacted.
 */
export const UserListSchema = z.object({ users: z.array(UserSchema) });
export const AddUserRequestSchema = UserSchema;

/** GET/PUT /api/gateways: the `gateway` block (PUT with `null` removes it). */
export const GatewaysResponseSchema = z.object({ revision: z.string(), gateway: GatewayOptionsSchema.nullable() });

/**
 * GET /api/gateways/remotes: this server's outbound side of each remote cluster as its gateway
 * module knows it, with what nats-server's /gatewayz does not give: the state of the dialing
 * (connecting, retrying) and the last error of a link that is not up.
 */
export const GatewayRemoteStatusSchema = z.object({
  name: z.string(),
  urls: z.array(z.string()),
  implicit: z.boolean(),
  state: z.enum(['connected', 'connecting', 'retrying']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});
export type GatewayRemoteStatus = z.infer<typeof GatewayRemoteStatusSchema>;
export const GatewayRemotesResponseSchema = z.object({ enabled: z.boolean(), remotes: z.array(GatewayRemoteStatusSchema) });
export type GatewayRemotesResponse = z.infer<typeof GatewayRemotesResponseSchema>;
export const PutGatewaysRequestSchema = z.object({ gateway: GatewayOptionsSchema.nullable() });

// ---------------------------------------------------------------------------------------------
// Operations

/** POST /api/ops/reload (re-reads the config file, as SIGHUP). 200 when applied; 422 otherwise. */
export const ReloadResponseSchema = z.object({
  ok: z.boolean(),
  applied: z.boolean(),
  changes: z.array(ConfigChangeSchema),
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
  /** The revision now current (a new one when the file changed on disk). */
  revision: z.string().optional(),
});
export type ReloadResponse = z.output<typeof ReloadResponseSchema>;

export const LameDuckStateSchema = z.object({
  active: z.boolean(),
  remaining: z.number().int(),
  total: z.number().int(),
  phase: z.enum(['grace', 'closing', 'done']).optional(),
});
export type LameDuckState = z.output<typeof LameDuckStateSchema>;

/** POST /api/ops/lame-duck → 202; GET /api/ops/lame-duck → state (null = not in lame duck). */
export const LameDuckResponseSchema = z.object({ state: LameDuckStateSchema.nullable() });
export type LameDuckResponse = z.output<typeof LameDuckResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Audit

export const AuditOutcomeSchema = z.enum(['ok', 'refused', 'failed']);
export const AuditEntrySchema = z.object({
  id: z.number().int(),
  /** ISO time. */
  time: z.string(),
  user: z.string(),
  role: z.string(),
  /** e.g. `login`, `logout`, `config.apply`, `config.rollback`, `account.put`, `ops.reload`, `ops.lame-duck`. */
  action: z.string(),
  /** What was acted on (account name, revision…). */
  target: z.string().optional(),
  outcome: AuditOutcomeSchema,
  /** Why it was refused or failed, or a summary of what changed. */
  detail: z.string().optional(),
  /** Revision created by the action. */
  revision: z.string().optional(),
  ip: z.string().optional(),
});
export type AuditEntry = z.output<typeof AuditEntrySchema>;

/** GET /api/audit?user=&action=&outcome=&since=&until=&limit=&offset= (newest first). */
export const AuditQuerySchema = z.object({
  user: z.string().optional(),
  /** Exact action, or a prefix ending in `.` / `*` (`config.*`). */
  action: z.string().optional(),
  outcome: AuditOutcomeSchema.optional(),
  /** ISO times. */
  since: z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'not an ISO time').optional(),
  until: z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'not an ISO time').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type AuditQuery = z.input<typeof AuditQuerySchema>;
export const AuditListSchema = z.object({ entries: z.array(AuditEntrySchema), total: z.number().int() });
export type AuditList = z.output<typeof AuditListSchema>;

// ---------------------------------------------------------------------------------------------
// Live events: GET /api/events (text/event-stream)

/**
 * SSE event names (`event:` field). `data:` is a `ConsoleEvent` JSON. A reader that falls more
 * than a bounded buffer behind is cut (the stream ends; EventSource reconnects).
 * - connect / disconnect: `$SYS.ACCOUNT.<acc>.CONNECT|DISCONNECT` advisories (data = nats-server JSON)
 * - statsz: `$SYS.SERVER.<id>.STATSZ` (data = ServerStatsMsg)
 * - stats: the console's sample of one server, every second (data = StatsLiveEvent)
 * - account-conns: `$SYS.ACCOUNT.<acc>.SERVER.CONNS`
 * - auth-error, shutdown: server advisories
 * - reload: ReloadResponse of any reload (console, SIGHUP)
 * - lame-duck: LameDuckState on start, progress and end
 * - audit: a new AuditEntry
 * - sys: any other $SYS message
 * - hello: first event, `{ serverId, serverName }`
 */
export const SSE_EVENT_TYPES = [
  'hello',
  'connect',
  'disconnect',
  'statsz',
  'stats',
  'account-conns',
  'auth-error',
  'shutdown',
  'reload',
  'lame-duck',
  'audit',
  'sys',
] as const;
export const SseEventTypeSchema = z.enum(SSE_EVENT_TYPES);
export type SseEventType = z.output<typeof SseEventTypeSchema>;

/** GET /api/events?types=a,b (comma-separated event types; absent = all). */
export const EventsQuerySchema = z.object({ types: z.string().optional() });

export const ConsoleEventSchema = z.object({
  type: SseEventTypeSchema,
  /** The $SYS subject, when the event came from one. */
  subject: z.string().optional(),
  /** ISO time the console saw it. */
  time: z.string(),
  data: z.unknown(),
});
export type ConsoleEvent = z.output<typeof ConsoleEventSchema>;

// ---------------------------------------------------------------------------------------------
// STATSZ history: GET /api/stats?server=<id>&window=5m|1h|24h

/** Fixed resolutions: 5 min @ 1 s, 1 h @ 10 s, 24 h @ 5 min. */
export const STATS_WINDOWS = { '5m': { spanMs: 5 * 60_000, stepMs: 1000 }, '1h': { spanMs: 3600_000, stepMs: 10_000 }, '24h': { spanMs: 86_400_000, stepMs: 300_000 } } as const;
export const StatsWindowSchema = z.enum(['5m', '1h', '24h']);
export type StatsWindow = z.output<typeof StatsWindowSchema>;

export const StatsQuerySchema = z.object({
  /** Server history key (its name) or id; defaults to this server. */
  server: z.string().optional(),
  window: StatsWindowSchema.default('5m'),
});

/** One sample (the last STATSZ within its step). Counters are cumulative; `*Rate` per second. */
export const StatsPointSchema = z.object({
  /** Epoch ms, start of the step. */
  t: z.number(),
  connections: z.number(),
  totalConnections: z.number(),
  subscriptions: z.number(),
  slowConsumers: z.number(),
  inMsgs: z.number(),
  outMsgs: z.number(),
  inBytes: z.number(),
  outBytes: z.number(),
  mem: z.number(),
  cpu: z.number(),
  inMsgsRate: z.number(),
  outMsgsRate: z.number(),
  inBytesRate: z.number(),
  outBytesRate: z.number(),
  /**
   * Only on a point with no earlier point in its window (the first step of a server's history):
   * when its last sample was taken, and the counters its step started from (the sample just
   * before the step, or the step's first sample). Its rates are taken against `base`, so a burst
   * in a window's first step shows like anywhere else.
   */
  at: z.number().optional(),
  base: z.object({ at: z.number(), inMsgs: z.number(), outMsgs: z.number(), inBytes: z.number(), outBytes: z.number() }).optional(),
});
export type StatsPoint = z.output<typeof StatsPointSchema>;
export type StepBase = NonNullable<StatsPoint['base']>;

/** A server with recorded samples: `id` is its history key (its name), `serverId` the process last heard. */
export const StatsServerSchema = z.object({ id: z.string(), serverId: z.string(), name: z.string(), lastSeen: z.string() });
export const StatsResponseSchema = z.object({
  server: z.string(),
  window: StatsWindowSchema,
  stepMs: z.number(),
  /** Every server with recorded samples. */
  servers: z.array(StatsServerSchema),
  points: z.array(StatsPointSchema),
});
export type StatsResponse = z.output<typeof StatsResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Servers heard: GET /api/servers

/** A server the STATSZ sampler has heard, with its latest full STATSZ (null when not heard since the console started). */
export const HeardServerSchema = z.object({
  /** The history key: the server's name, which a restart keeps (its id changes). */
  id: z.string(),
  /** The id of the process last heard under this name. */
  serverId: z.string(),
  name: z.string(),
  /** ISO time of the last STATSZ. */
  lastSeen: z.string(),
  statsz: ServerStatsMsgSchema.nullable(),
  /** This console's own server. */
  local: z.boolean(),
});
export type HeardServer = z.output<typeof HeardServerSchema>;
/** Sorted by name. */
export const ServerListSchema = z.object({ servers: z.array(HeardServerSchema) });
export type ServerList = z.output<typeof ServerListSchema>;

// ---------------------------------------------------------------------------------------------
// Helpers

/** Dotted field path of a zod issue path. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

/** zod issues → API issues with dotted paths (optionally prefixed: `body`, `query`). */
export function toIssues(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((i) => ({ path: [prefix, issuePath(i.path)].filter((s) => s !== '').join('.'), message: i.message }));
}
