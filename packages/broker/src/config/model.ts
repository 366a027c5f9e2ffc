/**
 * Maps a parsed conf tree onto Switchboard's options model (`OptionsInput` from
 * @switchboard/shared), with nats-server 2.9.10's key aliases, value types and checks
 * (`server/opts.go`). Every problem is collected with the position of its key.
 *
 * - Unknown keys are errors (`unknown field "x"`), unless the value was used as a `$variable`.
 * - Blocks Switchboard does not implement (leafnodes, jetstream, websocket, mqtt, …) are kept in
 *   `passthrough` with an `unsupported` warning.
 * - Operator mode keys (`operator`, `resolver`, …) are parsed into the model (`model-operator.ts`);
 *   a server refuses to start with them until operator mode is wired in (`jwt/options.ts`).
 *
 * This file holds the top-level keys; the blocks live beside it: `model-auth.ts` (authorization,
 * users, permissions), `model-accounts.ts` (accounts, exports, imports, mappings) and
 * `model-network.ts` (tls, cluster, gateway). `model-mapper.ts` holds the `Mapper` and the
 * value checks they share.
 */
import type { OptionsInput } from '@switchboard/shared';
import { formatDurationMs } from './duration.js';
import { parseAccounts, parseMappings } from './model-accounts.js';
import { parseAuthorization } from './model-auth.js';
import { Mapper, parseListen, type ConfigWarning } from './model-mapper.js';
import { parseCluster, parseGateway, parseTls } from './model-network.js';
import { parseOperator, parsePinnedAccounts, parseResolver, parseResolverPreload, parseResolverTls, parseTrusted } from './model-operator.js';
import { toPlain, type ConfEntry, type ConfigError, type ConfMap, type Pos } from './parser.js';

export { type ConfigWarning } from './model-mapper.js';
export { parsePermissions } from './model-auth.js';

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
};

/** Top-level keys refused: security settings Switchboard does not implement. */
const REFUSED: Record<string, string> = {
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
  allow_non_tls: bool('allowNonTls'),
  connect_error_reports: int('connectErrorReports'),
  reconnect_error_reports: int('reconnectErrorReports'),
  server_tags: (mp, e, o) => {
    const t = mp.strings(e);
    if (t) o.serverTags = t;
  },
  operator: (mp, e, o) => {
    const v = parseOperator(mp, e);
    if (v !== undefined) o.operator = v;
  },
  trusted: (mp, e, o) => {
    const v = parseTrusted(mp, e);
    if (v) o.trustedKeys = v;
  },
  resolver: (mp, e, o) => {
    const v = parseResolver(mp, e);
    if (v) o.resolver = v;
  },
  resolver_tls: (mp, e, o) => {
    const v = parseResolverTls(mp, e);
    if (v) o.resolverTls = v;
  },
  resolver_preload: (mp, e, o) => {
    const v = parseResolverPreload(mp, e);
    if (v) o.resolverPreload = v;
  },
  resolver_pinned_accounts: (mp, e, o) => {
    const v = parsePinnedAccounts(mp, e);
    if (v) o.resolverPinnedAccounts = v;
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
  operators: 'operator',
  root: 'operator',
  roots: 'operator',
  root_operator: 'operator',
  root_operators: 'operator',
  trusted_keys: 'trusted',
  account_resolver: 'resolver',
  accounts_resolver: 'resolver',
};

/** A top-level conf key as the mapping knows it: lower case, aliases resolved (`max_conn` → `max_connections`). */
export const canonicalTopKey = (key: string): string => ALIASES[key.toLowerCase()] ?? key.toLowerCase();

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
  allow_non_tls: 'allowNonTls',
  connect_error_reports: 'connectErrorReports',
  reconnect_error_reports: 'reconnectErrorReports',
  server_tags: 'serverTags',
  trusted: 'trustedKeys',
  resolver_tls: 'resolverTls',
  resolver_preload: 'resolverPreload',
  resolver_pinned_accounts: 'resolverPinnedAccounts',
};
const modelPathOf = (key: string): string => MODEL_PATH[key] ?? key;
