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


export const IssueUserRequestSchema = z.object({
  name: Name,
  pubAllow: z.array(Subject).default([]),
  pubDeny: z.array(Subject).default([]),
  subAllow: z.array(Subject).default([]),
  subDeny: z.array(Subject).default([]),
  subs: Limit.default(-1),
  payload: Limit.default(-1),
  data: Limit.default(-1),
  bearer: z.boolean().default(false),
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

export const OperatorAccountParamsSchema = z.object({ account: AccountKeySchema });
export const OperatorUserParamsSchema = z.object({ account: AccountKeySchema, user: UserKeySchema });

// ---- responses -------------------------------------------------------------------------------

export const OperatorViewSchema = z.object({
  name: z.string(),
  publicKey: z.string(),
  jwt: z.string(),
  signingKeys: z.array(z.string()),
  systemAccount: z.string().optional(),
  /** The console holds a seed that signs for it (identity or a signing key). */
  canSign: z.boolean(),
  /** The running server trusts this operator. */
  trusted: z.boolean(),
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
});
export type ManagedUser = z.output<typeof ManagedUserSchema>;

export const ManagedAccountSchema = z.object({
  publicKey: z.string(),
  name: z.string(),
  jwt: z.string(),
  limits: OperatorAccountLimitsSchema,
  exports: z.array(OperatorExportSchema),
  imports: z.array(OperatorImportSchema),
  revocations: z.array(z.object({ user: z.string(), at: z.string() })),
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
  resolver: z.object({ type: z.enum(['memory', 'full', 'cache', 'url']), pushable: z.boolean(), how: z.string() }).optional(),
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
export const ShownSeedSchema = z.object({ kind: z.enum(['operator', 'operator signing key', 'account', 'system account']), name: z.string(), publicKey: z.string(), seed: z.string() });
export type ShownSeed = z.output<typeof ShownSeedSchema>;

export const PushResultSchema = z.object({
  ok: z.boolean(),
  /** `claims-update`: $SYS.REQ.CLAIMS.UPDATE (full/cache resolver); `config`: resolver_preload written and reloaded (MEMORY); `memory`: the MEMORY resolver updated live (no config file: lost at a restart); `none`: not pushed. */
  via: z.enum(['claims-update', 'config', 'memory', 'none']),
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
