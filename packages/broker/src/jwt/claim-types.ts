/**
 * The typed claims of NATS JWTs as `claims.ts` decodes them: field names follow the JWT's JSON,
 * camel-cased; values are Go's (absent number = 0, absent list = undefined).
 */
/** The registered claims every NATS JWT has (`ClaimsData`). Numbers are unix seconds. */
export interface ClaimsData {
  aud: string;
  exp: number;
  jti: string;
  iat: number;
  iss: string;
  name: string;
  nbf: number;
  sub: string;
}

/** `allow`/`deny` lists; `undefined` is Go's nil, `[]` an empty (but present) list. */
export interface Permission {
  allow?: string[];
  deny?: string[];
}
/** `resp`: `ttl` in nanoseconds (a Go `time.Duration`). */
export interface ResponsePermissionClaim {
  max: number;
  ttl: number;
}
export interface PermissionsClaim {
  pub: Permission;
  sub: Permission;
  resp?: ResponsePermissionClaim;
}
export interface TimeRange {
  start: string;
  end: string;
}
/** User permissions and limits (`UserPermissionLimits`): also the template of a scoped key. */
export interface UserPermissionLimits extends PermissionsClaim {
  src?: string[];
  times?: TimeRange[];
  timesLocation: string;
  subs: number;
  data: number;
  payload: number;
  bearerToken: boolean;
  allowedConnectionTypes?: string[];
}

export interface UserScope {
  kind: 'user_scope';
  key: string;
  role: string;
  template: UserPermissionLimits;
}

export type ExportType = 'stream' | 'service' | '';

export interface ImportClaim {
  name: string;
  subject: string;
  account: string;
  token: string;
  to: string;
  localSubject: string;
  type: ExportType;
  share: boolean;
}

export interface ExportClaim {
  name: string;
  subject: string;
  type: ExportType;
  tokenReq: boolean;
  revocations?: Record<string, number>;
  /** `Singleton` | `Stream` | `Chunked` (or anything else, which validation refuses); '' = Singleton. */
  responseType: string;
  /** Nanoseconds. */
  responseThreshold: number;
  /** `sampling` 0 means "headers". */
  latency?: { sampling: number; results: string };
  accountTokenPosition: number;
  advertise: boolean;
  description: string;
  infoUrl: string;
}

export interface JetStreamLimitsClaim {
  memStorage: number;
  diskStorage: number;
  streams: number;
  consumer: number;
  maxAckPending: number;
  memMaxStreamBytes: number;
  diskMaxStreamBytes: number;
  maxBytesRequired: boolean;
}

/** Account limits as the operator set them: -1 unlimited, 0 (also when absent) none. */
export interface OperatorLimitsClaim extends JetStreamLimitsClaim {
  subs: number;
  data: number;
  payload: number;
  imports: number;
  exports: number;
  wildcards: boolean;
  disallowBearer: boolean;
  conn: number;
  leaf: number;
  tieredLimits?: Record<string, JetStreamLimitsClaim>;
}

export interface WeightedMappingClaim {
  subject: string;
  weight: number;
  cluster: string;
}

export interface OperatorNats {
  signingKeys: string[];
  accountServerUrl: string;
  operatorServiceUrls: string[];
  systemAccount: string;
  assertServerVersion: string;
  strictSigningKeyUsage: boolean;
  tags?: string[];
}

export interface AccountNats {
  imports: (ImportClaim | null)[];
  exports: (ExportClaim | null)[];
  limits: OperatorLimitsClaim;
  /** Signing keys: `null` for a plain key, the scope for a scoped (`user_scope`) key. */
  signingKeys: Map<string, UserScope | null>;
  revocations?: Record<string, number>;
  defaultPermissions: PermissionsClaim;
  mappings: Record<string, WeightedMappingClaim[]>;
  description: string;
  infoUrl: string;
  tags?: string[];
}

export interface UserNats extends UserPermissionLimits {
  issuerAccount: string;
  tags?: string[];
  /** jwt `HasEmptyPermissions`: nothing at all set in the permissions and limits (scoped users). */
  emptyPermissions: boolean;
}

export interface ActivationNats {
  subject: string;
  kind: ExportType;
  issuerAccount: string;
  tags?: string[];
}

export type ClaimKind = 'operator' | 'account' | 'user' | 'activation' | 'generic';

export interface Claims<K extends ClaimKind, N> extends ClaimsData {
  kind: K;
  /** 1 or 2 (generic claims: -1, as the Go library reports them). */
  version: number;
  /** The token exactly as decoded. */
  jwt: string;
  nats: N;
}
export type OperatorClaims = Claims<'operator', OperatorNats>;
export type AccountClaims = Claims<'account', AccountNats>;
export type UserClaims = Claims<'user', UserNats>;
export type ActivationClaims = Claims<'activation', ActivationNats>;
export type GenericClaims = Claims<'generic', Record<string, unknown>> & { type: string };
export type AnyClaims = OperatorClaims | AccountClaims | UserClaims | ActivationClaims | GenericClaims;
