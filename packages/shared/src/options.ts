import { z } from 'zod';

/*
 * The one configuration model of Switchboard. The conf-file parser maps into it, the CLI flags
 * override it, the admin API accepts it and the web forms validate with it.
 * Names are camelCase versions of nats-server's option names; durations are milliseconds,
 * sizes are bytes. Blocks mirror the conf file's structure (users live where the file puts them)
 * so that the writer can render the model back to an equivalent conf file.
 */

// ---------------------------------------------------------------------------------------------
// Permissions

/** `allow` / `deny` subject lists (`publish: "a.>"` is shorthand for `publish: { allow: ["a.>"] }`). */
export const SubjectPermissionSchema = z.object({
  allow: z.array(z.string()).optional(),
  deny: z.array(z.string()).optional(),
});
export type SubjectPermission = z.output<typeof SubjectPermissionSchema>;

/** `allow_responses`: `true` means `{ maxMsgs: 1, expires: 2 min }` (nats-server defaults). */
export const ResponsePermissionSchema = z.object({
  maxMsgs: z.number().int().default(1),
  /** Milliseconds. */
  expires: z.number().int().min(0).default(2 * 60 * 1000),
});
export type ResponsePermission = z.output<typeof ResponsePermissionSchema>;

export const PermissionsSchema = z.object({
  publish: SubjectPermissionSchema.optional(),
  subscribe: SubjectPermissionSchema.optional(),
  allowResponses: ResponsePermissionSchema.optional(),
});
export type Permissions = z.output<typeof PermissionsSchema>;

/** Route permissions (`cluster { permissions { import, export } }`). */
export const RoutePermissionsSchema = z.object({
  import: SubjectPermissionSchema.optional(),
  export: SubjectPermissionSchema.optional(),
});
export type RoutePermissions = z.output<typeof RoutePermissionsSchema>;

// ---------------------------------------------------------------------------------------------
// Users, authorization

export const ConnectionTypeSchema = z.enum(['STANDARD', 'WEBSOCKET', 'LEAFNODE', 'MQTT']);

/** A user entry: either `user` (+ `password`, plain or bcrypt `$2a$…`) or `nkey` (public user key). */
export const UserSchema = z.object({
  user: z.string().optional(),
  password: z.string().optional(),
  nkey: z.string().optional(),
  permissions: PermissionsSchema.optional(),
  /**
   * The account the user belongs to. Not a conf-file key: users inside `accounts { A { users } }`
   * belong to A. Filled in by `listUsers()`; the writer moves such users into that account's block.
   */
  account: z.string().optional(),
  allowedConnectionTypes: z.array(ConnectionTypeSchema).optional(),
});
export type User = z.output<typeof UserSchema>;

/** The top-level `authorization` block. Its `timeout` is the top-level `authTimeout`. */
export const AuthorizationSchema = z.object({
  user: z.string().optional(),
  password: z.string().optional(),
  token: z.string().optional(),
  users: z.array(UserSchema).optional(),
  defaultPermissions: PermissionsSchema.optional(),
});
export type Authorization = z.output<typeof AuthorizationSchema>;

/** `authorization` inside `cluster` / `gateway`: a single user only. */
export const SimpleAuthorizationSchema = z.object({
  user: z.string().optional(),
  password: z.string().optional(),
  /** Seconds (float). */
  timeout: z.number().positive().optional(),
});
export type SimpleAuthorization = z.output<typeof SimpleAuthorizationSchema>;

// ---------------------------------------------------------------------------------------------
// Accounts

export const ResponseTypeSchema = z.enum(['singleton', 'stream', 'chunked']);

export const ServiceLatencySchema = z.object({
  subject: z.string(),
  /** 1..100 percent, or 'headers'. */
  sampling: z.union([z.number().int().min(1).max(100), z.literal('headers')]).default(100),
});

/** One entry of an account's `exports`: exactly one of `stream` / `service` (a subject). */
export const ExportSchema = z
  .object({
    stream: z.string().optional(),
    service: z.string().optional(),
    /** Accounts allowed to import; absent = public. */
    accounts: z.array(z.string()).optional(),
    responseType: ResponseTypeSchema.optional(),
    /** Milliseconds. */
    responseThreshold: z.number().int().positive().optional(),
    accountTokenPosition: z.number().int().min(0).optional(),
    latency: ServiceLatencySchema.optional(),
  })
  .refine((e) => (e.stream === undefined) !== (e.service === undefined), {
    message: 'an export needs exactly one of stream or service',
  });
export type Export = z.output<typeof ExportSchema>;

export const ImportSourceSchema = z.object({ account: z.string(), subject: z.string() });

/** One entry of an account's `imports`: exactly one of `stream` / `service`. */
export const ImportSchema = z
  .object({
    stream: ImportSourceSchema.optional(),
    service: ImportSourceSchema.optional(),
    prefix: z.string().optional(),
    to: z.string().optional(),
    share: z.boolean().optional(),
  })
  .refine((i) => (i.stream === undefined) !== (i.service === undefined), {
    message: 'an import needs exactly one of stream or service',
  });
export type Import = z.output<typeof ImportSchema>;

export const AccountLimitsSchema = z.object({
  maxConnections: z.number().int().optional(),
  maxSubscriptions: z.number().int().optional(),
  maxPayload: z.number().int().optional(),
  maxLeafnodes: z.number().int().optional(),
});
export type AccountLimits = z.output<typeof AccountLimitsSchema>;

/** A weighted mapping destination. */
export const MapDestSchema = z.object({
  destination: z.string(),
  weight: z.number().int().min(0).max(100),
  cluster: z.string().optional(),
});
export type MapDest = z.output<typeof MapDestSchema>;

/** `mappings { "src": "dest" }` or `mappings { "src": [ { destination, weight } ] }`. */
export const MappingsSchema = z.record(z.string(), z.union([z.string(), z.array(MapDestSchema)]));
export type Mappings = z.output<typeof MappingsSchema>;

export const AccountSchema = z.object({
  /** Public account nkey (A…). */
  nkey: z.string().optional(),
  users: z.array(UserSchema).optional(),
  exports: z.array(ExportSchema).optional(),
  imports: z.array(ImportSchema).optional(),
  limits: AccountLimitsSchema.optional(),
  defaultPermissions: PermissionsSchema.optional(),
  mappings: MappingsSchema.optional(),
});
export type Account = z.output<typeof AccountSchema>;

// ---------------------------------------------------------------------------------------------
// TLS, cluster, gateway

export const TlsSchema = z.object({
  certFile: z.string().optional(),
  keyFile: z.string().optional(),
  caFile: z.string().optional(),
  verify: z.boolean().optional(),
  verifyAndMap: z.boolean().optional(),
  /** Routes/gateways only. */
  verifyCertAndCheckKnownUrls: z.boolean().optional(),
  insecure: z.boolean().optional(),
  /** Handshake timeout, seconds (float). */
  timeout: z.number().min(0).optional(),
  cipherSuites: z.array(z.string()).min(1).optional(),
  curvePreferences: z.array(z.string()).min(1).optional(),
  /** Hex sha256 of the DER SubjectPublicKeyInfo. */
  pinnedCerts: z.array(z.string().regex(/^[A-Fa-f0-9]{64}$/)).optional(),
  connectionRateLimit: z.number().int().min(0).optional(),
});
export type TlsOptions = z.output<typeof TlsSchema>;

export const ClusterSchema = z.object({
  name: z.string().optional(),
  host: z.string().optional(),
  /** Route port; -1 random. */
  port: z.number().int().min(-1).max(65535).optional(),
  advertise: z.string().optional(),
  noAdvertise: z.boolean().optional(),
  connectRetries: z.number().int().min(0).optional(),
  /** Route URLs to solicit (`nats-route://host:port`). */
  routes: z.array(z.string()).optional(),
  authorization: SimpleAuthorizationSchema.optional(),
  tls: TlsSchema.optional(),
  permissions: RoutePermissionsSchema.optional(),
});
export type ClusterOptions = z.output<typeof ClusterSchema>;

/** A remote gateway: `{ name, url }` or `{ name, urls: [...] }` (normalised to `urls`). */
export const GatewaySchema = z.object({
  name: z.string(),
  urls: z.array(z.string()).default([]),
  tls: TlsSchema.optional(),
});
export type RemoteGateway = z.output<typeof GatewaySchema>;

export const GatewayOptionsSchema = z.object({
  name: z.string().optional(),
  host: z.string().optional(),
  port: z.number().int().min(-1).max(65535).optional(),
  advertise: z.string().optional(),
  connectRetries: z.number().int().min(0).optional(),
  rejectUnknown: z.boolean().optional(),
  authorization: SimpleAuthorizationSchema.optional(),
  tls: TlsSchema.optional(),
  gateways: z.array(GatewaySchema).optional(),
});
export type GatewayOptions = z.output<typeof GatewayOptionsSchema>;

// ---------------------------------------------------------------------------------------------
// Operator mode (JWT)

/**
 * `resolver`: where account JWTs come from in operator mode. `MEMORY` (filled by
 * `resolver_preload`), `URL("…")` (HTTP GET `<url><account>`), or a directory resolver
 * (`{ type: full|cache, dir, … }`) that stores JWTs on disk and answers `$SYS` requests.
 */
export const ResolverSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('memory') }),
  z.object({ type: z.literal('url'), url: z.string() }),
  z.object({
    type: z.enum(['full', 'cache']),
    dir: z.string().min(1),
    /** Full only: `$SYS.REQ.CLAIMS.DELETE` may delete accounts. */
    allowDelete: z.boolean().optional(),
    /** Full only: sync interval between servers, milliseconds. */
    interval: z.number().int().min(0).optional(),
    /** Maximum number of JWTs kept (0 = the default). */
    limit: z.number().int().optional(),
    /** Cache only: how long a JWT is kept, milliseconds. */
    ttl: z.number().int().min(0).optional(),
    /** Lookup timeout, milliseconds. */
    timeout: z.number().int().positive().optional(),
  }),
]);
export type ResolverOptions = z.output<typeof ResolverSchema>;

// ---------------------------------------------------------------------------------------------
// The whole model

export const CoreOptionsSchema = z.object({
  /** Client listen host (`listen`/`host`/`net`, `-a`). */
  host: z.string().default('0.0.0.0'),
  /** Client port; -1 picks a random port. */
  port: z.number().int().min(-1).max(65535).default(4222),
  serverName: z.string().optional(),
  clientAdvertise: z.string().optional(),
  maxPayload: z.number().int().positive().default(1024 * 1024),
  maxControlLine: z.number().int().positive().default(4096),
  maxConnections: z.number().int().positive().default(64 * 1024),
  maxPending: z.number().int().positive().default(64 * 1024 * 1024),
  /** Per connection; 0 = unlimited. */
  maxSubscriptions: z.number().int().min(0).default(0),
  /** 0 = unlimited. */
  maxSubTokens: z.number().int().min(0).max(255).default(0),
  pingInterval: z.number().int().positive().default(2 * 60 * 1000),
  pingMax: z.number().int().positive().default(2),
  writeDeadline: z.number().int().positive().default(10 * 1000),
  /** Seconds (float), as nats-server reports it in /varz. */
  authTimeout: z.number().positive().optional(),
  noHeaderSupport: z.boolean().default(false),
  debug: z.boolean().default(false),
  trace: z.boolean().default(false),
  traceVerbose: z.boolean().default(false),
  logtime: z.boolean().default(true),
  logFile: z.string().optional(),
  pidFile: z.string().optional(),
  portsFileDir: z.string().optional(),
  httpHost: z.string().optional(),
  /** Monitoring/console port; 0 = off, -1 = random. */
  httpPort: z.number().int().min(-1).max(65535).default(0),
  lameDuckDuration: z.number().int().positive().default(2 * 60 * 1000),
  lameDuckGracePeriod: z.number().int().min(0).default(10 * 1000),
  disableSublistCache: z.boolean().default(false),
  maxTracedMsgLen: z.number().int().min(0).default(0),
});

/**
 * A record keyed by user data (account names). zod's z.record drops a `__proto__` key (its guard
 * against prototype pollution); here every entry is validated with `value` and kept as an own
 * property, so `__proto__` or `constructor` are names like any other.
 */
function ownKeyRecord<V extends z.ZodType>(value: V) {
  return z
    .custom<Record<string, z.input<V>>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'Invalid input: expected record')
    .transform((v, ctx) => {
      const out: Record<string, z.output<V>> = {};
      for (const [k, x] of Object.entries(v)) {
        const r = value.safeParse(x);
        if (r.success) Object.defineProperty(out, k, { value: r.data, enumerable: true, writable: true, configurable: true });
        else for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: [k, ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
      }
      return out;
    });
}

export const OptionsSchema = CoreOptionsSchema.extend({
  // auth and accounts
  authorization: AuthorizationSchema.optional(),
  accounts: ownKeyRecord(AccountSchema).optional(),
  noAuthUser: z.string().optional(),
  systemAccount: z.string().optional(),
  noSystemAccount: z.boolean().default(false),
  /** Mappings of the global account (`$G`). */
  mappings: MappingsSchema.optional(),
  // operator mode (JWT)
  /**
   * `operator`: the trusted operator's JWT as written: a file path (plain or decorated JWT) or the
   * JWT inline. (nats-server's conf format takes one; several are possible only programmatically.)
   */
  operator: z.string().optional(),
  /** `trusted` / `trusted_keys`: public operator keys trusted without an operator JWT. */
  trustedKeys: z.array(z.string()).optional(),
  resolver: ResolverSchema.optional(),
  /** TLS for the URL resolver (a client context: `ca_file` verifies the resolver). */
  resolverTls: TlsSchema.optional(),
  /** `resolver_preload`: account public key → account JWT. */
  resolverPreload: z.record(z.string(), z.string()).optional(),
  /** `resolver_pinned_accounts`: only these accounts (and the system account) may connect. */
  resolverPinnedAccounts: z.array(z.string()).optional(),
  // transport
  tls: TlsSchema.optional(),
  /** `allow_non_tls`: with client TLS, plaintext clients too (INFO says tls_available). */
  allowNonTls: z.boolean().default(false),
  cluster: ClusterSchema.optional(),
  gateway: GatewayOptionsSchema.optional(),
  // monitoring and logging
  /** HTTPS monitoring port; 0 = off, -1 = random. */
  httpsPort: z.number().int().min(-1).max(65535).default(0),
  httpBasePath: z.string().optional(),
  syslog: z.boolean().default(false),
  remoteSyslog: z.string().optional(),
  /** Bytes; 0 = no rotation. */
  logSizeLimit: z.number().int().min(0).default(0),
  profPort: z.number().int().min(0).max(65535).default(0),
  connectErrorReports: z.number().int().min(0).default(3600),
  reconnectErrorReports: z.number().int().min(0).default(1),
  serverTags: z.array(z.string()).optional(),
  /**
   * Conf blocks Switchboard accepts but does not implement (leafnodes, jetstream, websocket,
   * mqtt…), kept as plain values (conf key → value) so that writing the model back does not lose
   * them.
   */
  passthrough: z.record(z.string(), z.unknown()).optional(),
});

/** Fully resolved options (defaults applied). */
export type Options = z.output<typeof OptionsSchema>;
/** Options as a user writes them: every field optional. */
export type OptionsInput = z.input<typeof OptionsSchema>;

export function resolveOptions(input: OptionsInput = {}): Options {
  return OptionsSchema.parse(input);
}

/** Every configured user, with `account` set for users defined inside an account block. */
export function listUsers(options: Pick<Options, 'authorization' | 'accounts'>): User[] {
  const out: User[] = [];
  for (const u of options.authorization?.users ?? []) out.push({ ...u });
  for (const [name, acc] of Object.entries(options.accounts ?? {})) {
    for (const u of acc.users ?? []) out.push({ ...u, account: name });
  }
  return out;
}
