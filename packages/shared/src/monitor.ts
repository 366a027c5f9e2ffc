import { z } from 'zod';

/*
 * Contracts of the monitoring views (/varz, /connz, … and the $SYS.REQ.SERVER.PING.<X> services).
 * Result schemas use nats-server 2.9.10's JSON field names so its tools read ours; optional
 * fields are the ones nats-server omits when empty. Durations are nanoseconds, times RFC 3339.
 * Option schemas are Switchboard's typed (camelCase) options; `parse*Query` decode an HTTP query
 * string with nats-server's rules and its 400 messages.
 */

// ---------------------------------------------------------------------------------------------
// Errors

/** A monitoring request that can not be served; `status` is the HTTP status nats-server uses. */
export class MonitorError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 500 | 503 = 400,
  ) {
    super(message);
    this.name = 'MonitorError';
  }
}

// ---------------------------------------------------------------------------------------------
// Options

export const SORT_OPTIONS = ['cid', 'start', 'subs', 'pending', 'msgs_to', 'msgs_from', 'bytes_to', 'bytes_from', 'last', 'idle', 'uptime', 'stop', 'reason'] as const;
export const SortOptSchema = z.enum(SORT_OPTIONS);
export type SortOpt = z.output<typeof SortOptSchema>;
/** Direction of each sort key (nats-server: only cid/start, uptime and reason ascend). */
export const SORT_DIRECTION: Record<SortOpt, 'asc' | 'desc'> = {
  cid: 'asc',
  start: 'asc',
  subs: 'desc',
  pending: 'desc',
  msgs_to: 'desc',
  msgs_from: 'desc',
  bytes_to: 'desc',
  bytes_from: 'desc',
  last: 'desc',
  idle: 'desc',
  uptime: 'asc',
  stop: 'desc',
  reason: 'asc',
};

export const ConnStateSchema = z.enum(['open', 'closed', 'any']);
export type ConnState = z.output<typeof ConnStateSchema>;

export const ConnzOptionsSchema = z.object({
  /** Any string is accepted here; connz() rejects unknown keys with nats-server's message. */
  sort: z.string().optional(),
  /** Adds authorized_user, account, jwt, issuer_key, tags, name_tag. */
  auth: z.boolean().optional(),
  /** true: subscriptions_list; 'detail': subscriptions_list_detail. */
  subs: z.union([z.boolean(), z.literal('detail')]).optional(),
  offset: z.number().int().optional(),
  /** Default 1024. */
  limit: z.number().int().optional(),
  /** One connection only (forces limit 1). */
  cid: z.number().int().min(0).optional(),
  state: ConnStateSchema.optional(),
  user: z.string().optional(),
  acc: z.string().optional(),
  /** Only with `acc`: connections with a subscription colliding with this subject. */
  filterSubject: z.string().optional(),
  mqttClient: z.string().optional(),
});
export type ConnzOptions = z.input<typeof ConnzOptionsSchema>;

export const RoutezOptionsSchema = z.object({ subs: z.union([z.boolean(), z.literal('detail')]).optional() });
export type RoutezOptions = z.input<typeof RoutezOptionsSchema>;

export const GatewayzOptionsSchema = z.object({
  name: z.string().optional(),
  accounts: z.boolean().optional(),
  accountName: z.string().optional(),
});
export type GatewayzOptions = z.input<typeof GatewayzOptionsSchema>;

export const LeafzOptionsSchema = z.object({ subs: z.boolean().optional(), account: z.string().optional() });
export type LeafzOptions = z.input<typeof LeafzOptionsSchema>;

export const SubszOptionsSchema = z.object({
  subs: z.boolean().optional(),
  offset: z.number().int().optional(),
  limit: z.number().int().optional(),
  /** A literal (publish) subject: only subscriptions it would reach. */
  test: z.string().optional(),
  acc: z.string().optional(),
});
export type SubszOptions = z.input<typeof SubszOptionsSchema>;

export const AccountzOptionsSchema = z.object({ acc: z.string().optional() });
export type AccountzOptions = z.input<typeof AccountzOptionsSchema>;

export const AccountStatzOptionsSchema = z.object({
  accounts: z.array(z.string()).optional(),
  includeUnused: z.boolean().optional(),
});
export type AccountStatzOptions = z.input<typeof AccountStatzOptionsSchema>;

export const HealthzOptionsSchema = z.object({
  jsEnabledOnly: z.boolean().optional(),
  jsServerOnly: z.boolean().optional(),
});
export type HealthzOptions = z.input<typeof HealthzOptionsSchema>;

/** Filters every $SYS.REQ.SERVER request may carry; a server that does not match stays silent. */
export const EventFilterOptionsSchema = z.object({
  server_name: z.string().optional(),
  cluster: z.string().optional(),
  host: z.string().optional(),
  tags: z.array(z.string()).optional(),
  domain: z.string().optional(),
});
export type EventFilterOptions = z.output<typeof EventFilterOptionsSchema>;

// ---------------------------------------------------------------------------------------------
// HTTP query decoding (nats-server's monitor.go decode* rules and messages)

export type QueryInput = URLSearchParams | Record<string, string | string[] | undefined>;

function q(query: QueryInput, key: string): string {
  if (query instanceof URLSearchParams) return query.get(key) ?? '';
  const v = query[key];
  if (Array.isArray(v)) return v[0] ?? '';
  return v ?? '';
}

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export function decodeBool(query: QueryInput, key: string): boolean {
  const s = q(query, key);
  if (s === '') return false;
  if (GO_TRUE.has(s)) return true;
  if (GO_FALSE.has(s)) return false;
  throw new MonitorError(`Error decoding boolean for '${key}': strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
}

export function decodeInt(query: QueryInput, key: string): number {
  const s = q(query, key);
  if (s === '') return 0;
  if (!/^[+-]?\d+$/.test(s)) throw new MonitorError(`Error decoding int for '${key}': strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new MonitorError(`Error decoding int for '${key}': strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

export function decodeUint(query: QueryInput, key: string): number {
  const s = q(query, key);
  if (s === '') return 0;
  if (!/^\d+$/.test(s)) throw new MonitorError(`Error decoding uint64 for '${key}': strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new MonitorError(`Error decoding uint64 for '${key}': strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

export function decodeState(query: QueryInput): ConnState {
  const s = q(query, 'state');
  if (s === '') return 'open';
  switch (s.toLowerCase()) {
    case 'open':
      return 'open';
    case 'closed':
      return 'closed';
    case 'any':
    case 'all':
      return 'any';
  }
  throw new MonitorError(`Error decoding state for ${s}`);
}

/** `subs=detail` or a boolean. */
export function decodeSubs(query: QueryInput): boolean | 'detail' {
  if (q(query, 'subs').toLowerCase() === 'detail') return 'detail';
  return decodeBool(query, 'subs');
}

/** `/connz?sort=&auth=&subs=&offset=&limit=&cid=&state=&user=&acc=&mqtt_client=` */
export function parseConnzQuery(query: QueryInput): ConnzOptions {
  const sort = q(query, 'sort');
  const auth = decodeBool(query, 'auth');
  const subs = decodeSubs(query);
  const offset = decodeInt(query, 'offset');
  const limit = decodeInt(query, 'limit');
  const cid = decodeUint(query, 'cid');
  const state = decodeState(query);
  const opts: ConnzOptions = { auth, subs, offset, limit, cid, state };
  if (sort !== '') opts.sort = sort;
  const user = q(query, 'user');
  const acc = q(query, 'acc');
  const mqtt = q(query, 'mqtt_client');
  if (user !== '') opts.user = user;
  if (acc !== '') opts.acc = acc;
  if (mqtt !== '') opts.mqttClient = mqtt;
  return opts;
}

/** `/routez?subs=true|detail` */
export function parseRoutezQuery(query: QueryInput): RoutezOptions {
  return { subs: decodeSubs(query) };
}

/** `/gatewayz?accs=&gw_name=&acc_name=` (acc_name implies accs). */
export function parseGatewayzQuery(query: QueryInput): GatewayzOptions {
  const accounts = decodeBool(query, 'accs');
  const name = q(query, 'gw_name');
  const accountName = q(query, 'acc_name');
  const o: GatewayzOptions = { accounts: accounts || accountName !== '' };
  if (name !== '') o.name = name;
  if (accountName !== '') o.accountName = accountName;
  return o;
}

/** `/leafz?subs=&acc=` */
export function parseLeafzQuery(query: QueryInput): LeafzOptions {
  const subs = decodeBool(query, 'subs');
  const account = q(query, 'acc');
  return account !== '' ? { subs, account } : { subs };
}

/** `/subsz?subs=&offset=&limit=&test=&acc=` */
export function parseSubszQuery(query: QueryInput): SubszOptions {
  const subs = decodeBool(query, 'subs');
  const offset = decodeInt(query, 'offset');
  const limit = decodeInt(query, 'limit');
  const o: SubszOptions = { subs, offset, limit };
  const test = q(query, 'test');
  const acc = q(query, 'acc');
  if (test !== '') o.test = test;
  if (acc !== '') o.acc = acc;
  return o;
}

/** `/accountz?acc=` */
export function parseAccountzQuery(query: QueryInput): AccountzOptions {
  const acc = q(query, 'acc');
  return acc !== '' ? { acc } : {};
}

/** `/accstatz?unused=` */
export function parseAccountStatzQuery(query: QueryInput): AccountStatzOptions {
  return { includeUnused: decodeBool(query, 'unused') };
}

/** `/healthz?js-enabled-only=&js-server-only=` (`js-enabled` is the deprecated alias). */
export function parseHealthzQuery(query: QueryInput): HealthzOptions {
  const legacy = decodeBool(query, 'js-enabled');
  const only = decodeBool(query, 'js-enabled-only');
  const server = decodeBool(query, 'js-server-only');
  return { jsEnabledOnly: legacy || only, jsServerOnly: server };
}

// ---------------------------------------------------------------------------------------------
// Results

const time = z.string();
export const DataStatsSchema = z.object({ msgs: z.number(), bytes: z.number() });
export type DataStats = z.output<typeof DataStatsSchema>;

export const SubDetailSchema = z.object({
  account: z.string().optional(),
  subject: z.string(),
  qgroup: z.string().optional(),
  sid: z.string(),
  msgs: z.number(),
  max: z.number().optional(),
  cid: z.number(),
});
export type SubDetail = z.output<typeof SubDetailSchema>;

export const ConnInfoSchema = z.object({
  cid: z.number(),
  kind: z.string().optional(),
  type: z.string().optional(),
  ip: z.string(),
  port: z.number(),
  start: time,
  last_activity: time,
  stop: time.optional(),
  reason: z.string().optional(),
  /** Go duration string, e.g. "1.5ms". */
  rtt: z.string().optional(),
  uptime: z.string(),
  idle: z.string(),
  pending_bytes: z.number(),
  in_msgs: z.number(),
  out_msgs: z.number(),
  in_bytes: z.number(),
  out_bytes: z.number(),
  subscriptions: z.number(),
  name: z.string().optional(),
  lang: z.string().optional(),
  version: z.string().optional(),
  tls_version: z.string().optional(),
  tls_cipher_suite: z.string().optional(),
  tls_peer_certs: z.array(z.object({ subject: z.string().optional(), spki_sha256: z.string().optional(), cert_sha256: z.string().optional() })).optional(),
  authorized_user: z.string().optional(),
  account: z.string().optional(),
  subscriptions_list: z.array(z.string()).optional(),
  subscriptions_list_detail: z.array(SubDetailSchema).optional(),
  jwt: z.string().optional(),
  issuer_key: z.string().optional(),
  name_tag: z.string().optional(),
  tags: z.array(z.string()).optional(),
  mqtt_client: z.string().optional(),
});
export type ConnInfo = z.output<typeof ConnInfoSchema>;

export const ConnzSchema = z.object({
  server_id: z.string(),
  now: time,
  num_connections: z.number(),
  total: z.number(),
  offset: z.number(),
  limit: z.number(),
  connections: z.array(ConnInfoSchema),
});
export type Connz = z.output<typeof ConnzSchema>;

const SubjectPermissionJson = z.object({ allow: z.array(z.string()).optional(), deny: z.array(z.string()).optional() });

export const RouteInfoSchema = z.object({
  rid: z.number(),
  remote_id: z.string(),
  did_solicit: z.boolean(),
  is_configured: z.boolean(),
  ip: z.string(),
  port: z.number(),
  start: time,
  last_activity: time,
  rtt: z.string().optional(),
  uptime: z.string(),
  idle: z.string(),
  import: SubjectPermissionJson.optional(),
  export: SubjectPermissionJson.optional(),
  pending_size: z.number(),
  in_msgs: z.number(),
  out_msgs: z.number(),
  in_bytes: z.number(),
  out_bytes: z.number(),
  subscriptions: z.number(),
  subscriptions_list: z.array(z.string()).optional(),
  subscriptions_list_detail: z.array(SubDetailSchema).optional(),
});
export type RouteInfo = z.output<typeof RouteInfoSchema>;

export const RoutezSchema = z.object({
  server_id: z.string(),
  now: time,
  import: SubjectPermissionJson.optional(),
  export: SubjectPermissionJson.optional(),
  num_routes: z.number(),
  routes: z.array(RouteInfoSchema),
});
export type Routez = z.output<typeof RoutezSchema>;

export const AccountGatewayzSchema = z.object({
  name: z.string(),
  interest_mode: z.string(),
  no_interest_count: z.number().optional(),
  interest_only_threshold: z.number().optional(),
  num_subs: z.number().optional(),
  num_queue_subs: z.number().optional(),
});
export const RemoteGatewayzSchema = z.object({
  configured: z.boolean(),
  connection: ConnInfoSchema.optional(),
  accounts: z.array(AccountGatewayzSchema).optional(),
});
export const GatewayzSchema = z.object({
  server_id: z.string(),
  now: time,
  name: z.string().optional(),
  host: z.string().optional(),
  port: z.number().optional(),
  outbound_gateways: z.record(z.string(), RemoteGatewayzSchema),
  inbound_gateways: z.record(z.string(), z.array(RemoteGatewayzSchema)),
});
export type Gatewayz = z.output<typeof GatewayzSchema>;

export const LeafzSchema = z.object({
  server_id: z.string(),
  now: time,
  leafnodes: z.number(),
  leafs: z.array(z.record(z.string(), z.unknown())),
});
export type Leafz = z.output<typeof LeafzSchema>;

export const SublistStatsSchema = z.object({
  num_subscriptions: z.number(),
  num_cache: z.number(),
  num_inserts: z.number(),
  num_removes: z.number(),
  num_matches: z.number(),
  cache_hit_rate: z.number(),
  max_fanout: z.number(),
  avg_fanout: z.number(),
});
export type SublistStats = z.output<typeof SublistStatsSchema>;

export const SubszSchema = SublistStatsSchema.extend({
  server_id: z.string(),
  now: time,
  total: z.number(),
  offset: z.number(),
  limit: z.number(),
  subscriptions_list: z.array(SubDetailSchema).optional(),
});
export type Subsz = z.output<typeof SubszSchema>;

const looseObject = z.record(z.string(), z.unknown());

export const VarzSchema = z.object({
  server_id: z.string(),
  server_name: z.string(),
  version: z.string(),
  proto: z.number(),
  git_commit: z.string().optional(),
  go: z.string(),
  host: z.string(),
  port: z.number(),
  auth_required: z.boolean().optional(),
  tls_required: z.boolean().optional(),
  tls_verify: z.boolean().optional(),
  ip: z.string().optional(),
  connect_urls: z.array(z.string()).optional(),
  ws_connect_urls: z.array(z.string()).optional(),
  max_connections: z.number(),
  max_subscriptions: z.number().optional(),
  /** Nanoseconds. */
  ping_interval: z.number(),
  ping_max: z.number(),
  http_host: z.string(),
  http_port: z.number(),
  http_base_path: z.string(),
  https_port: z.number(),
  /** Seconds. */
  auth_timeout: z.number(),
  max_control_line: z.number(),
  max_payload: z.number(),
  max_pending: z.number(),
  cluster: looseObject,
  gateway: looseObject,
  leaf: looseObject,
  mqtt: looseObject,
  websocket: looseObject,
  jetstream: looseObject,
  tls_timeout: z.number(),
  /** Nanoseconds. */
  write_deadline: z.number(),
  start: time,
  now: time,
  uptime: z.string(),
  mem: z.number(),
  cores: z.number(),
  gomaxprocs: z.number(),
  cpu: z.number(),
  connections: z.number(),
  total_connections: z.number(),
  routes: z.number(),
  remotes: z.number(),
  leafnodes: z.number(),
  in_msgs: z.number(),
  out_msgs: z.number(),
  in_bytes: z.number(),
  out_bytes: z.number(),
  slow_consumers: z.number(),
  subscriptions: z.number(),
  http_req_stats: z.record(z.string(), z.number()),
  config_load_time: time,
  tags: z.array(z.string()).optional(),
  trusted_operators_jwt: z.array(z.string()).optional(),
  trusted_operators_claim: z.array(z.unknown()).optional(),
  system_account: z.string().optional(),
  pinned_account_fails: z.number().optional(),
});
export type Varz = z.output<typeof VarzSchema>;

export const ExtExportSchema = z.object({
  name: z.string().optional(),
  subject: z.string(),
  type: z.enum(['stream', 'service']),
  token_req: z.boolean().optional(),
  response_type: z.string().optional(),
  /** Nanoseconds. */
  response_threshold: z.number().optional(),
  service_latency: z.object({ sampling: z.union([z.number(), z.string()]), results: z.string() }).optional(),
  account_token_position: z.number().optional(),
  approved_accounts: z.array(z.string()).optional(),
});
export type ExtExport = z.output<typeof ExtExportSchema>;

export const ExtImportSchema = z.object({
  subject: z.string().optional(),
  account: z.string().optional(),
  to: z.string().optional(),
  local_subject: z.string().optional(),
  type: z.enum(['stream', 'service']),
  invalid: z.boolean(),
  share: z.boolean(),
  tracking: z.boolean(),
});
export type ExtImport = z.output<typeof ExtImportSchema>;

export const MapDestJsonSchema = z.object({ subject: z.string(), weight: z.number(), cluster: z.string().optional() });

export const AccountInfoSchema = z.object({
  account_name: z.string(),
  update_time: time,
  is_system: z.boolean().optional(),
  expired: z.boolean(),
  complete: z.boolean(),
  jetstream_enabled: z.boolean(),
  leafnode_connections: z.number(),
  client_connections: z.number(),
  subscriptions: z.number(),
  mappings: z.record(z.string(), z.array(MapDestJsonSchema)).optional(),
  exports: z.array(ExtExportSchema).optional(),
  imports: z.array(ExtImportSchema).optional(),
  jwt: z.string().optional(),
  issuer_key: z.string().optional(),
  name_tag: z.string().optional(),
  tags: z.array(z.string()).optional(),
  decoded_jwt: z.unknown().optional(),
  validation_result_jwt: z.array(z.unknown()).optional(),
  revoked_user: z.record(z.string(), time).optional(),
  sublist_stats: SublistStatsSchema.optional(),
  responses: z.record(z.string(), ExtImportSchema).optional(),
});
export type AccountInfo = z.output<typeof AccountInfoSchema>;

export const AccountzSchema = z.object({
  server_id: z.string(),
  now: time,
  system_account: z.string().optional(),
  accounts: z.array(z.string()).optional(),
  account_detail: AccountInfoSchema.optional(),
});
export type Accountz = z.output<typeof AccountzSchema>;

export const AccountStatSchema = z.object({
  acc: z.string(),
  conns: z.number(),
  leafnodes: z.number(),
  total_conns: z.number(),
  sent: DataStatsSchema,
  received: DataStatsSchema,
  slow_consumers: z.number(),
});
export type AccountStat = z.output<typeof AccountStatSchema>;

export const AccountStatzSchema = z.object({
  server_id: z.string(),
  now: time,
  account_statz: z.array(AccountStatSchema),
});
export type AccountStatz = z.output<typeof AccountStatzSchema>;

export const HealthStatusSchema = z.object({
  status: z.enum(['ok', 'error', 'unavailable']),
  error: z.string().optional(),
});
export type HealthStatus = z.output<typeof HealthStatusSchema>;

// ---------------------------------------------------------------------------------------------
// $SYS events

/** The `server` block of every system event. */
export const ServerInfoSchema = z.object({
  name: z.string(),
  host: z.string(),
  id: z.string(),
  cluster: z.string().optional(),
  domain: z.string().optional(),
  ver: z.string(),
  tags: z.array(z.string()).optional(),
  seq: z.number(),
  jetstream: z.boolean(),
  time,
});
export type ServerInfo = z.output<typeof ServerInfoSchema>;

export const ClientInfoSchema = z.object({
  start: time.optional(),
  host: z.string().optional(),
  id: z.number().optional(),
  acc: z.string(),
  svc: z.string().optional(),
  user: z.string().optional(),
  name: z.string().optional(),
  lang: z.string().optional(),
  ver: z.string().optional(),
  /** Nanoseconds. */
  rtt: z.number().optional(),
  server: z.string().optional(),
  cluster: z.string().optional(),
  alts: z.array(z.string()).optional(),
  stop: time.optional(),
  jwt: z.string().optional(),
  issuer_key: z.string().optional(),
  name_tag: z.string().optional(),
  tags: z.array(z.string()).optional(),
  kind: z.string().optional(),
  client_type: z.string().optional(),
  client_id: z.string().optional(),
});
export type ClientInfo = z.output<typeof ClientInfoSchema>;

export const ServerStatsSchema = z.object({
  start: time,
  mem: z.number(),
  cores: z.number(),
  cpu: z.number(),
  connections: z.number(),
  total_connections: z.number(),
  active_accounts: z.number(),
  subscriptions: z.number(),
  sent: DataStatsSchema,
  received: DataStatsSchema,
  slow_consumers: z.number(),
  routes: z.array(z.object({ rid: z.number(), name: z.string().optional(), sent: DataStatsSchema, received: DataStatsSchema, pending: z.number() })).optional(),
  gateways: z.array(z.object({ gwid: z.number(), name: z.string(), sent: DataStatsSchema, received: DataStatsSchema, inbound_connections: z.number() })).optional(),
  active_servers: z.number().optional(),
  jetstream: z.unknown().optional(),
});
export type ServerStats = z.output<typeof ServerStatsSchema>;

export const ServerStatsMsgSchema = z.object({ server: ServerInfoSchema, statsz: ServerStatsSchema });
export type ServerStatsMsg = z.output<typeof ServerStatsMsgSchema>;

export const CONNECT_EVENT_TYPE = 'io.nats.server.advisory.v1.client_connect';
export const DISCONNECT_EVENT_TYPE = 'io.nats.server.advisory.v1.client_disconnect';
export const ACCOUNT_CONNS_EVENT_TYPE = 'io.nats.server.advisory.v1.account_connections';

export const ConnectEventMsgSchema = z.object({
  type: z.literal(CONNECT_EVENT_TYPE),
  id: z.string(),
  timestamp: time,
  server: ServerInfoSchema,
  client: ClientInfoSchema,
});
export type ConnectEventMsg = z.output<typeof ConnectEventMsgSchema>;

export const DisconnectEventMsgSchema = z.object({
  type: z.literal(DISCONNECT_EVENT_TYPE),
  id: z.string(),
  timestamp: time,
  server: ServerInfoSchema,
  client: ClientInfoSchema,
  sent: DataStatsSchema,
  received: DataStatsSchema,
  reason: z.string(),
});
export type DisconnectEventMsg = z.output<typeof DisconnectEventMsgSchema>;

export const AccountNumConnsSchema = AccountStatSchema.extend({
  type: z.literal(ACCOUNT_CONNS_EVENT_TYPE),
  id: z.string(),
  timestamp: time,
  server: ServerInfoSchema,
});
export type AccountNumConns = z.output<typeof AccountNumConnsSchema>;

export const ApiErrorSchema = z.object({ code: z.number(), description: z.string() });

/** Envelope of every $SYS.REQ.SERVER / ACCOUNT service response (except STATSZ and CONNS). */
export const ServerAPIResponseSchema = z.object({
  server: ServerInfoSchema,
  data: z.unknown().optional(),
  error: ApiErrorSchema.optional(),
});
export type ServerAPIResponse<T = unknown> = { server: ServerInfo; data?: T; error?: { code: number; description: string } };
