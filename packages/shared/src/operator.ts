/*
 * The console as the operator's tool (operator mode, decentralized JWT security): the API of
 * /api/operator. The console keeps an operator, its accounts and the users it issued (their
 * JWTs; seeds only when the operator chose to store them, encrypted), signs account JWTs and
 * pushes them to the running server's resolver, and issues `.creds` files. Seeds appear in a
 * response once (the one that made them) and only to admins.
 */
import { z } from 'zod';

const key = (prefix: 'O' | 'A' | 'U', what: string) => z.string().trim().regex(new RegExp(`^${prefix}[A-Z2-7]{55}$`), `a public ${what} key (${prefix}…, 56 characters)`);
export const OperatorKeySchema = key('O', 'operator');
export const AccountKeySchema = key('A', 'account');
export const UserKeySchema = key('U', 'user');
/** An operator, account or user nkey seed (`SO…`, `SA…`, `SU…`). */
export const NkeySeedSchema = z.string().trim().regex(/^S[OAU][A-Z2-7]{56}$/, 'an nkey seed (SO…, SA… or SU…, 58 characters)');
const Name = z.string().trim().min(1, 'a name is needed').max(64, 'at most 64 characters');
const Subject = z.string().trim().regex(/^[^\s]+$/, 'a subject without spaces');
/** -1 = unlimited. */
const Limit = z.number().int().min(-1, '-1 (unlimited) or more');

export const OperatorAccountLimitsSchema = z.object({
  conn: Limit.default(-1),
  subs: Limit.default(-1),
  payload: Limit.default(-1),
  data: Limit.default(-1),
  imports: Limit.default(-1),
  exports: Limit.default(-1),
  leaf: Limit.default(-1),
  wildcards: z.boolean().default(true),
  disallowBearer: z.boolean().default(false),
});
export type OperatorAccountLimits = z.output<typeof OperatorAccountLimitsSchema>;

export const OperatorExportSchema = z.object({
  type: z.enum(['stream', 'service']),
  subject: Subject,
  name: z.string().optional(),
  /** Importers need an activation token. */
  tokenReq: z.boolean().default(false),
});
export type OperatorExport = z.output<typeof OperatorExportSchema>;

export const OperatorImportSchema = z.object({
  type: z.enum(['stream', 'service']),
  account: AccountKeySchema,
  subject: Subject,
  /** Where the import appears in this account (default: the subject). */
  localSubject: z.string().trim().optional(),
  /** Activation token, when the export requires one. */
  token: z.string().trim().optional(),
});
export type OperatorImport = z.output<typeof OperatorImportSchema>;

/** The editable part of an account JWT. */
export const OperatorAccountFormSchema = z.object({
  name: Name,
  limits: OperatorAccountLimitsSchema.prefault({}),
  exports: z.array(OperatorExportSchema).default([]),
  imports: z.array(OperatorImportSchema).default([]),
});
export type OperatorAccountForm = z.input<typeof OperatorAccountFormSchema>;

/** A signing seed given with a request when the console does not store one. */
const signer = { operatorSeed: NkeySeedSchema.optional() };

export const CreateOperatorRequestSchema = z.object({
  name: Name,
  /** Keep the seeds in the console (encrypted); otherwise they are shown once and forgotten. */
  storeSeeds: z.boolean().default(false),
  /** The resolver of the generated server config. */
  resolver: z.enum(['memory', 'full']).default('memory'),
});
export type CreateOperatorRequest = z.input<typeof CreateOperatorRequestSchema>;

export const ImportOperatorRequestSchema = z.object({
  /** The operator JWT (bare or decorated, as nsc writes it). */
  jwt: z.string().trim().min(1, 'paste the operator JWT'),
  /** The operator's seed or one of its signing keys' seeds. */
  seed: NkeySeedSchema.optional(),
  storeSeed: z.boolean().default(false),
});
export type ImportOperatorRequest = z.input<typeof ImportOperatorRequestSchema>;

export const CreateOperatorAccountRequestSchema = OperatorAccountFormSchema.extend({
  storeSeed: z.boolean().default(false),
  push: z.boolean().default(true),
  ...signer,
});
export type CreateOperatorAccountRequest = z.input<typeof CreateOperatorAccountRequestSchema>;

export const UpdateOperatorAccountRequestSchema = OperatorAccountFormSchema.extend({ push: z.boolean().default(true), ...signer });
export type UpdateOperatorAccountRequest = z.input<typeof UpdateOperatorAccountRequestSchema>;

/** Brings an existing account (e.g. one the server's resolver holds) under the console. */
export const ImportOperatorAccountRequestSchema = z.object({
  jwt: z.string().trim().min(1, 'paste the account JWT'),
  /** The account's seed or one of its signing keys' seeds (to issue users). */
  seed: NkeySeedSchema.optional(),
  storeSeed: z.boolean().default(false),
});
export type ImportOperatorAccountRequest = z.input<typeof ImportOperatorAccountRequestSchema>;


/** IPv4 or IPv6 CIDR as Go's net.ParseCIDR reads it (`10.0.0.0/8`, `::1/128`). */
export function isCidr(s: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const [ip, bits] = [m[1]!, Number(m[2])];
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return bits <= 32 && ip.split('.').every((o) => Number(o) <= 255 && !/^0\d/.test(o));
  if (!ip.includes(':') || bits > 128 || !/^[0-9a-fA-F:.]+$/.test(ip)) return false;
  const halves = ip.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  const v4tail = groups.length > 0 && groups[groups.length - 1]!.includes('.');
  if (v4tail && !/^\d{1,3}(\.\d{1,3}){3}$/.test(groups[groups.length - 1]!)) return false;
  const n = groups.length + (v4tail ? 1 : 0);
  if (!groups.slice(0, v4tail ? -1 : undefined).every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? n < 8 : n === 8;
}

/** An IANA time zone name (Go's time.LoadLocation), checked with the runtime's zone data. */
export function isTimeZone(s: string): boolean {
  if (s === 'UTC' || s === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: s });
    return true;
  } catch {
    return false;
  }
}

/** A Go duration as nsc takes it (`500ms`, `30s`, `2m`, `1h`, `1h30m`) → nanoseconds, or undefined. */
export function goDurationNanos(s: string): number | undefined {
  const t = s.trim();
  if (!/^(\d+(ns|us|µs|ms|s|m|h))+$/.test(t)) return undefined;
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  for (const m of t.matchAll(/(\d+)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

/** Connection types a user JWT may allow (jwt v2, nats-server 2.9). */
export const CONNECTION_TYPES = ['STANDARD', 'WEBSOCKET', 'LEAFNODE', 'LEAFNODE_WS', 'MQTT', 'MQTT_WS'] as const;
const TimeOfDay = z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/, 'a time of day as HH:MM:SS');

/**
 * What a user JWT (or a scoped signing key's template) says a user may do: permissions,
 * response permission, limits, source networks, time windows, bearer, connection types.
 */
export const UserPermissionLimitsSchema = z.object({
  pubAllow: z.array(Subject).default([]),
  pubDeny: z.array(Subject).default([]),
  subAllow: z.array(Subject).default([]),
  subDeny: z.array(Subject).default([]),
  subs: Limit.default(-1),
  payload: Limit.default(-1),
  data: Limit.default(-1),
  /** Allow publishing to reply subjects of received requests: at most `max` replies within `ttl`. */
  resp: z
    .object({
      max: z.number().int().min(1, 'at least 1 reply'),
      /** A Go duration (`5s`, `1m`); absent = no time limit. */
      ttl: z.string().trim().refine((v) => goDurationNanos(v) !== undefined, 'a duration like 500ms, 30s, 2m or 1h').optional(),
    })
    .optional(),
  /** Source networks (CIDR) the user may connect from; empty = anywhere. */
  src: z.array(z.string().trim().refine(isCidr, 'a network in CIDR notation, like 10.0.0.0/8 or 192.168.1.10/32')).default([]),
  /** Time windows (start–end, HH:MM:SS) the user may connect in; empty = any time. */
  times: z.array(z.object({ start: TimeOfDay, end: TimeOfDay })).default([]),
  /** The time zone of `times` (IANA name); absent = the server's local zone. */
  locale: z.string().trim().refine(isTimeZone, 'an IANA time zone, like UTC or Europe/Berlin').optional(),
  bearer: z.boolean().default(false),
  /** Connection types allowed; empty = all. */
  connectionTypes: z.array(z.enum(CONNECTION_TYPES)).default([]),
});
export type UserPermissionLimits = z.output<typeof UserPermissionLimitsSchema>;
export type UserPermissionLimitsInput = z.input<typeof UserPermissionLimitsSchema>;

const Tag = z.string().trim().min(1, 'a tag is not empty').max(64, 'at most 64 characters').regex(/^[^\s]+$/, 'a tag without spaces');

export const IssueUserRequestSchema = UserPermissionLimitsSchema.extend({
  name: Name,
  tags: z.array(Tag).default([]),
  /** Sign with this account signing key (plain or scoped); absent = a key the console holds (the account's own first). */
  signingKey: AccountKeySchema.optional(),
  /** Days until the credentials expire; absent = never. */
  expiresInDays: z.number().int().min(1).max(36500).optional(),
  /** Keep the user's seed (encrypted) so the creds can be downloaded again. */
  storeSeed: z.boolean().default(false),
  /** The account's seed or an account signing key's seed, when the console stores none. */
  accountSeed: NkeySeedSchema.optional(),
});
export type IssueUserRequest = z.input<typeof IssueUserRequestSchema>;

export const RevokeUserRequestSchema = z.object({ ...signer }).default({});
export type RevokeUserRequest = z.input<typeof RevokeUserRequestSchema>;

/** An activation token for a private (`token_req`) export, issued by the exporting account. */
export const IssueActivationRequestSchema = z.object({
  /** The importing account. */
  importer: AccountKeySchema,
  /** The exported subject (or a narrower one). */
  subject: Subject,
  /** Days until the token expires; absent = never. */
  expiresInDays: z.number().int().min(1).max(36500).optional(),
  /** The exporting account's seed or a plain signing key's, when the console stores none. */
  accountSeed: NkeySeedSchema.optional(),
});
export type IssueActivationRequest = z.input<typeof IssueActivationRequestSchema>;

export const ActivationResponseSchema = z.object({
  token: z.string(),
  /** The token's `jti` (its id in the console's record of issued tokens). */
  jti: z.string(),
  kind: z.enum(['stream', 'service']),
  subject: z.string(),
  importer: z.string(),
  exporter: z.string(),
  expiresAt: z.string().optional(),
});
export type ActivationResponse = z.output<typeof ActivationResponseSchema>;

/**
 * A revocation on a private export (nats-server semantics): activation tokens for `importer`
 * (an account key, or `*` for every importer) issued at or before `at` no longer authorize the
 * import; the account JWT is re-signed and pushed, and the server ends live imports.
 */
export const ExportRevocationRequestSchema = z.object({
  type: z.enum(['stream', 'service']),
  /** The export's subject, as the account exports it. */
  subject: Subject,
  importer: z.union([z.literal('*'), AccountKeySchema], { error: 'a public account key (A…, 56 characters) or * for every importer' }),
  push: z.boolean().default(true),
  ...signer,
});
export type ExportRevocationRequest = z.input<typeof ExportRevocationRequestSchema>;

/** Removes a revocation from a private export (tokens it revoked authorize again). */
export const RemoveExportRevocationRequestSchema = ExportRevocationRequestSchema;
export type RemoveExportRevocationRequest = z.input<typeof RemoveExportRevocationRequestSchema>;

/** An activation token the console issued (its record: never the token's signer seed). */
export const IssuedActivationSchema = z.object({
  jti: z.string(),
  importer: z.string(),
  /** The subject the token grants. */
  subject: z.string(),
  kind: z.enum(['stream', 'service']),
  /** The token's `iat`, ISO time (what a revocation is compared with). */
  issuedAt: z.string(),
  expiresAt: z.string().optional(),
  /** The key that signed it (the account's or a signing key). */
  signedBy: z.string(),
  /** The export's revocations cover it (its importer or `*`, at or after its issue time). */
  revoked: z.boolean(),
  expired: z.boolean(),
});
export type IssuedActivation = z.output<typeof IssuedActivationSchema>;

/** Sets the operator's `strict_signing_key_usage` (the operator JWT is re-signed by its own key). */
export const StrictSigningRequestSchema = z.object({
  strict: z.boolean({ error: 'true or false' }),
  /** Re-sign and push the accounts the operator's own key signed (with a signing key), so they keep working under strict usage. */
  push: z.boolean().default(true),
  ...signer,
});
export type StrictSigningRequest = z.input<typeof StrictSigningRequestSchema>;

/** What deleting an account does on the running server. */
export const DeleteAccountRequestSchema = z
  .object({
    /** `delete`: $SYS.REQ.CLAIMS.DELETE (a full resolver with allow_delete); `revoke-users`: re-sign with every user revoked and push; `keep`: the server is not changed. */
    server: z.enum(['delete', 'revoke-users', 'keep']).default('delete'),
    ...signer,
  })
  .default({ server: 'delete' });
export type DeleteAccountRequest = z.input<typeof DeleteAccountRequestSchema>;

/** A new account signing key; with a `role` it is scoped: users it signs get `template`'s permissions. */
export const AddAccountSigningKeyRequestSchema = z.object({
  role: z.string().trim().min(1, 'a role name').max(64).optional(),
  template: UserPermissionLimitsSchema.prefault({}),
  storeSeed: z.boolean().default(true),
  push: z.boolean().default(true),
  ...signer,
});
export type AddAccountSigningKeyRequest = z.input<typeof AddAccountSigningKeyRequestSchema>;

export const SignerOnlyRequestSchema = z.object({ ...signer, push: z.boolean().default(true) }).default({ push: true });
export type SignerOnlyRequest = z.input<typeof SignerOnlyRequestSchema>;

/** A new operator signing key (the operator JWT is re-signed with the operator's own seed). */
export const AddOperatorSigningKeyRequestSchema = z.object({ storeSeed: z.boolean().default(true), ...signer }).default({ storeSeed: true });
export type AddOperatorSigningKeyRequest = z.input<typeof AddOperatorSigningKeyRequestSchema>;

export const SigningKeyParamsSchema = z.object({ key: OperatorKeySchema });
export const AccountSigningKeyParamsSchema = z.object({ account: AccountKeySchema, key: AccountKeySchema });

export const OperatorAccountParamsSchema = z.object({ account: AccountKeySchema });
export const OperatorUserParamsSchema = z.object({ account: AccountKeySchema, user: UserKeySchema });

// ---- responses -------------------------------------------------------------------------------

export const OperatorViewSchema = z.object({
  name: z.string(),
  publicKey: z.string(),
  jwt: z.string(),
  signingKeys: z.array(z.string()),
  /** Its keys that sign accounts: the identity and each signing key, whether the console holds the seed, whether the running server trusts it. */
  signers: z.array(z.object({ key: z.string(), identity: z.boolean(), seedStored: z.boolean(), trusted: z.boolean(), accounts: z.number().int() })),
  /** The server's operator JWT differs from this one (a signing key was added or removed here): save it to the server config and restart. */
  serverJwtOutdated: z.boolean(),
  systemAccount: z.string().optional(),
  /** The console holds a seed that signs for it (identity or a signing key). */
  canSign: z.boolean(),
  /** The running server trusts this operator. */
  trusted: z.boolean(),
  /** `strict_signing_key_usage`: only signing keys sign accounts, never the operator's own key. */
  strictSigning: z.boolean(),
});
export type OperatorView = z.output<typeof OperatorViewSchema>;

export const ManagedUserSchema = z.object({
  publicKey: z.string(),
  name: z.string(),
  account: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string().optional(),
  revokedAt: z.string().optional(),
  /** The seed is stored: the creds can be downloaded again. */
  credsAvailable: z.boolean(),
  pubAllow: z.array(z.string()),
  subAllow: z.array(z.string()),
  /** The key that signed it (the account's, or a signing key). */
  issuer: z.string(),
  /** The role of the scoped signing key that signed it: its permissions come from that scope. */
  scopedRole: z.string().optional(),
  /** Everything the JWT says (not for scoped users: the scope decides). */
  limits: UserPermissionLimitsSchema.omit({ pubAllow: true, subAllow: true }),
  tags: z.array(z.string()),
});
export type ManagedUser = z.output<typeof ManagedUserSchema>;

/** An export as the console shows it: its revocations and the activation tokens issued for it here. */
export const ManagedExportSchema = OperatorExportSchema.extend({
  /** Importing account (or `*`) → revoked as of (ISO time): tokens issued at or before it no longer work. */
  revocations: z.array(z.object({ importer: z.string(), at: z.string() })),
  activations: z.array(IssuedActivationSchema),
});
export type ManagedExport = z.output<typeof ManagedExportSchema>;

export const ManagedAccountSchema = z.object({
  publicKey: z.string(),
  name: z.string(),
  jwt: z.string(),
  limits: OperatorAccountLimitsSchema,
  exports: z.array(ManagedExportSchema),
  imports: z.array(OperatorImportSchema),
  revocations: z.array(z.object({ user: z.string(), at: z.string() })),
  signingKeys: z.array(
    z.object({
      key: z.string(),
      /** Scoped: users it signs get the template's permissions, whatever their JWT says. */
      role: z.string().optional(),
      template: UserPermissionLimitsSchema.optional(),
      seedStored: z.boolean(),
    }),
  ),
  /** The operator key that signed this JWT. */
  signedBy: z.string(),
  /** The console holds a seed that signs its users. */
  canIssue: z.boolean(),
  /** The running server's resolver holds this very JWT. */
  onServer: z.boolean(),
  pushedAt: z.string().optional(),
  system: z.boolean(),
  users: z.array(ManagedUserSchema),
});
export type ManagedAccount = z.output<typeof ManagedAccountSchema>;

export const ServerOperatorSchema = z.object({
  operatorMode: z.boolean(),
  operators: z.array(z.object({ name: z.string(), publicKey: z.string(), signingKeys: z.array(z.string()), jwt: z.string() })),
  systemAccount: z.string().optional(),
  resolver: z
    .object({
      type: z.enum(['memory', 'full', 'cache', 'url']),
      pushable: z.boolean(),
      how: z.string(),
      /** Accounts can be deleted on the server ($SYS.REQ.CLAIMS.DELETE: a full resolver with allow_delete). */
      deletable: z.boolean(),
      deleteHow: z.string(),
    })
    .optional(),
  /** Accounts the resolver holds. */
  accounts: z.array(z.object({ publicKey: z.string(), name: z.string(), jwt: z.string(), managed: z.boolean() })),
});
export type ServerOperator = z.output<typeof ServerOperatorSchema>;

export const OperatorStateSchema = z.object({
  server: ServerOperatorSchema,
  operator: OperatorViewSchema.nullable(),
  accounts: z.array(ManagedAccountSchema),
});
export type OperatorState = z.output<typeof OperatorStateSchema>;

/** A new seed, in the one response that shows it. */
export const ShownSeedSchema = z.object({ kind: z.enum(['operator', 'operator signing key', 'account', 'account signing key', 'system account']), name: z.string(), publicKey: z.string(), seed: z.string() });
export type ShownSeed = z.output<typeof ShownSeedSchema>;

export const PushResultSchema = z.object({
  ok: z.boolean(),
  /** `claims-update`: $SYS.REQ.CLAIMS.UPDATE (full/cache resolver); `config`: resolver_preload written and reloaded (MEMORY); `memory`: the MEMORY resolver updated live (no config file: lost at a restart); `none`: not pushed. */
  via: z.enum(['claims-update', 'claims-delete', 'config', 'memory', 'none']),
  message: z.string(),
  revision: z.string().optional(),
});
export type PushResult = z.output<typeof PushResultSchema>;

export const CreateOperatorResponseSchema = z.object({
  operator: OperatorViewSchema,
  seeds: z.array(ShownSeedSchema),
  /** A server config for this operator, to save and start with `switchboard -c`. */
  config: z.string(),
});
export type CreateOperatorResponse = z.output<typeof CreateOperatorResponseSchema>;

export const OperatorAccountWriteResponseSchema = z.object({ account: ManagedAccountSchema, seeds: z.array(ShownSeedSchema), push: PushResultSchema.optional() });
export type OperatorAccountWriteResponse = z.output<typeof OperatorAccountWriteResponseSchema>;

export const IssueUserResponseSchema = z.object({ user: ManagedUserSchema, creds: z.string(), fileName: z.string() });
export type IssueUserResponse = z.output<typeof IssueUserResponseSchema>;

export const DeleteAccountResponseSchema = z.object({ deleted: z.string(), name: z.string(), server: PushResultSchema });
export type DeleteAccountResponse = z.output<typeof DeleteAccountResponseSchema>;

export const OperatorSigningKeyResponseSchema = z.object({
  operator: OperatorViewSchema,
  seeds: z.array(ShownSeedSchema),
  /** Accounts re-signed (a removed key signed them) and how each push went. */
  resigned: z.array(z.object({ name: z.string(), publicKey: z.string(), push: PushResultSchema })),
  /** What to do for the server to trust the change. */
  notice: z.string(),
});
export type OperatorSigningKeyResponse = z.output<typeof OperatorSigningKeyResponseSchema>;
