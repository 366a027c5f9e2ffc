/**
 * Maps a parsed conf tree onto Switchboard's options model (`OptionsInput` from
 * @switchboard/shared), with nats-server 2.9.10's key aliases, value types and checks
 * (`server/opts.go`). Every problem is collected with the position of its key.
 *
 * - Unknown keys are errors (`unknown field "x"`), unless the value was used as a `$variable`.
 * - Blocks Switchboard does not implement (leafnodes, jetstream, websocket, mqtt, …) are kept in
 *   `passthrough` with an `unsupported` warning.
 * - Operator/JWT trust settings are refused: running without the trust they ask for would be
 *   less secure than the file says.
 */
import { fromPublic } from '@nats-io/nkeys';
import type {
  Account,
  AccountLimits,
  Authorization,
  ClusterOptions,
  Export,
  GatewayOptions,
  Import,
  MapDest,
  Mappings,
  OptionsInput,
  Permissions,
  RemoteGateway,
  ResponsePermission,
  SimpleAuthorization,
  SubjectPermission,
  TlsOptions,
  User,
} from '@switchboard/shared';
import { formatDurationMs, parseDurationMs } from './duration.js';
import { toPlain, type ConfEntry, type ConfigError, type ConfMap, type ConfNode, type Pos } from './parser.js';

export interface ConfigWarning extends Pos {
  message: string;
  /**
   * `nats`: nats-server warns too (and `-t` fails on it, as nats-server's does);
   * `unsupported`: accepted, but Switchboard does not implement it yet.
   */
  kind: 'nats' | 'unsupported';
}

export interface MapResult {
  options: OptionsInput;
  errors: ConfigError[];
  warnings: ConfigWarning[];
  /** Position of the key behind each model path (`port`, `cluster.routes`, …). */
  positions: Map<string, Pos>;
}

/** Top-level keys accepted and kept in `passthrough`, with a warning. */
const PASSTHROUGH: Record<string, string> = {
  leaf: 'leafnodes',
  leafnodes: 'leafnodes',
  jetstream: 'jetstream',
  store_dir: 'store_dir',
  storedir: 'store_dir',
  websocket: 'websocket',
  ws: 'websocket',
  mqtt: 'mqtt',
  default_js_domain: 'default_js_domain',
  allow_non_tls: 'allow_non_tls',
};

/** Top-level keys refused: security settings Switchboard does not implement. */
const REFUSED: Record<string, string> = {
  operator: 'operator mode (JWT)',
  operators: 'operator mode (JWT)',
  roots: 'operator mode (JWT)',
  root: 'operator mode (JWT)',
  root_operators: 'operator mode (JWT)',
  root_operator: 'operator mode (JWT)',
  resolver: 'account resolvers (JWT)',
  account_resolver: 'account resolvers (JWT)',
  accounts_resolver: 'account resolvers (JWT)',
  resolver_tls: 'account resolvers (JWT)',
  resolver_preload: 'account resolvers (JWT)',
  resolver_pinned_accounts: 'account resolvers (JWT)',
  trusted: 'trusted operator keys (JWT)',
  trusted_keys: 'trusted operator keys (JWT)',
  ocsp: 'OCSP stapling',
};

/** Options Switchboard parses into the model but does not act on yet. */
export const NOT_YET_IMPLEMENTED: ReadonlySet<string> = new Set([
  'syslog',
  'remote_syslog',
  'prof_port',
  'https',
  'https_port',
  'log_size_limit',
  'logfile_size_limit',
  'server_tags',
]);

const typeName = (n: ConfNode): string =>
  n.type === 'map' ? 'map' : n.type === 'array' ? 'array' : n.type === 'bool' ? 'boolean' : n.type;

/** Mapping state: errors, warnings, positions. */
class Mapper {
  errors: ConfigError[] = [];
  warnings: ConfigWarning[] = [];
  positions = new Map<string, Pos>();

  error(pos: Pos, message: string): void {
    this.errors.push({ ...pos, message });
  }
  warn(pos: Pos, message: string, kind: ConfigWarning['kind'] = 'unsupported'): void {
    this.warnings.push({ ...pos, message, kind });
  }
  unknown(e: ConfEntry, message = `unknown field "${e.key}"`): void {
    if (!e.value.usedVariable) this.error(e.keyPos, message);
  }
  at(path: string, e: ConfEntry): void {
    this.positions.set(path, e.keyPos);
  }

  // -- typed readers; each reports a wrong type at the key and returns undefined ---------------

  str(e: ConfEntry): string | undefined {
    if (e.value.type === 'string') return e.value.value as string;
    this.error(e.keyPos, `"${e.key}" must be a string, got ${typeName(e.value)}`);
    return undefined;
  }
  int(e: ConfEntry): number | undefined {
    if (e.value.type === 'integer') return e.value.value as number;
    this.error(e.keyPos, `"${e.key}" must be an integer, got ${typeName(e.value)}`);
    return undefined;
  }
  bool(e: ConfEntry): boolean | undefined {
    if (e.value.type === 'bool') return e.value.value as boolean;
    this.error(e.keyPos, `"${e.key}" must be a boolean, got ${typeName(e.value)}`);
    return undefined;
  }
  num(e: ConfEntry): number | undefined {
    if (e.value.type === 'integer' || e.value.type === 'float') return e.value.value as number;
    this.error(e.keyPos, `"${e.key}" must be a number, got ${typeName(e.value)}`);
    return undefined;
  }
  map(e: ConfEntry, what = e.key): ConfMap | undefined {
    if (e.value.type === 'map') return e.value;
    this.error(e.keyPos, `Expected map to define ${what}, got ${typeName(e.value)}`);
    return undefined;
  }
  /** A string or an array of strings. */
  strings(e: ConfEntry | { node: ConfNode; pos: Pos; key: string }): string[] | undefined {
    const node = 'value' in e ? e.value : e.node;
    const pos = 'keyPos' in e ? e.keyPos : e.pos;
    if (node.type === 'string') return [node.value as string];
    if (node.type !== 'array') {
      this.error(pos, `"${e.key}" must be a string or an array of strings, got ${typeName(node)}`);
      return undefined;
    }
    const out: string[] = [];
    for (const it of node.items) {
      if (it.type === 'string') out.push(it.value as string);
      else this.error(it.pos, `"${e.key}": expected a string in the array, got ${typeName(it)}`);
    }
    return out;
  }
  /** Go duration string; integers are seconds with a warning (`seconds`) or an error (`strict`). */
  duration(e: ConfEntry, mode: 'seconds' | 'strict'): number | undefined {
    const v = e.value;
    if (v.type === 'string') {
      const r = parseDurationMs(v.value as string);
      if ('error' in r) {
        this.error(e.keyPos, `error parsing ${e.key}: ${r.error}`);
        return undefined;
      }
      return r.ms;
    }
    if (v.type === 'integer' && mode === 'seconds') {
      this.warn(e.keyPos, `invalid use of field "${e.key}": ${e.key} should be converted to a duration`, 'nats');
      return (v.value as number) * 1000;
    }
    this.error(
      e.keyPos,
      `error parsing ${e.key}: expected a duration string such as "30s" or "2m", got ${typeName(v)}` +
        (v.type === 'integer' ? ` (note: unquoted ${v.raw} is a number; quote durations)` : ''),
    );
    return undefined;
  }
}

function each(m: ConfMap, fn: (key: string, e: ConfEntry) => void): void {
  for (const e of m.entries.values()) fn(e.key.toLowerCase(), e);
}

/** `listen`-style value: a port, or `host:port` (port may be -1). */
function parseListen(mp: Mapper, e: ConfEntry): { host?: string; port: number } | undefined {
  const v = e.value;
  if (v.type === 'integer') return { port: v.value as number };
  if (v.type === 'string') {
    const s = v.value as string;
    const m = /^(?:\[([^\]]*)\]|([^:]*)):([^:]*)$/.exec(s);
    if (!m) {
      mp.error(e.keyPos, `could not parse address string "${s}"`);
      return undefined;
    }
    const portText = m[3]!;
    if (!/^[+-]?[0-9]+$/.test(portText)) {
      mp.error(e.keyPos, `could not parse port "${portText}"`);
      return undefined;
    }
    return { host: m[1] ?? m[2] ?? '', port: Number(portText) };
  }
  mp.error(e.keyPos, `expected port or host:port, got ${typeName(v)}`);
  return undefined;
}

export function isValidSubject(s: string): boolean {
  if (s === '' || /[\s]/.test(s)) return false;
  const toks = s.split('.');
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t === '') return false;
    if (t === '>' && i !== toks.length - 1) return false;
  }
  return true;
}

/** Whether every subject matched by `subject` is also matched by `pattern`. */
export function subjectIsSubsetMatch(subject: string, pattern: string): boolean {
  const st = subject.split('.');
  const pt = pattern.split('.');
  for (let i = 0; i < pt.length; i++) {
    const p = pt[i]!;
    if (p === '>') return i < st.length;
    const t = st[i];
    if (t === undefined) return false;
    if (t === '>') return false;
    if (p === '*') continue;
    if (t !== p) return false;
  }
  return st.length === pt.length;
}

function validPublicKey(key: string, prefix: 'U' | 'A'): boolean {
  if (!key.startsWith(prefix)) return false;
  try {
    fromPublic(key);
    return true;
  } catch {
    return false;
  }
}

// -- permissions -------------------------------------------------------------------------------

function parseSubjects(mp: Mapper, node: ConfNode, pos: Pos, key: string): string[] | undefined {
  const list = mp.strings({ node, pos, key });
  if (!list) return undefined;
  for (const s of list) {
    if (isValidSubject(s)) continue;
    const parts = s.trim().split(/\s+/);
    if (parts.length !== 2) {
      mp.error(pos, `subject "${s}" is not a valid subject`);
      return undefined;
    }
    if (!isValidSubject(parts[0]!)) {
      mp.error(pos, `subject "${parts[0]}" is not a valid subject`);
      return undefined;
    }
  }
  return list;
}

function parseSubjectPermission(mp: Mapper, e: ConfEntry): SubjectPermission | undefined {
  const v = e.value;
  if (v.type !== 'map') {
    const allow = parseSubjects(mp, v, e.keyPos, e.key);
    return allow ? { allow } : undefined;
  }
  if (v.entries.size === 0) return undefined;
  const p: SubjectPermission = {};
  each(v, (k, se) => {
    if (k === 'allow') {
      const s = parseSubjects(mp, se.value, se.keyPos, se.key);
      if (s) p.allow = s;
    } else if (k === 'deny') {
      const s = parseSubjects(mp, se.value, se.keyPos, se.key);
      if (s) p.deny = s;
    } else {
      mp.unknown(se, `Unknown field name "${se.key}" parsing subject permissions, only 'allow' or 'deny' are permitted`);
    }
  });
  return p;
}

function parseAllowResponses(mp: Mapper, e: ConfEntry): ResponsePermission | undefined {
  const v = e.value;
  const rp: ResponsePermission = { maxMsgs: 1, expires: 2 * 60 * 1000 };
  if (v.type === 'bool') return v.value ? rp : undefined;
  if (v.type !== 'map') {
    mp.error(e.keyPos, 'error parsing response permissions, expected a boolean or a map');
    return undefined;
  }
  each(v, (k, re) => {
    if (['max', 'max_msgs', 'max_messages', 'max_responses'].includes(k)) {
      const n = mp.int(re);
      if (n !== undefined && n !== 0) rp.maxMsgs = n;
    } else if (['expires', 'expiration', 'ttl'].includes(k)) {
      if (re.value.type !== 'string') {
        mp.error(re.keyPos, 'error parsing expires, not a duration string');
        return;
      }
      const d = parseDurationMs(re.value.value as string);
      if ('error' in d) mp.error(re.keyPos, `error parsing expires: ${d.error}`);
      else if (d.ms !== 0) rp.expires = d.ms;
    } else mp.unknown(re, `Unknown field "${re.key}" parsing permissions`);
  });
  return rp;
}

export function parsePermissions(mp: Mapper, e: ConfEntry): Permissions | undefined {
  if (e.value.type !== 'map') {
    mp.error(e.keyPos, `Expected permissions to be a map/struct, got ${typeName(e.value)}`);
    return undefined;
  }
  const p: Permissions = {};
  each(e.value, (k, pe) => {
    if (k === 'pub' || k === 'publish' || k === 'import') {
      const s = parseSubjectPermission(mp, pe);
      if (s) p.publish = s;
    } else if (k === 'sub' || k === 'subscribe' || k === 'export') {
      const s = parseSubjectPermission(mp, pe);
      if (s) p.subscribe = s;
    } else if (k === 'publish_allow_responses' || k === 'allow_responses') {
      const r = parseAllowResponses(mp, pe);
      if (r) p.allowResponses = r;
    } else mp.unknown(pe, `Unknown field "${pe.key}" parsing permissions`);
  });
  return p;
}

// -- users and authorization -------------------------------------------------------------------

const CONNECTION_TYPES = new Set(['STANDARD', 'WEBSOCKET', 'LEAFNODE', 'MQTT']);

function parseUsers(mp: Mapper, e: ConfEntry): User[] | undefined {
  if (e.value.type !== 'array') {
    mp.error(e.keyPos, `Expected users field to be an array, got ${typeName(e.value)}`);
    return undefined;
  }
  const users: User[] = [];
  for (const item of e.value.items) {
    if (item.type !== 'map') {
      mp.error(item.pos, `Expected user entry to be a map/struct, got ${typeName(item)}`);
      continue;
    }
    const u: User = {};
    each(item, (k, ue) => {
      if (k === 'nkey') u.nkey = mp.str(ue);
      else if (k === 'user' || k === 'username') u.user = mp.str(ue);
      else if (k === 'pass' || k === 'password') u.password = mp.str(ue);
      else if (k === 'permission' || k === 'permissions' || k === 'authorization') {
        const p = parsePermissions(mp, ue);
        if (p) u.permissions = p;
      } else if (k === 'allowed_connection_types' || k === 'connection_types' || k === 'clients') {
        const list = mp.strings(ue);
        if (!list) return;
        const bad = list.filter((t) => !CONNECTION_TYPES.has(t.toUpperCase()));
        if (bad.length) mp.error(ue.keyPos, `invalid connection types [${bad.map((b) => `"${b}"`).join(' ')}]`);
        else u.allowedConnectionTypes = list.map((t) => t.toUpperCase()) as User['allowedConnectionTypes'];
      } else mp.unknown(ue);
    });
    for (const key of Object.keys(u) as (keyof User)[]) if (u[key] === undefined) delete u[key];
    if (!u.nkey && !u.user) {
      mp.error(item.pos, 'User entry requires a user');
      continue;
    }
    if (u.nkey) {
      if (!validPublicKey(u.nkey, 'U')) {
        mp.error(item.pos, 'Not a valid public nkey for a user');
        continue;
      }
      if (u.user || u.password) {
        mp.error(item.pos, 'Nkey users do not take usernames or passwords');
        continue;
      }
    }
    users.push(u);
  }
  return users;
}

function parseAuthorization(mp: Mapper, e: ConfEntry): { auth: Authorization; timeout?: number } | undefined {
  const m = mp.map(e, 'authorization');
  if (!m) return undefined;
  const auth: Authorization = {};
  let timeout: number | undefined;
  each(m, (k, ae) => {
    if (k === 'user' || k === 'username') auth.user = mp.str(ae);
    else if (k === 'pass' || k === 'password') auth.password = mp.str(ae);
    else if (k === 'token') auth.token = mp.str(ae);
    else if (k === 'timeout') {
      // nats-server silently takes 1s for a timeout that is not a number.
      timeout = ae.value.type === 'integer' || ae.value.type === 'float' ? (ae.value.value as number) : 1;
    } else if (k === 'users') {
      const u = parseUsers(mp, ae);
      if (u) auth.users = u;
    } else if (k === 'default_permission' || k === 'default_permissions' || k === 'permissions') {
      const p = parsePermissions(mp, ae);
      if (p) auth.defaultPermissions = p;
    } else mp.unknown(ae);
  });
  for (const key of Object.keys(auth) as (keyof Authorization)[]) if (auth[key] === undefined) delete auth[key];
  return { auth, timeout };
}

function parseSimpleAuth(mp: Mapper, e: ConfEntry, what: 'Cluster' | 'Gateway'): SimpleAuthorization | undefined {
  const r = parseAuthorization(mp, e);
  if (!r) return undefined;
  if (r.auth.users) {
    mp.error(e.keyPos, `${what} authorization does not allow multiple users`);
    return undefined;
  }
  if (r.auth.token !== undefined) {
    mp.error(e.keyPos, `${what} authorization does not support tokens`);
    return undefined;
  }
  const out: SimpleAuthorization = {};
  if (r.auth.user !== undefined) out.user = r.auth.user;
  if (r.auth.password !== undefined) out.password = r.auth.password;
  if (r.timeout !== undefined) out.timeout = r.timeout;
  return out;
}

// -- TLS -----------------------------------------------------------------------------------------

function parseTls(mp: Mapper, e: ConfEntry, clientContext: boolean): TlsOptions | undefined {
  const m = mp.map(e, 'tls');
  if (!m) return undefined;
  const t: TlsOptions = {};
  const fail = (pos: Pos, msg: string): undefined => {
    mp.error(pos, `error parsing tls config, ${msg}`);
    return undefined;
  };
  for (const te of m.entries.values()) {
    const k = te.key.toLowerCase();
    const v = te.value;
    const pos = te.keyPos;
    switch (k) {
      case 'cert_file':
      case 'key_file':
      case 'ca_file': {
        if (v.type !== 'string') return fail(pos, `expected '${k}' to be filename`);
        const field = k === 'cert_file' ? 'certFile' : k === 'key_file' ? 'keyFile' : 'caFile';
        t[field] = v.value as string;
        break;
      }
      case 'insecure':
      case 'verify':
      case 'verify_and_map':
      case 'verify_cert_and_check_known_urls': {
        if (v.type !== 'bool') return fail(pos, `expected '${k}' to be a boolean`);
        const b = v.value as boolean;
        if (k === 'insecure') t.insecure = b;
        else if (k === 'verify') t.verify = b;
        else if (k === 'verify_and_map') t.verifyAndMap = b;
        else {
          if (b && clientContext) {
            mp.error(pos, 'verify_cert_and_check_known_urls not supported in this context');
            return undefined;
          }
          t.verifyCertAndCheckKnownUrls = b;
        }
        break;
      }
      case 'cipher_suites':
      case 'curve_preferences': {
        if (v.type !== 'array') return fail(pos, `'${k}' must be an array`);
        if (v.items.length === 0) return fail(pos, `'${k}' cannot be empty`);
        const list = mp.strings(te);
        if (!list) return undefined;
        if (k === 'cipher_suites') t.cipherSuites = list;
        else t.curvePreferences = list;
        break;
      }
      case 'timeout': {
        if (v.type === 'integer' || v.type === 'float') t.timeout = v.value as number;
        else if (v.type === 'string') {
          const d = parseDurationMs(v.value as string);
          if ('error' in d) return fail(pos, `'timeout' ${d.error}`);
          t.timeout = d.ms / 1000;
        } else return fail(pos, `'timeout' wrong type`);
        break;
      }
      case 'connection_rate_limit':
        if (v.type !== 'integer') return fail(pos, `'connection_rate_limit' wrong type`);
        t.connectionRateLimit = v.value as number;
        break;
      case 'pinned_certs': {
        if (v.type !== 'array') {
          return fail(pos, `expected 'pinned_certs' to be a list of hex-encoded sha256 of DER encoded SubjectPublicKeyInfo`);
        }
        const list: string[] = [];
        for (const it of v.items) {
          const s = it.type === 'string' ? (it.value as string).toLowerCase() : '';
          if (!/^[a-f0-9]{64}$/.test(s)) {
            return fail(it.pos, `'pinned_certs' key ${s} does not look like hex-encoded sha256 of DER encoded SubjectPublicKeyInfo`);
          }
          list.push(s);
        }
        if (list.length) t.pinnedCerts = list;
        break;
      }
      default:
        return fail(pos, `unknown field ["${te.key}"]`);
    }
  }
  if ((t.certFile === undefined) !== (t.keyFile === undefined)) {
    mp.error(e.keyPos, 'missing \'cert_file\' or \'key_file\' in TLS configuration');
    return undefined;
  }
  return t;
}

// -- accounts ----------------------------------------------------------------------------------

function parseMappings(mp: Mapper, e: ConfEntry): Mappings | undefined {
  const m = mp.map(e, 'mappings');
  if (!m) return undefined;
  const out: Mappings = {};
  for (const me of m.entries.values()) {
    if (!isValidSubject(me.key)) {
      mp.error(e.keyPos, `Subject "${me.key}" is not a valid subject`);
      continue;
    }
    const v = me.value;
    if (v.type === 'string') {
      out[me.key] = v.value as string;
      continue;
    }
    const items = v.type === 'array' ? v.items : [v];
    const dests: MapDest[] = [];
    for (const it of items) {
      if (it.type !== 'map') {
        mp.error(it.pos, 'Expected an entry for the mapping destination');
        continue;
      }
      const d: Partial<MapDest> = {};
      let weightSeen = false;
      each(it, (k, de) => {
        if (k === 'dest' || k === 'destination') d.destination = mp.str(de);
        else if (k === 'weight') {
          const wv = de.value;
          const w = wv.type === 'integer' ? (wv.value as number) : wv.type === 'string' ? Number((wv.value as string).replace(/%$/, '')) : NaN;
          if (!Number.isInteger(w) || w < 0 || w > 100) mp.error(de.keyPos, `Invalid weight ${JSON.stringify(wv.type === 'string' ? wv.value : w)} for mapping destination`);
          else {
            d.weight = w;
            weightSeen = true;
          }
        } else if (k === 'cluster') d.cluster = mp.str(de);
        else mp.error(de.keyPos, `Unknown field "${de.key}" for mapping destination`);
      });
      if (!weightSeen) mp.error(it.pos, `Missing weight for mapping destination "${d.destination ?? ''}"`);
      else if (d.destination !== undefined) dests.push(d as MapDest);
    }
    out[me.key] = dests;
  }
  return out;
}

function parseExport(mp: Mapper, node: ConfNode): Export | undefined {
  if (node.type !== 'map') {
    mp.error(node.pos, `Export Items should be a map with type entry, got ${typeName(node)}`);
    return undefined;
  }
  const x: Partial<Export> = {};
  let streamPos: Pos | undefined;
  let responsePos: Pos | undefined;
  each(node, (k, xe) => {
    const pos = xe.keyPos;
    if (k === 'stream' || k === 'service') {
      const other = k === 'stream' ? 'service' : 'stream';
      if (x[other] !== undefined) {
        mp.error(pos, `Detected ${k} ${JSON.stringify(xe.value.type === 'string' ? xe.value.value : '')} but already saw a ${other}`);
        return;
      }
      if (xe.value.type !== 'string') {
        mp.error(pos, `Expected ${k} name to be string, got ${typeName(xe.value)}`);
        return;
      }
      x[k] = xe.value.value as string;
      if (k === 'stream') streamPos = pos;
    } else if (k === 'response' || k === 'response_type') {
      responsePos = pos;
      const s = mp.str(xe);
      if (s === undefined) return;
      const rt = ({ single: 'singleton', singleton: 'singleton', stream: 'stream', chunk: 'chunked', chunked: 'chunked' } as const)[
        s.toLowerCase() as 'single'
      ];
      if (!rt) mp.error(pos, `Unknown response type: "${s}"`);
      else x.responseType = rt;
    } else if (['threshold', 'response_threshold', 'response_max_time', 'response_time'].includes(k)) {
      responsePos = pos;
      if (xe.value.type !== 'string') {
        mp.error(pos, `Expected response threshold to be a parseable time duration, got ${typeName(xe.value)}`);
        return;
      }
      const d = parseDurationMs(xe.value.value as string);
      if ('error' in d) mp.error(pos, `Expected response threshold to be a parseable time duration, got "${xe.value.value}"`);
      else x.responseThreshold = d.ms;
    } else if (k === 'accounts') {
      const a = mp.strings(xe);
      if (a) x.accounts = a;
    } else if (k === 'latency') {
      const lv = xe.value;
      if (lv.type === 'string') x.latency = { subject: lv.value as string, sampling: 100 };
      else if (lv.type === 'map') {
        const subj = lv.entries.get('subject');
        const samp = lv.entries.get('sampling');
        let sampling: number | 'headers' = 100;
        if (samp) {
          const sv = samp.value;
          if (sv.type === 'string' && (sv.value as string).trim().toLowerCase() === 'headers') sampling = 'headers';
          else {
            const n = sv.type === 'integer' ? (sv.value as number) : sv.type === 'string' ? Number((sv.value as string).replace(/%$/, '')) : NaN;
            if (!Number.isInteger(n) || n < 1 || n > 100) {
              mp.error(samp.keyPos, 'sampling value must be between 1 and 100 percent');
              return;
            }
            sampling = n;
          }
        }
        if (!subj || subj.value.type !== 'string') {
          mp.error(pos, 'Latency subject required, but missing');
          return;
        }
        x.latency = { subject: subj.value.value as string, sampling };
      } else mp.error(pos, `Expected latency entry to be a map/struct or string, got ${typeName(lv)}`);
    } else if (k === 'account_token_position') {
      const n = mp.int(xe);
      if (n !== undefined) x.accountTokenPosition = n;
    } else mp.unknown(xe);
  });
  if (x.stream !== undefined && (x.responseType !== undefined || x.responseThreshold !== undefined || x.latency)) {
    mp.error(responsePos ?? streamPos ?? node.pos, 'Detected response directive on non-service');
    return undefined;
  }
  if (x.stream === undefined && x.service === undefined) {
    mp.warn(node.pos, 'export entry without "stream" or "service" is ignored', 'unsupported');
    return undefined;
  }
  return x as Export;
}

function parseImportSource(mp: Mapper, e: ConfEntry): { account: string; subject: string } | undefined {
  if (e.value.type !== 'map') {
    mp.error(e.keyPos, `${e.key === 'stream' ? 'Stream' : 'Service'} entry should be an account map, got ${typeName(e.value)}`);
    return undefined;
  }
  let account = '';
  let subject = '';
  each(e.value, (k, se) => {
    if (k === 'account') account = mp.str(se) ?? '';
    else if (k === 'subject') subject = mp.str(se) ?? '';
    else mp.unknown(se);
  });
  if (!account || !subject) {
    mp.error(e.keyPos, 'Expect an account name and a subject');
    return undefined;
  }
  return { account, subject };
}

function parseImport(mp: Mapper, node: ConfNode): Import | undefined {
  if (node.type !== 'map') {
    mp.error(node.pos, `Import Items should be a map with type entry, got ${typeName(node)}`);
    return undefined;
  }
  const im: Partial<Import> = {};
  each(node, (k, ie) => {
    if (k === 'stream' || k === 'service') {
      const other = k === 'stream' ? 'service' : 'stream';
      if (im[other]) {
        mp.error(ie.keyPos, `Detected ${k} but already saw a ${other}`);
        return;
      }
      const src = parseImportSource(mp, ie);
      if (src) im[k] = src;
    } else if (k === 'prefix') im.prefix = mp.str(ie);
    else if (k === 'to') im.to = mp.str(ie);
    else if (k === 'share') im.share = mp.bool(ie);
    else mp.unknown(ie);
  });
  for (const key of Object.keys(im) as (keyof Import)[]) if (im[key] === undefined) delete im[key];
  if (im.stream && im.prefix !== undefined && im.to !== undefined) {
    mp.error(node.pos, "Stream import can not have a 'prefix' and a 'to' property");
    return undefined;
  }
  if (!im.stream && !im.service) return undefined;
  return im as Import;
}

function parseLimits(mp: Mapper, e: ConfEntry): AccountLimits | undefined {
  if (e.value.type !== 'map') {
    mp.error(e.keyPos, `Expected account limits to be a map/struct, got ${typeName(e.value)}`);
    return undefined;
  }
  const l: AccountLimits = {};
  each(e.value, (k, le) => {
    if (k === 'max_connections' || k === 'max_conn') l.maxConnections = mp.int(le);
    else if (k === 'max_subscriptions' || k === 'max_subs') l.maxSubscriptions = mp.int(le);
    else if (k === 'max_payload' || k === 'max_pay') l.maxPayload = mp.int(le);
    else if (k === 'max_leafnodes' || k === 'max_leafs') l.maxLeafnodes = mp.int(le);
    else mp.unknown(le, `Unknown field "${le.key}" parsing account limits`);
  });
  for (const key of Object.keys(l) as (keyof AccountLimits)[]) if (l[key] === undefined) delete l[key];
  return l;
}

function parseAccounts(mp: Mapper, e: ConfEntry): Record<string, Account> | undefined {
  const out: Record<string, Account> = {};
  const v = e.value;
  if (v.type === 'array') {
    for (const it of v.items) {
      if (it.type !== 'string') {
        mp.error(it.pos, `account name must be a string, got ${typeName(it)}`);
        continue;
      }
      const name = it.value as string;
      if (name === '$G') mp.error(it.pos, `"${name}" is a Reserved Account`);
      else if (out[name]) mp.error(it.pos, `Duplicate Account Entry: ${name}`);
      else out[name] = {};
    }
    return out;
  }
  if (v.type !== 'map') {
    mp.error(e.keyPos, `Expected map or array to define accounts, got ${typeName(v)}`);
    return undefined;
  }
  for (const ae of v.entries.values()) {
    if (ae.value.usedVariable) continue;
    if (ae.value.type !== 'map') {
      mp.error(ae.keyPos, 'Expected map entries for accounts');
      continue;
    }
    if (ae.key === '$G') {
      mp.error(ae.keyPos, `"${ae.key}" is a Reserved Account`);
      continue;
    }
    const acc: Account = {};
    each(ae.value, (k, fe) => {
      if (k === 'nkey') {
        const nk = fe.value.type === 'string' ? (fe.value.value as string) : '';
        if (!validPublicKey(nk, 'A')) mp.error(fe.keyPos, `Not a valid public nkey for an account: "${nk}"`);
        else acc.nkey = nk;
      } else if (k === 'imports') {
        if (fe.value.type !== 'array') {
          mp.error(fe.keyPos, `Imports should be an array, got ${typeName(fe.value)}`);
          return;
        }
        const list: Import[] = [];
        const seen = new Map<string, Import>();
        for (const it of fe.value.items) {
          const im = parseImport(mp, it);
          if (!im) continue;
          if (im.service) {
            const to = im.to ?? im.service.subject;
            const dup = seen.get(to);
            if (dup) {
              mp.error(it.pos, `Duplicate service import subject "${to}", previously used in import for account "${dup.service!.account}", subject "${dup.service!.subject}"`);
              continue;
            }
            seen.set(to, im);
          }
          list.push(im);
        }
        acc.imports = list;
      } else if (k === 'exports') {
        if (fe.value.type !== 'array') {
          mp.error(fe.keyPos, `Exports should be an array, got ${typeName(fe.value)}`);
          return;
        }
        acc.exports = fe.value.items.map((it) => parseExport(mp, it)).filter((x): x is Export => x !== undefined);
      } else if (k === 'jetstream') {
        mp.warn(fe.keyPos, `account "${ae.key}": jetstream is not supported by Switchboard; ignored`);
      } else if (k === 'users') {
        const u = parseUsers(mp, fe);
        if (u) acc.users = u;
        mp.at(`accounts.${ae.key}.users`, fe);
      } else if (k === 'default_permissions') {
        const p = parsePermissions(mp, fe);
        if (p) acc.defaultPermissions = p;
      } else if (k === 'mappings' || k === 'maps') {
        const m = parseMappings(mp, fe);
        if (m) acc.mappings = m;
      } else if (k === 'limits') {
        const l = parseLimits(mp, fe);
        if (l) acc.limits = l;
      } else mp.unknown(fe);
    });
    out[ae.key] = acc;
    mp.at(`accounts.${ae.key}`, ae);
  }
  // Cross references: every account named by an export or import must exist.
  for (const [name, acc] of Object.entries(out)) {
    for (const x of acc.exports ?? []) {
      for (const a of x.accounts ?? []) {
        if (!out[a]) mp.error(e.keyPos, `"${a}" account not defined for ${x.stream !== undefined ? 'stream' : 'service'} export`);
      }
    }
    const streamImports = new Set<string>();
    for (const im of acc.imports ?? []) {
      const src = im.stream ?? im.service!;
      const kind = im.stream ? 'stream' : 'service';
      if (im.stream) {
        const id = `${src.account}\u0000${src.subject}`;
        if (streamImports.has(id)) {
          mp.error(e.keyPos, `Error adding stream import "${src.subject}": stream import already exists`);
          continue;
        }
        streamImports.add(id);
      }
      const target = out[src.account];
      if (!target) {
        mp.error(e.keyPos, `"${src.account}" account not defined for ${kind} import`);
        continue;
      }
      // The target account must export a matching subject to this account.
      const allowed = (target.exports ?? []).some((x) => {
        const pattern = kind === 'stream' ? x.stream : x.service;
        return pattern !== undefined && subjectIsSubsetMatch(src.subject, pattern) && (!x.accounts || x.accounts.includes(name));
      });
      if (!allowed) mp.error(e.keyPos, `Error adding ${kind} import "${src.subject}": ${kind} import not authorized`);
    }
  }
  return out;
}

// -- cluster and gateway -----------------------------------------------------------------------

function parseUrls(mp: Mapper, e: ConfEntry, typ: string): string[] | undefined {
  if (e.value.type !== 'array') {
    mp.error(e.keyPos, `"${e.key}" must be an array of URLs, got ${typeName(e.value)}`);
    return undefined;
  }
  const out: string[] = [];
  for (const it of e.value.items) {
    if (it.type !== 'string') {
      mp.error(it.pos, `${typ} url must be a string, got ${typeName(it)}`);
      continue;
    }
    const u = (it.value as string).trim();
    if (out.includes(u)) {
      mp.warn(it.pos, `invalid use of field "${u}": Duplicate ${typ} entry detected`, 'nats');
      continue;
    }
    if (!validUrl(u)) {
      mp.error(it.pos, `error parsing ${typ} url ["${u}"]`);
      continue;
    }
    out.push(u);
  }
  return out;
}

function validUrl(u: string): boolean {
  if (/[\s\x00-\x1f]/.test(u)) return false;
  try {
    new URL(u.includes('://') ? u : `nats://${u}`);
    return true;
  } catch {
    return false;
  }
}

function parseCluster(mp: Mapper, e: ConfEntry): ClusterOptions | undefined {
  const m = mp.map(e, 'cluster');
  if (!m) return undefined;
  const c: ClusterOptions = {};
  let deprecatedPerms: Permissions | undefined;
  each(m, (k, ce) => {
    mp.at(`cluster.${k}`, ce);
    if (k === 'name') c.name = mp.str(ce);
    else if (k === 'listen') {
      const hp = parseListen(mp, ce);
      if (hp) {
        c.host = hp.host ?? '';
        c.port = hp.port;
      }
    } else if (k === 'port') c.port = mp.int(ce);
    else if (k === 'host' || k === 'net') c.host = mp.str(ce);
    else if (k === 'authorization') {
      const r = parseAuthorization(mp, ce);
      if (!r) return;
      if (r.auth.users) return mp.error(ce.keyPos, 'Cluster authorization does not allow multiple users');
      if (r.auth.token !== undefined) return mp.error(ce.keyPos, 'Cluster authorization does not support tokens');
      const a: SimpleAuthorization = {};
      if (r.auth.user !== undefined) a.user = r.auth.user;
      if (r.auth.password !== undefined) a.password = r.auth.password;
      if (r.timeout !== undefined) a.timeout = r.timeout;
      c.authorization = a;
      if (r.auth.defaultPermissions) {
        mp.warn(ce.keyPos, `invalid use of field "${ce.key}": setting "permissions" within cluster authorization block is deprecated`, 'nats');
        deprecatedPerms = r.auth.defaultPermissions;
      }
    } else if (k === 'routes') {
      const r = parseUrls(mp, ce, 'route');
      if (r) c.routes = r;
    } else if (k === 'tls') {
      const t = parseTls(mp, ce, false);
      if (t) c.tls = t;
    } else if (k === 'cluster_advertise' || k === 'advertise') c.advertise = mp.str(ce);
    else if (k === 'no_advertise') c.noAdvertise = mp.bool(ce);
    else if (k === 'connect_retries') c.connectRetries = mp.int(ce);
    else if (k === 'permissions') {
      const p = parsePermissions(mp, ce);
      if (!p) return;
      if (p.allowResponses) return mp.error(ce.keyPos, 'Cluster permissions do not support dynamic responses');
      c.permissions = routePerms(p);
    } else mp.unknown(ce);
  });
  if (deprecatedPerms && !c.permissions) c.permissions = routePerms(deprecatedPerms);
  for (const key of Object.keys(c) as (keyof ClusterOptions)[]) if (c[key] === undefined) delete c[key];
  return c;
}

function routePerms(p: Permissions): NonNullable<ClusterOptions['permissions']> {
  const out: NonNullable<ClusterOptions['permissions']> = {};
  if (p.publish) out.import = p.publish;
  if (p.subscribe) out.export = p.subscribe;
  return out;
}

function parseGateway(mp: Mapper, e: ConfEntry): GatewayOptions | undefined {
  if (e.value.type !== 'map') {
    mp.error(e.keyPos, `Expected gateway to be a map, got ${typeName(e.value)}`);
    return undefined;
  }
  const g: GatewayOptions = {};
  each(e.value, (k, ge) => {
    mp.at(`gateway.${k}`, ge);
    if (k === 'name') g.name = mp.str(ge);
    else if (k === 'listen') {
      const hp = parseListen(mp, ge);
      if (hp) {
        g.host = hp.host ?? '';
        g.port = hp.port;
      }
    } else if (k === 'port') g.port = mp.int(ge);
    else if (k === 'host' || k === 'net') g.host = mp.str(ge);
    else if (k === 'authorization') {
      const a = parseSimpleAuth(mp, ge, 'Gateway');
      if (a) g.authorization = a;
    } else if (k === 'tls') {
      const t = parseTls(mp, ge, false);
      if (t) g.tls = t;
    } else if (k === 'advertise') g.advertise = mp.str(ge);
    else if (k === 'connect_retries') g.connectRetries = mp.int(ge);
    else if (k === 'reject_unknown' || k === 'reject_unknown_cluster') g.rejectUnknown = mp.bool(ge);
    else if (k === 'gateways') {
      if (ge.value.type !== 'array') return mp.error(ge.keyPos, `Expected gateways field to be an array, got ${typeName(ge.value)}`);
      const list: RemoteGateway[] = [];
      for (const it of ge.value.items) {
        if (it.type !== 'map') {
          mp.error(it.pos, `Expected gateway entry to be a map/struct, got ${typeName(it)}`);
          continue;
        }
        const rg: RemoteGateway = { name: '', urls: [] };
        each(it, (rk, re) => {
          if (rk === 'name') rg.name = mp.str(re) ?? '';
          else if (rk === 'tls') {
            const t = parseTls(mp, re, false);
            if (t) rg.tls = t;
          } else if (rk === 'url') {
            const u = mp.str(re);
            if (u === undefined) return;
            if (!validUrl(u.trim())) mp.error(re.keyPos, `error parsing gateway url ["${u.trim()}"]`);
            else rg.urls.push(u.trim());
          } else if (rk === 'urls') {
            const us = parseUrls(mp, re, 'gateway');
            if (us) rg.urls = us;
          } else mp.unknown(re);
        });
        list.push(rg);
      }
      g.gateways = list;
    } else mp.unknown(ge);
  });
  for (const key of Object.keys(g) as (keyof GatewayOptions)[]) if (g[key] === undefined) delete g[key];
  return g;
}

// -- top level ---------------------------------------------------------------------------------

type Setter = (mp: Mapper, e: ConfEntry, o: OptionsInput) => void;

const int = (field: keyof OptionsInput): Setter => (mp, e, o) => {
  const v = mp.int(e);
  if (v !== undefined) (o as Record<string, unknown>)[field] = v;
};
const str = (field: keyof OptionsInput): Setter => (mp, e, o) => {
  const v = mp.str(e);
  if (v !== undefined) (o as Record<string, unknown>)[field] = v;
};
const bool = (field: keyof OptionsInput): Setter => (mp, e, o) => {
  const v = mp.bool(e);
  if (v !== undefined) (o as Record<string, unknown>)[field] = v;
};
const int32 = (field: keyof OptionsInput): Setter => (mp, e, o) => {
  const v = mp.int(e);
  if (v === undefined) return;
  if (v > 2 ** 31 - 1) mp.error(e.keyPos, `${e.key} value is too big`);
  else (o as Record<string, unknown>)[field] = v;
};

const TOP: Record<string, Setter> = {
  listen: (mp, e, o) => {
    const hp = parseListen(mp, e);
    if (!hp) return;
    o.host = hp.host ?? '';
    o.port = hp.port;
  },
  client_advertise: str('clientAdvertise'),
  port: int('port'),
  server_name: str('serverName'),
  host: str('host'),
  net: str('host'),
  debug: bool('debug'),
  trace: bool('trace'),
  trace_verbose: (mp, e, o) => {
    const v = mp.bool(e);
    if (v === undefined) return;
    o.traceVerbose = v;
    o.trace = v;
  },
  logtime: bool('logtime'),
  mappings: (mp, e, o) => {
    const m = parseMappings(mp, e);
    if (m) o.mappings = { ...(o.mappings ?? {}), ...m };
  },
  disable_sublist_cache: bool('disableSublistCache'),
  accounts: (mp, e, o) => {
    const a = parseAccounts(mp, e);
    if (a) o.accounts = a;
  },
  authorization: (mp, e, o) => {
    const r = parseAuthorization(mp, e);
    if (!r) return;
    // The block's timeout is the top-level authTimeout; a block with nothing else is no block.
    if (Object.keys(r.auth).length > 0) o.authorization = r.auth;
    if (r.timeout !== undefined) o.authTimeout = r.timeout;
  },
  http: (mp, e, o) => {
    const hp = parseListen(mp, e);
    if (!hp) return;
    if (hp.host !== undefined) o.httpHost = hp.host;
    o.httpPort = hp.port;
  },
  https: (mp, e, o) => {
    const hp = parseListen(mp, e);
    if (!hp) return;
    if (hp.host !== undefined) o.httpHost = hp.host;
    o.httpsPort = hp.port;
  },
  http_port: int('httpPort'),
  https_port: int('httpsPort'),
  http_base_path: str('httpBasePath'),
  cluster: (mp, e, o) => {
    const c = parseCluster(mp, e);
    if (c) o.cluster = c;
  },
  gateway: (mp, e, o) => {
    const g = parseGateway(mp, e);
    if (g) o.gateway = g;
  },
  logfile: str('logFile'),
  log_size_limit: int('logSizeLimit'),
  syslog: bool('syslog'),
  remote_syslog: str('remoteSyslog'),
  pidfile: str('pidFile'),
  ports_file_dir: str('portsFileDir'),
  prof_port: int('profPort'),
  max_control_line: int32('maxControlLine'),
  max_payload: int32('maxPayload'),
  max_pending: int('maxPending'),
  max_connections: int('maxConnections'),
  max_traced_msg_len: int('maxTracedMsgLen'),
  max_subscriptions: int('maxSubscriptions'),
  max_sub_tokens: (mp, e, o) => {
    const v = mp.int(e);
    if (v === undefined) return;
    if (v > 255) mp.error(e.keyPos, `${e.key} value is too big`);
    else if (v <= 0) mp.error(e.keyPos, `${e.key} value can not be negative`);
    else o.maxSubTokens = v;
  },
  ping_interval: (mp, e, o) => {
    const d = mp.duration(e, 'seconds');
    if (d !== undefined) o.pingInterval = d;
  },
  ping_max: int('pingMax'),
  tls: (mp, e, o) => {
    const t = parseTls(mp, e, true);
    if (t) o.tls = t;
  },
  write_deadline: (mp, e, o) => {
    const d = mp.duration(e, 'seconds');
    if (d !== undefined) o.writeDeadline = d;
  },
  lame_duck_duration: (mp, e, o) => {
    const d = mp.duration(e, 'strict');
    if (d === undefined) return;
    if (d < 30_000) mp.error(e.keyPos, `invalid lame_duck_duration of ${formatDurationMs(d)}, minimum is 30 seconds`);
    else o.lameDuckDuration = d;
  },
  lame_duck_grace_period: (mp, e, o) => {
    const d = mp.duration(e, 'strict');
    if (d === undefined) return;
    if (d < 0) mp.error(e.keyPos, 'invalid lame_duck_grace_period, needs to be positive');
    else o.lameDuckGracePeriod = d;
  },
  no_auth_user: str('noAuthUser'),
  system_account: str('systemAccount'),
  no_system_account: bool('noSystemAccount'),
  no_header_support: bool('noHeaderSupport'),
  connect_error_reports: int('connectErrorReports'),
  reconnect_error_reports: int('reconnectErrorReports'),
  server_tags: (mp, e, o) => {
    const t = mp.strings(e);
    if (t) o.serverTags = t;
  },
};
const ALIASES: Record<string, string> = {
  maps: 'mappings',
  no_sublist_cache: 'disable_sublist_cache',
  monitor_port: 'http_port',
  log_file: 'logfile',
  logfile_size_limit: 'log_size_limit',
  pid_file: 'pidfile',
  max_conn: 'max_connections',
  max_subs: 'max_subscriptions',
  max_subscription_tokens: 'max_sub_tokens',
  system: 'system_account',
  no_system: 'no_system_account',
  no_sys_acc: 'no_system_account',
};

/** Maps a parsed conf tree to options. Values are not defaulted (see `resolveOptions`). */
export function mapConfig(root: ConfMap): MapResult {
  const mp = new Mapper();
  const o: OptionsInput = {};
  for (const e of root.entries.values()) {
    const lower = e.key.toLowerCase();
    const key = ALIASES[lower] ?? lower;
    const setter = TOP[key];
    if (setter) {
      setter(mp, e, o);
      mp.at(modelPathOf(key), e);
      if (NOT_YET_IMPLEMENTED.has(lower)) mp.warn(e.keyPos, `"${e.key}" is accepted but not implemented by Switchboard yet`);
      continue;
    }
    const pass = PASSTHROUGH[lower];
    if (pass) {
      o.passthrough = { ...(o.passthrough ?? {}), [e.key]: toPlain(e.value) };
      mp.warn(e.keyPos, `"${e.key}" (${pass}) is not supported by Switchboard yet; the block is kept but ignored`);
      continue;
    }
    const refused = REFUSED[lower];
    if (refused) {
      mp.error(e.keyPos, `"${e.key}": ${refused} is not supported by Switchboard yet; refusing to run with a weaker security setup than configured`);
      continue;
    }
    mp.unknown(e);
  }
  crossChecks(mp, root, o);
  for (const key of Object.keys(o) as (keyof OptionsInput)[]) if (o[key] === undefined) delete o[key];
  return { options: o, errors: mp.errors, warnings: mp.warnings, positions: mp.positions };
}

function entryOf(root: ConfMap, ...keys: string[]): ConfEntry | undefined {
  for (const e of root.entries.values()) if (keys.includes(e.key.toLowerCase())) return e;
  return undefined;
}

/** Checks between blocks (authorization vs accounts, duplicate users). */
function crossChecks(mp: Mapper, root: ConfMap, o: OptionsInput): void {
  const authE = entryOf(root, 'authorization');
  const a = o.authorization;
  const accountUsers = Object.values(o.accounts ?? {}).flatMap((acc) => acc.users ?? []);
  if (authE && a) {
    if ((a.user !== undefined || a.password !== undefined) && a.token !== undefined) {
      mp.error(authE.keyPos, 'Cannot have a user/pass and token');
    } else if (a.users || accountUsers.length) {
      if (a.user !== undefined) mp.error(authE.keyPos, 'Can not have a single user/pass and a users array');
      else if (a.token !== undefined) mp.error(authE.keyPos, 'Can not have a token and a users array');
    }
  }
  const seen = new Set<string>();
  for (const u of [...accountUsers, ...(a?.users ?? [])]) {
    const id = u.nkey ?? u.user ?? '';
    if (seen.has(id)) {
      const at = authE ?? entryOf(root, 'accounts');
      if (at) mp.error(at.keyPos, `Duplicate ${u.nkey ? 'nkey' : 'user'} "${id}" detected`);
    }
    seen.add(id);
  }
}

const MODEL_PATH: Record<string, string> = {
  listen: 'port',
  client_advertise: 'clientAdvertise',
  server_name: 'serverName',
  net: 'host',
  trace_verbose: 'traceVerbose',
  disable_sublist_cache: 'disableSublistCache',
  http: 'httpPort',
  https: 'httpsPort',
  http_port: 'httpPort',
  https_port: 'httpsPort',
  http_base_path: 'httpBasePath',
  logfile: 'logFile',
  log_size_limit: 'logSizeLimit',
  remote_syslog: 'remoteSyslog',
  pidfile: 'pidFile',
  ports_file_dir: 'portsFileDir',
  prof_port: 'profPort',
  max_control_line: 'maxControlLine',
  max_payload: 'maxPayload',
  max_pending: 'maxPending',
  max_connections: 'maxConnections',
  max_traced_msg_len: 'maxTracedMsgLen',
  max_subscriptions: 'maxSubscriptions',
  max_sub_tokens: 'maxSubTokens',
  ping_interval: 'pingInterval',
  ping_max: 'pingMax',
  write_deadline: 'writeDeadline',
  lame_duck_duration: 'lameDuckDuration',
  lame_duck_grace_period: 'lameDuckGracePeriod',
  no_auth_user: 'noAuthUser',
  system_account: 'systemAccount',
  no_system_account: 'noSystemAccount',
  no_header_support: 'noHeaderSupport',
  connect_error_reports: 'connectErrorReports',
  reconnect_error_reports: 'reconnectErrorReports',
  server_tags: 'serverTags',
};
const modelPathOf = (key: string): string => MODEL_PATH[key] ?? key;
