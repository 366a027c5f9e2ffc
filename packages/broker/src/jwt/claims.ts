/**
 * Decoding NATS JWTs the way nats-server 2.9.10 does (github.com/nats-io/jwt/v2 `Decode`):
 * three base64url chunks, a `JWT`/`ed25519(-nkey)` header, the claim kind and version read from
 * the payload (v1: top-level `type`; v2: `nats.type` + `nats.version`), the ed25519 signature
 * checked with the issuer's nkey (v1 signs the payload chunk, v2 signs `header.payload`), and
 * the issuer's key prefix checked for the claim kind. The payload is then read into typed,
 * defaulted structures with Go's zero values (absent number = 0, absent list = undefined), and
 * v1 claims are migrated as the jwt library migrates them.
 *
 * Encoding is never done here: JWTs are made with @nats-io/jwt. Signatures are verified with
 * @nats-io/nkeys.
 */
import { fromPublic } from '@nats-io/nkeys';
import type {
  AccountClaims,
  AccountNats,
  ActivationClaims,
  ActivationNats,
  AnyClaims,
  ClaimKind,
  ClaimsData,
  ExportClaim,
  ExportType,
  GenericClaims,
  ImportClaim,
  JetStreamLimitsClaim,
  OperatorClaims,
  OperatorLimitsClaim,
  OperatorNats,
  Permission,
  PermissionsClaim,
  TimeRange,
  UserClaims,
  UserNats,
  UserPermissionLimits,
  UserScope,
  WeightedMappingClaim,
} from './claim-types.js';

export type * from './claim-types.js';

export class JwtDecodeError extends Error {}

// ---------------------------------------------------------------------------------------------
// base64url and JSON reading with Go's strictness

/** Go `base64.RawURLEncoding.DecodeString`: URL alphabet, no padding. */
export function decodeRawUrlBase64(s: string): Buffer {
  const bad = /[^A-Za-z0-9_-]/.exec(s);
  if (bad) throw new JwtDecodeError(`illegal base64 data at input byte ${bad.index}`);
  if (s.length % 4 === 1) throw new JwtDecodeError(`illegal base64 data at input byte ${s.length - 1}`);
  return Buffer.from(s, 'base64url');
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const jsonType = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;

/** Reads one JSON object with Go struct semantics: null/absent → zero value, wrong type → error. */
class Reader {
  constructor(
    readonly o: Obj,
    readonly where: string,
  ) {}
  private fail(key: string, v: unknown, goType: string): never {
    throw new JwtDecodeError(`json: cannot unmarshal ${jsonType(v)} into Go struct field ${this.where}.${key} of type ${goType}`);
  }
  has(key: string): boolean {
    return this.o[key] !== undefined && this.o[key] !== null;
  }
  str(key: string): string {
    const v = this.o[key];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') this.fail(key, v, 'string');
    return v;
  }
  int(key: string, dflt = 0, goType = 'int64'): number {
    const v = this.o[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number') this.fail(key, v, goType);
    if (!Number.isInteger(v)) throw new JwtDecodeError(`json: cannot unmarshal number ${v} into Go struct field ${this.where}.${key} of type ${goType}`);
    if (goType.startsWith('uint') && v < 0) throw new JwtDecodeError(`json: cannot unmarshal number ${v} into Go struct field ${this.where}.${key} of type ${goType}`);
    return v;
  }
  bool(key: string): boolean {
    const v = this.o[key];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') this.fail(key, v, 'bool');
    return v;
  }
  strList(key: string): string[] | undefined {
    const v = this.o[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) this.fail(key, v, '[]string');
    return v.map((x) => {
      if (typeof x !== 'string') this.fail(key, x, 'string');
      return x;
    });
  }
  obj(key: string, goType: string): Reader {
    const v = this.o[key];
    if (v === undefined || v === null) return new Reader({}, goType);
    if (!isObj(v)) this.fail(key, v, goType);
    return new Reader(v, goType);
  }
  optObj(key: string, goType: string): Reader | undefined {
    const v = this.o[key];
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) this.fail(key, v, goType);
    return new Reader(v, goType);
  }
  array(key: string, goType: string): unknown[] | undefined {
    const v = this.o[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) this.fail(key, v, goType);
    return v;
  }
  revocations(key: string): Record<string, number> | undefined {
    const v = this.o[key];
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) this.fail(key, v, 'jwt.RevocationList');
    const out: Record<string, number> = {};
    for (const [k, t] of Object.entries(v)) {
      if (typeof t !== 'number' || !Number.isInteger(t)) this.fail(key, t, 'int64');
      out[k] = t;
    }
    return out;
  }
  exportType(key: string): ExportType {
    const v = this.o[key];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') this.fail(key, v, 'jwt.ExportType');
    if (v !== 'stream' && v !== 'service') throw new JwtDecodeError(`unknown export type "${v}"`);
    return v;
  }
}

function readPermission(r: Reader, key: string): Permission {
  const p = r.obj(key, 'jwt.Permission');
  const out: Permission = {};
  const allow = p.strList('allow');
  const deny = p.strList('deny');
  if (allow) out.allow = allow;
  if (deny) out.deny = deny;
  return out;
}

function readPermissions(r: Reader): PermissionsClaim {
  const out: PermissionsClaim = { pub: readPermission(r, 'pub'), sub: readPermission(r, 'sub') };
  const resp = r.optObj('resp', 'jwt.ResponsePermission');
  if (resp) out.resp = { max: resp.int('max', 0, 'int'), ttl: resp.int('ttl', 0, 'time.Duration') };
  return out;
}

/** jwt `CIDRList.UnmarshalJSON`: an array as is, or a comma-separated string (lower-cased, trimmed, de-duplicated). */
function readCidrList(r: Reader, key: string): string[] | undefined {
  const v = r.o[key];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return r.strList(key);
  if (typeof v === 'string') {
    const out: string[] = [];
    for (const part of v.toLowerCase().split(',')) {
      const t = part.trim().toLowerCase();
      if (t !== '' && !out.includes(t)) out.push(t);
    }
    return out;
  }
  throw new JwtDecodeError(`json: cannot unmarshal ${jsonType(v)} into Go value of type []string`);
}

function readTimes(r: Reader): TimeRange[] | undefined {
  const list = r.array('times', '[]jwt.TimeRange');
  if (!list) return undefined;
  return list.map((t) => {
    if (t === null) return { start: '', end: '' };
    if (!isObj(t)) throw new JwtDecodeError(`json: cannot unmarshal ${jsonType(t)} into Go struct field Limits.times of type jwt.TimeRange`);
    const tr = new Reader(t, 'TimeRange');
    return { start: tr.str('start'), end: tr.str('end') };
  });
}

/** `UserPermissionLimits` from an object; `natsDefault` is the NatsLimits default (v2 user: 0; v1 and templates: -1). */
function readUserPermissionLimits(r: Reader, natsDefault: number): UserPermissionLimits {
  const out: UserPermissionLimits = {
    ...readPermissions(r),
    timesLocation: r.str('times_location'),
    subs: r.int('subs', natsDefault),
    data: r.int('data', natsDefault),
    payload: r.int('payload', natsDefault),
    bearerToken: r.bool('bearer_token'),
  };
  const src = readCidrList(r, 'src');
  if (src) out.src = src;
  const times = readTimes(r);
  if (times) out.times = times;
  const act = r.strList('allowed_connection_types');
  if (act) out.allowedConnectionTypes = act;
  return out;
}

/** jwt `UserClaims.HasEmptyPermissions` (a reflect.DeepEqual against the zero value). */
function permissionsAreEmpty(u: UserPermissionLimits): boolean {
  const emptyPerm = (p: Permission): boolean => p.allow === undefined && p.deny === undefined;
  return (
    emptyPerm(u.pub) &&
    emptyPerm(u.sub) &&
    u.resp === undefined &&
    u.src === undefined &&
    u.times === undefined &&
    u.timesLocation === '' &&
    u.subs === 0 &&
    u.data === 0 &&
    u.payload === 0 &&
    !u.bearerToken &&
    u.allowedConnectionTypes === undefined
  );
}

function readJsLimits(r: Reader): JetStreamLimitsClaim {
  return {
    memStorage: r.int('mem_storage'),
    diskStorage: r.int('disk_storage'),
    streams: r.int('streams'),
    consumer: r.int('consumer'),
    maxAckPending: r.int('max_ack_pending'),
    memMaxStreamBytes: r.int('mem_max_stream_bytes'),
    diskMaxStreamBytes: r.int('disk_max_stream_bytes'),
    maxBytesRequired: r.bool('max_bytes_required'),
  };
}

function readLimits(r: Reader): OperatorLimitsClaim {
  const out: OperatorLimitsClaim = {
    subs: r.int('subs'),
    data: r.int('data'),
    payload: r.int('payload'),
    imports: r.int('imports'),
    exports: r.int('exports'),
    wildcards: r.bool('wildcards'),
    disallowBearer: r.bool('disallow_bearer'),
    conn: r.int('conn'),
    leaf: r.int('leaf'),
    ...readJsLimits(r),
  };
  const tiered = r.optObj('tiered_limits', 'jwt.JetStreamTieredLimits');
  if (tiered) {
    out.tieredLimits = {};
    for (const [tier, v] of Object.entries(tiered.o)) {
      out.tieredLimits[tier] = readJsLimits(new Reader(isObj(v) ? v : {}, 'JetStreamLimits'));
    }
    // A v2 account with tiered limits drops the flat JetStream limits (decoder_account.go).
    if (Object.keys(out.tieredLimits).length > 0) Object.assign(out, readJsLimits(new Reader({}, '')));
  }
  return out;
}

function readImport(v: unknown): ImportClaim | null {
  if (v === null) return null;
  if (!isObj(v)) throw new JwtDecodeError(`json: cannot unmarshal ${jsonType(v)} into Go value of type jwt.Import`);
  const r = new Reader(v, 'Import');
  return {
    name: r.str('name'),
    subject: r.str('subject'),
    account: r.str('account'),
    token: r.str('token'),
    to: r.str('to'),
    localSubject: r.str('local_subject'),
    type: r.exportType('type'),
    share: r.bool('share'),
  };
}

function readExport(v: unknown): ExportClaim | null {
  if (v === null) return null;
  if (!isObj(v)) throw new JwtDecodeError(`json: cannot unmarshal ${jsonType(v)} into Go value of type jwt.Export`);
  const r = new Reader(v, 'Export');
  const out: ExportClaim = {
    name: r.str('name'),
    subject: r.str('subject'),
    type: r.exportType('type'),
    tokenReq: r.bool('token_req'),
    responseType: r.str('response_type'),
    responseThreshold: r.int('response_threshold', 0, 'time.Duration'),
    accountTokenPosition: r.int('account_token_position', 0, 'uint'),
    advertise: r.bool('advertise'),
    description: r.str('description'),
    infoUrl: r.str('info_url'),
  };
  const rev = r.revocations('revocations');
  if (rev) out.revocations = rev;
  const lat = r.optObj('service_latency', 'jwt.ServiceLatency');
  if (lat) {
    const s = lat.o.sampling;
    let sampling = 0;
    if (typeof s === 'string' && s.toLowerCase() === 'headers') sampling = 0;
    else if (typeof s === 'number' && Number.isInteger(s)) sampling = s;
    else if (s !== undefined && s !== null) throw new JwtDecodeError(`json: cannot unmarshal ${jsonType(s)} into Go value of type int`);
    out.latency = { sampling, results: lat.str('results') };
  }
  return out;
}

/** jwt `SigningKeys.UnmarshalJSON`: strings are plain keys, `{kind: "user_scope", …}` scoped keys. */
function readSigningKeys(r: Reader, key: string): Map<string, UserScope | null> {
  const out = new Map<string, UserScope | null>();
  const list = r.array(key, 'jwt.SigningKeys');
  for (const item of list ?? []) {
    if (typeof item === 'string') out.set(item, null);
    else if (isObj(item)) {
      if (item.kind !== 'user_scope') throw new JwtDecodeError(`unknown signing key scope %!q(<nil>)`);
      const s = new Reader(item, 'UserScope');
      const template = readUserPermissionLimits(s.obj('template', 'jwt.UserPermissionLimits'), -1);
      out.set(s.str('key'), { kind: 'user_scope', key: s.str('key'), role: s.str('role'), template });
    }
    // Other JSON values are skipped, as the Go type switch skips them.
  }
  return out;
}

function readMappings(r: Reader): Record<string, WeightedMappingClaim[]> {
  const m = r.optObj('mappings', 'jwt.Mapping');
  const out: Record<string, WeightedMappingClaim[]> = {};
  if (!m) return out;
  for (const [from, list] of Object.entries(m.o)) {
    if (list === null) {
      out[from] = [];
      continue;
    }
    if (!Array.isArray(list)) throw new JwtDecodeError(`json: cannot unmarshal ${jsonType(list)} into Go value of type []jwt.WeightedMapping`);
    out[from] = list.map((w) => {
      const wr = new Reader(isObj(w) ? w : {}, 'WeightedMapping');
      const weight = wr.int('weight', 0, 'uint8');
      if (weight > 255) throw new JwtDecodeError(`json: cannot unmarshal number ${weight} into Go struct field WeightedMapping.weight of type uint8`);
      return { subject: wr.str('subject'), weight, cluster: wr.str('cluster') };
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decode

const PREFIX_NAMES: Record<string, string> = { A: 'account', O: 'operator', U: 'user' };
const EXPECTED_PREFIXES: Record<ClaimKind, string[] | undefined> = {
  operator: ['O'],
  account: ['A', 'O'],
  user: ['A'],
  activation: ['A', 'O'],
  generic: undefined,
};

/** Whether `key` is a valid public nkey with the given prefix letter (O, A, U, N, C). */
export function isValidPublicKey(key: unknown, prefix?: string): key is string {
  if (typeof key !== 'string' || key.length !== 56) return false;
  if (prefix !== undefined && key[0] !== prefix) return false;
  try {
    fromPublic(key);
    return true;
  } catch {
    return false;
  }
}

function verifySignature(issuer: string, payload: string, sig: Buffer): boolean {
  try {
    return fromPublic(issuer).verify(new TextEncoder().encode(payload), new Uint8Array(sig));
  } catch {
    return false;
  }
}

function parseJsonObject(buf: Buffer): Obj {
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw new JwtDecodeError((e as Error).message);
  }
  if (!isObj(v)) throw new JwtDecodeError(`json: cannot unmarshal ${jsonType(v)} into Go value of type jwt.identifier`);
  return v;
}

function readClaimsData(r: Reader): ClaimsData {
  return {
    aud: r.str('aud'),
    exp: r.int('exp'),
    jti: r.str('jti'),
    iat: r.int('iat'),
    iss: r.str('iss'),
    name: r.str('name'),
    nbf: r.int('nbf'),
    sub: r.str('sub'),
  };
}

function parseHeader(chunk: string): { typ: string; alg: string } {
  const h = new Reader(parseJsonObject(decodeRawUrlBase64(chunk)), 'Header');
  const typ = h.str('typ');
  const alg = h.str('alg');
  if (typ.toUpperCase() !== 'JWT') throw new JwtDecodeError(`not supported type "${typ}"`);
  const a = alg.toLowerCase();
  if (a !== 'ed25519' && a !== 'ed25519-nkey') throw new JwtDecodeError(`unexpected "${alg}" algorithm`);
  return { typ, alg };
}

/**
 * Decodes and verifies any NATS JWT (jwt `Decode`). Throws `JwtDecodeError` with the Go
 * library's message when the token is malformed, badly signed or signed by the wrong kind of key.
 */
export function decodeJwt(token: string): AnyClaims {
  const chunks = token.split('.');
  if (chunks.length !== 3) throw new JwtDecodeError('expected 3 chunks');
  parseHeader(chunks[0]!);
  const payload = parseJsonObject(decodeRawUrlBase64(chunks[1]!));
  const top = new Reader(payload, 'ClaimsData');
  const nats = top.obj('nats', 'jwt.GenericFields');
  const topType = top.str('type');
  const kindText = topType !== '' ? topType : nats.str('type');
  const version = topType !== '' ? 1 : nats.int('version', 0, 'int');
  if (version > 2) throw new JwtDecodeError('JWT was generated by a newer version ');
  const known = kindText === 'operator' || kindText === 'account' || kindText === 'user' || kindText === 'activation';
  if (kindText === 'cluster') throw new JwtDecodeError('ClusterClaims are not supported');
  if (kindText === 'server') throw new JwtDecodeError('ServerClaims are not supported');
  if (known && version !== 1 && version !== 2) throw new JwtDecodeError(`library supports version 2 or less - received ${version}`);
  const data = readClaimsData(top);
  const claims = known ? buildClaims(kindText, version, data, top, nats, token) : buildGeneric(data, payload, token, kindText);
  const sig = decodeRawUrlBase64(chunks[2]!);
  const signed = claims.version <= 1 ? chunks[1]! : `${chunks[0]}.${chunks[1]}`;
  if (!verifySignature(data.iss, signed, sig)) {
    throw new JwtDecodeError(`claim failed V${claims.version <= 1 ? 1 : 2} signature verification`);
  }
  const expected = EXPECTED_PREFIXES[claims.kind];
  if (expected && !expected.some((p) => isValidPublicKey(data.iss, p))) {
    throw new JwtDecodeError(`unable to validate expected prefixes - [${expected.map((p) => PREFIX_NAMES[p]).join(' ')}]`);
  }
  return claims;
}

function buildGeneric(data: ClaimsData, payload: Obj, token: string, type: string): GenericClaims {
  const nats = isObj(payload.nats) ? payload.nats : {};
  return { ...data, kind: 'generic', version: -1, jwt: token, nats, type };
}

function buildClaims(kind: string, version: number, data: ClaimsData, top: Reader, nats: Reader, token: string): AnyClaims {
  const v1 = version === 1;
  const tags = v1 ? top.strList('tags') : nats.strList('tags');
  const withTags = <T extends object>(o: T): T & { tags?: string[] } => (tags ? { ...o, tags } : o);
  switch (kind) {
    case 'operator': {
      const op: OperatorNats = withTags({
        signingKeys: nats.strList('signing_keys') ?? [],
        accountServerUrl: nats.str('account_server_url'),
        operatorServiceUrls: nats.strList('operator_service_urls') ?? [],
        systemAccount: nats.str('system_account'),
        assertServerVersion: v1 ? '' : nats.str('assert_server_version'),
        strictSigningKeyUsage: v1 ? false : nats.bool('strict_signing_key_usage'),
      });
      return { ...data, kind: 'operator', version, jwt: token, nats: op };
    }
    case 'account': {
      const limits = readLimits(nats.obj('limits', 'jwt.OperatorLimits'));
      if (v1) {
        // v1 accounts carry no JetStream limits (migrateV1 resets them).
        Object.assign(limits, readJsLimits(new Reader({}, '')));
        delete limits.tieredLimits;
      }
      const signingKeys = v1
        ? new Map((nats.strList('signing_keys') ?? []).filter((k) => k !== '').map((k): [string, null] => [k, null]))
        : readSigningKeys(nats, 'signing_keys');
      const acc: AccountNats = withTags({
        imports: (nats.array('imports', 'jwt.Imports') ?? []).map(readImport),
        exports: (nats.array('exports', 'jwt.Exports') ?? []).map(readExport),
        limits,
        signingKeys,
        defaultPermissions: v1 ? { pub: {}, sub: {} } : readPermissions(nats.obj('default_permissions', 'jwt.Permissions')),
        mappings: v1 ? {} : readMappings(nats),
        description: nats.str('description'),
        infoUrl: nats.str('info_url'),
      });
      const rev = nats.revocations('revocations');
      if (rev) acc.revocations = rev;
      return { ...data, kind: 'account', version, jwt: token, nats: acc };
    }
    case 'user': {
      const upl = readUserPermissionLimits(nats, v1 ? -1 : 0);
      const user: UserNats = withTags({
        ...upl,
        issuerAccount: v1 ? top.str('issuer_account') : nats.str('issuer_account'),
        emptyPermissions: permissionsAreEmpty(upl),
      });
      if (v1) delete user.allowedConnectionTypes;
      return { ...data, kind: 'user', version, jwt: token, nats: user };
    }
    default: {
      const act: ActivationNats = withTags({
        subject: nats.str('subject'),
        kind: v1 ? nats.exportType('type') : nats.exportType('kind'),
        issuerAccount: v1 ? top.str('issuer_account') : nats.str('issuer_account'),
      });
      return { ...data, kind: 'activation', version, jwt: token, nats: act };
    }
  }
}

function decodeAs<K extends ClaimKind>(token: string, kind: K, notMsg: string): Extract<AnyClaims, { kind: K }> {
  const c = decodeJwt(token);
  if (c.kind !== kind) throw new JwtDecodeError(notMsg);
  return c as Extract<AnyClaims, { kind: K }>;
}

export const decodeOperatorJwt = (t: string): OperatorClaims => decodeAs(t, 'operator', 'not operator claim');
export const decodeAccountJwt = (t: string): AccountClaims => decodeAs(t, 'account', 'not account claim');
export const decodeUserJwt = (t: string): UserClaims => decodeAs(t, 'user', 'not user claim');
export const decodeActivationJwt = (t: string): ActivationClaims => decodeAs(t, 'activation', 'not activation claim');

/**
 * jwt `DecodeGeneric`: any claim with its `nats` object kept as plain data; the signature scheme
 * follows the header's algorithm (not the claim version), as in the Go library.
 */
export function decodeGenericJwt(token: string): ClaimsData & { nats: Record<string, unknown>; jwt: string } {
  const chunks = token.split('.');
  if (chunks.length !== 3) throw new JwtDecodeError('expected 3 chunks');
  const header = parseHeader(chunks[0]!);
  const payload = parseJsonObject(decodeRawUrlBase64(chunks[1]!));
  const top = new Reader(payload, 'GenericClaims');
  const data = readClaimsData(top);
  const nats = isObj(payload.nats) ? { ...payload.nats } : {};
  const sig = decodeRawUrlBase64(chunks[2]!);
  const v1 = header.alg === 'ed25519';
  if (!verifySignature(data.iss, v1 ? chunks[1]! : `${chunks[0]}.${chunks[1]}`, sig)) {
    throw new JwtDecodeError(`claim failed V${v1 ? 1 : 2} signature verification`);
  }
  if (v1) {
    if (typeof payload.type === 'string' && payload.type !== '') nats.type = payload.type;
    if (Array.isArray(payload.tags) && payload.tags.length) nats.tags = payload.tags;
  }
  return { ...data, nats, jwt: token };
}
