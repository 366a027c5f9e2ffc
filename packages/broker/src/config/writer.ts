/**
 * Renders an options model back to NATS conf text that nats-server 2.9.10 accepts
 * (`nats-server -t -c file`). Only values that differ from the defaults are written; strings and
 * durations are always double-quoted, so nothing is mistaken for a number, boolean or variable.
 */
import {
  resolveOptions,
  type Account,
  type Authorization,
  type ClusterOptions,
  type Export,
  type GatewayOptions,
  type Import,
  type Mappings,
  type Options,
  type OptionsInput,
  type Permissions,
  type ResolverOptions,
  type SimpleAuthorization,
  type SubjectPermission,
  type TlsOptions,
  type User,
} from '@switchboard/shared';
import { formatDurationMs } from './duration.js';

/** A conf value under construction: `Duration` renders as a quoted Go duration. */
class Duration {
  constructor(readonly ms: number) {}
}
type Value = string | number | boolean | Date | Duration | Value[] | Entries | undefined;
/** Ordered key/value pairs. */
type Entries = { __entries: [string, Value][] };

const entries = (pairs: [string, Value][]): Entries => ({ __entries: pairs.filter(([, v]) => v !== undefined) });
const isEntries = (v: unknown): v is Entries => typeof v === 'object' && v !== null && '__entries' in v;

export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function renderKey(k: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) && k.toLowerCase() !== 'include') return k;
  if (k.includes('"')) {
    if (k.includes("'")) throw new Error(`cannot write a conf key containing both quote characters: ${k}`);
    return `'${k}'`;
  }
  return `"${k}"`;
}

function renderNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot write non-finite number ${n}`);
  if (Number.isInteger(n)) return BigInt(n).toString();
  let s = n.toFixed(20).replace(/0+$/, '');
  if (s.endsWith('.')) s += '0';
  return s;
}

function renderValue(v: Value, indent: string): string {
  if (v instanceof Duration) return quoteString(formatDurationMs(v.ms));
  if (v instanceof Date) return v.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (typeof v === 'string') return quoteString(v);
  if (typeof v === 'number') return renderNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const inner = indent + '  ';
    if (v.every((x) => !isEntries(x) && !Array.isArray(x))) return `[${v.map((x) => renderValue(x, inner)).join(', ')}]`;
    return `[\n${v.map((x) => inner + renderValue(x, inner)).join('\n')}\n${indent}]`;
  }
  if (isEntries(v)) {
    if (v.__entries.length === 0) return '{}';
    return `{\n${renderEntries(v, indent + '  ')}${indent}}`;
  }
  throw new Error('cannot render undefined');
}

function renderEntries(e: Entries, indent: string): string {
  let out = '';
  for (const [k, v] of e.__entries) out += `${indent}${renderKey(k)}: ${renderValue(v, indent)}\n`;
  return out;
}

/** A plain JS value (passthrough blocks) as a conf value. */
function fromPlain(v: unknown): Value {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (Array.isArray(v)) return v.map(fromPlain).filter((x) => x !== undefined);
  if (typeof v === 'object') return entries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromPlain(x)]));
  return String(v);
}

const nonEmpty = <T>(a: T[] | undefined): T[] | undefined => (a && a.length ? a : undefined);

function subjectPerm(p: SubjectPermission | undefined): Value {
  if (!p || (p.allow === undefined && p.deny === undefined)) return undefined;
  return entries([
    ['allow', p.allow],
    ['deny', p.deny],
  ]);
}

function permissions(p: Permissions | undefined): Value {
  if (!p) return undefined;
  return entries([
    ['publish', subjectPerm(p.publish)],
    ['subscribe', subjectPerm(p.subscribe)],
    [
      'allow_responses',
      p.allowResponses
        ? entries([
            ['max', p.allowResponses.maxMsgs],
            ['expires', new Duration(p.allowResponses.expires)],
          ])
        : undefined,
    ],
  ]);
}

function user(u: User): Value {
  return entries([
    ['user', u.user],
    ['password', u.password],
    ['nkey', u.nkey],
    ['permissions', permissions(u.permissions)],
    ['allowed_connection_types', u.allowedConnectionTypes],
  ]);
}

function tls(t: TlsOptions | undefined): Value {
  if (!t) return undefined;
  return entries([
    ['cert_file', t.certFile],
    ['key_file', t.keyFile],
    ['ca_file', t.caFile],
    ['verify', t.verify],
    ['verify_and_map', t.verifyAndMap],
    ['verify_cert_and_check_known_urls', t.verifyCertAndCheckKnownUrls],
    ['insecure', t.insecure],
    ['timeout', t.timeout],
    ['cipher_suites', t.cipherSuites],
    ['curve_preferences', t.curvePreferences],
    ['pinned_certs', t.pinnedCerts],
    ['connection_rate_limit', t.connectionRateLimit],
  ]);
}

function simpleAuth(a: SimpleAuthorization | undefined): Value {
  if (!a) return undefined;
  return entries([
    ['user', a.user],
    ['password', a.password],
    ['timeout', a.timeout],
  ]);
}

function mappings(m: Mappings | undefined): Value {
  if (!m) return undefined;
  return entries(
    Object.entries(m).map(([src, d]): [string, Value] => [
      src,
      typeof d === 'string'
        ? d
        : d.map((x) => entries([['destination', x.destination], ['weight', x.weight], ['cluster', x.cluster]])),
    ]),
  );
}

function exportEntry(x: Export): Value {
  return entries([
    ['stream', x.stream],
    ['service', x.service],
    ['accounts', x.accounts],
    ['response_type', x.responseType],
    ['response_threshold', x.responseThreshold !== undefined ? new Duration(x.responseThreshold) : undefined],
    ['account_token_position', x.accountTokenPosition],
    ['latency', x.latency ? entries([['subject', x.latency.subject], ['sampling', x.latency.sampling]]) : undefined],
  ]);
}

function importEntry(i: Import): Value {
  const src = (s: { account: string; subject: string } | undefined): Value =>
    s ? entries([['account', s.account], ['subject', s.subject]]) : undefined;
  return entries([
    ['stream', src(i.stream)],
    ['service', src(i.service)],
    ['prefix', i.prefix],
    ['to', i.to],
    ['share', i.share],
  ]);
}

function account(a: Account, extraUsers: User[]): Value {
  const users = [...(a.users ?? []), ...extraUsers];
  return entries([
    ['nkey', a.nkey],
    ['users', a.users || extraUsers.length ? users.map((u) => user({ ...u, account: undefined })) : undefined],
    ['exports', a.exports?.map(exportEntry)],
    ['imports', a.imports?.map(importEntry)],
    [
      'limits',
      a.limits
        ? entries([
            ['max_connections', a.limits.maxConnections],
            ['max_subscriptions', a.limits.maxSubscriptions],
            ['max_payload', a.limits.maxPayload],
            ['max_leafnodes', a.limits.maxLeafnodes],
          ])
        : undefined,
    ],
    ['default_permissions', permissions(a.defaultPermissions)],
    ['mappings', mappings(a.mappings)],
  ]);
}

function cluster(c: ClusterOptions | undefined): Value {
  if (!c) return undefined;
  return entries([
    ['name', c.name],
    ['host', c.host],
    ['port', c.port],
    ['advertise', c.advertise],
    ['no_advertise', c.noAdvertise],
    ['connect_retries', c.connectRetries],
    ['routes', c.routes],
    ['authorization', simpleAuth(c.authorization)],
    ['tls', tls(c.tls)],
    [
      'permissions',
      c.permissions ? entries([['import', subjectPerm(c.permissions.import)], ['export', subjectPerm(c.permissions.export)]]) : undefined,
    ],
  ]);
}

function gateway(g: GatewayOptions | undefined): Value {
  if (!g) return undefined;
  return entries([
    ['name', g.name],
    ['host', g.host],
    ['port', g.port],
    ['advertise', g.advertise],
    ['connect_retries', g.connectRetries],
    ['reject_unknown', g.rejectUnknown],
    ['authorization', simpleAuth(g.authorization)],
    ['tls', tls(g.tls)],
    ['gateways', g.gateways?.map((r) => entries([['name', r.name], ['urls', r.urls], ['tls', tls(r.tls)]]))],
  ]);
}

/** `resolver`: `MEMORY`, `URL(<url>)`, or the directory resolver's block. */
function resolver(r: ResolverOptions | undefined): Value {
  if (!r) return undefined;
  if (r.type === 'memory') return 'MEMORY';
  if (r.type === 'url') return `URL(${r.url})`;
  return entries([
    ['type', r.type],
    ['dir', r.dir],
    ['allow_delete', r.allowDelete],
    ['interval', r.interval !== undefined ? new Duration(r.interval) : undefined],
    ['limit', r.limit],
    ['ttl', r.ttl !== undefined ? new Duration(r.ttl) : undefined],
    ['timeout', r.timeout !== undefined ? new Duration(r.timeout) : undefined],
  ]);
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The top-level entries of the model, in the writer's order (undefined values dropped). */
function topEntries(input: Options | OptionsInput): Entries {
  const o = resolveOptions(input as OptionsInput);
  const d = resolveOptions({});
  const changed = <K extends keyof Options>(k: K): Options[K] | undefined => (same(o[k], d[k]) ? undefined : o[k]);
  const dur = (k: 'pingInterval' | 'writeDeadline' | 'lameDuckDuration' | 'lameDuckGracePeriod'): Value => {
    const v = changed(k);
    return v === undefined ? undefined : new Duration(v);
  };

  // Users that name an account live in that account's block.
  const movedUsers = new Map<string, User[]>();
  const authUsers: User[] = [];
  for (const u of o.authorization?.users ?? []) {
    if (u.account) movedUsers.set(u.account, [...(movedUsers.get(u.account) ?? []), u]);
    else authUsers.push(u);
  }
  let auth: Value;
  if (o.authorization || o.authTimeout !== undefined) {
    const a: Authorization = o.authorization ?? {};
    auth = entries([
      ['user', a.user],
      ['password', a.password],
      ['token', a.token],
      ['timeout', o.authTimeout],
      ['users', a.users ? authUsers.map(user) : undefined],
      ['default_permissions', permissions(a.defaultPermissions)],
    ]);
  }
  let accounts: Value;
  const accNames = new Set([...Object.keys(o.accounts ?? {}), ...movedUsers.keys()]);
  if (o.accounts || accNames.size) {
    accounts = entries([...accNames].map((n): [string, Value] => [n, account(o.accounts?.[n] ?? {}, movedUsers.get(n) ?? [])]));
  }
  const http =
    o.httpHost !== undefined
      ? ([
          ['http', `${o.httpHost.includes(':') ? `[${o.httpHost}]` : o.httpHost}:${o.httpPort}`],
          ['https_port', changed('httpsPort')],
        ] as [string, Value][])
      : ([
          ['http_port', changed('httpPort')],
          ['https_port', changed('httpsPort')],
        ] as [string, Value][]);

  return entries([
    ['server_name', o.serverName],
    ['host', changed('host')],
    ['port', changed('port')],
    ['client_advertise', o.clientAdvertise],
    ...http,
    ['http_base_path', o.httpBasePath],
    ['max_payload', changed('maxPayload')],
    ['max_control_line', changed('maxControlLine')],
    ['max_connections', changed('maxConnections')],
    ['max_pending', changed('maxPending')],
    ['max_subscriptions', changed('maxSubscriptions')],
    ['max_sub_tokens', changed('maxSubTokens')],
    ['ping_interval', dur('pingInterval')],
    ['ping_max', changed('pingMax')],
    ['write_deadline', dur('writeDeadline')],
    ['lame_duck_duration', dur('lameDuckDuration')],
    ['lame_duck_grace_period', dur('lameDuckGracePeriod')],
    ['no_header_support', changed('noHeaderSupport')],
    ['disable_sublist_cache', changed('disableSublistCache')],
    ['max_traced_msg_len', changed('maxTracedMsgLen')],
    // trace_verbose also turns trace on, so trace follows it.
    ['trace_verbose', changed('traceVerbose')],
    ['debug', changed('debug')],
    ['trace', o.traceVerbose !== d.traceVerbose ? o.trace : changed('trace')],
    ['logtime', changed('logtime')],
    ['logfile', o.logFile],
    ['log_size_limit', changed('logSizeLimit')],
    ['syslog', changed('syslog')],
    ['remote_syslog', o.remoteSyslog],
    ['pidfile', o.pidFile],
    ['ports_file_dir', o.portsFileDir],
    ['prof_port', changed('profPort')],
    ['connect_error_reports', changed('connectErrorReports')],
    ['reconnect_error_reports', changed('reconnectErrorReports')],
    ['server_tags', o.serverTags],
    ['system_account', o.systemAccount],
    ['no_system_account', changed('noSystemAccount')],
    ['no_auth_user', o.noAuthUser],
    ['operator', o.operator],
    ['trusted', o.trustedKeys],
    ['resolver', resolver(o.resolver)],
    ['resolver_tls', tls(o.resolverTls)],
    ['resolver_preload', o.resolverPreload ? entries(Object.entries(o.resolverPreload)) : undefined],
    ['resolver_pinned_accounts', o.resolverPinnedAccounts],
    ['authorization', auth],
    ['accounts', accounts],
    ['mappings', mappings(o.mappings)],
    ['tls', tls(o.tls)],
    ['allow_non_tls', changed('allowNonTls')],
    ['cluster', cluster(o.cluster)],
    ['gateway', gateway(o.gateway)],
    ...Object.entries(o.passthrough ?? {}).map(([k, v]): [string, Value] => [k, fromPlain(v)]),
  ]);
}
void nonEmpty;

/** One rendered top-level entry: its conf key and its text (`key: value\n`, maybe several lines). */
export interface RenderedEntry {
  key: string;
  text: string;
}

/**
 * The model's top-level entries, each rendered on its own, in the writer's order; their
 * concatenation is `writeConfig`'s body. The patching writer (`patch.ts`) splices single ones.
 */
export function renderTopLevel(input: Options | OptionsInput): RenderedEntry[] {
  return topEntries(input).__entries.map(([k, v]) => ({ key: k, text: renderEntries(entries([[k, v]]), '') }));
}

/** Renders options as conf text. Accepts a full `Options` or an `OptionsInput`. */
export function writeConfig(input: Options | OptionsInput, opts: { header?: string } = {}): string {
  const top = topEntries(input);
  const header = opts.header ? opts.header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n') + '\n' : '';
  return header + renderEntries(top, '');
}
