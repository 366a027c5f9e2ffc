import type { Varz } from '@switchboard/shared';
import type { ServerView } from '../contracts/index.js';
import { systemAccountName } from '../protocol/sys-subjects.js';
import { VERSION, GO_VERSION } from '../protocol/version.js';
import { msToNs, rfc3339, uptimeString } from './format.js';
import type { GatewayAwareServer } from './cluster.js';
import type { MonitoredServer } from './module.js';
import { processUsage } from './usage.js';

/** Options of varz(): none, as in nats-server. */
export type VarzOptions = Record<string, never>;

/** Message and byte totals: closed clients' counters plus the open clients' live ones. */
export function serverTotals(server: ServerView): { inMsgs: number; inBytes: number; outMsgs: number; outBytes: number; slowConsumers: number } {
  const s = server.stats;
  const t = { inMsgs: s.inMsgs, inBytes: s.inBytes, outMsgs: s.outMsgs, outBytes: s.outBytes, slowConsumers: s.slowConsumers };
  for (const c of server.clients.values()) {
    t.inMsgs += c.inMsgs;
    t.inBytes += c.inBytes;
    t.outMsgs += c.outMsgs;
    t.outBytes += c.outBytes;
  }
  // Route traffic counts too, as in nats-server's totals (closed routes are in `stats`).
  for (const r of server.cluster?.allRoutes() ?? []) {
    t.inMsgs += r.inMsgs;
    t.inBytes += r.inBytes;
    t.outMsgs += r.outMsgs;
    t.outBytes += r.outBytes;
  }
  return t;
}

/** Subscriptions in every account's sublist. */
export function totalSubscriptions(server: ServerView): number {
  let n = 0;
  for (const a of server.accounts.values()) n += a.sublist.size;
  return n;
}

function hostPort(advertise: string | undefined): string[] | undefined {
  return advertise ? [advertise] : undefined;
}

/** nats-server's TLS_TIMEOUT and AUTH_TIMEOUT, in seconds. */
const DEFAULT_TLS_TIMEOUT = 2;
const DEFAULT_AUTH_TIMEOUT = 2;

function clusterVarz(server: ServerView): Record<string, unknown> {
  const c = server.opts.cluster;
  const out: Record<string, unknown> = {};
  if (!c) return out;
  const live = server.cluster;
  const name = live !== null ? live.clusterName : c.name;
  if (name) out.name = name;
  if (c.host) out.addr = c.host;
  const port = live !== null && live.port > 0 ? live.port : c.port;
  if (port) out.cluster_port = port;
  // nats-server's defaults once a cluster port is set: TLS timeout 2 s, auth timeout 2 s (TLS timeout + 1 with TLS).
  const tlsTimeout = c.tls?.timeout || (port ? DEFAULT_TLS_TIMEOUT : 0);
  const authTimeout = c.authorization?.timeout || (port ? (c.tls ? tlsTimeout + 1 : DEFAULT_AUTH_TIMEOUT) : 0);
  if (authTimeout) out.auth_timeout = authTimeout;
  if (c.routes && c.routes.length > 0) out.urls = c.routes.map((u) => u.replace(/^[a-z-]+:\/\//, '').replace(/^[^@]*@/, ''));
  if (tlsTimeout) out.tls_timeout = tlsTimeout;
  if (c.tls) {
    out.tls_required = true;
    out.tls_verify = true;
  }
  return out;
}

function gatewayVarz(server: GatewayAwareServer): Record<string, unknown> {
  const g = server.opts.gateway;
  const out: Record<string, unknown> = {};
  if (!g) return out;
  const live = server.gateways ?? null;
  if (g.name) out.name = g.name;
  if (g.host) out.host = g.host;
  // The bound port once listening (nats-server writes a random port back into its options).
  const port = live !== null && live.port > 0 ? live.port : g.port;
  if (port) out.port = port;
  const tlsTimeout = g.tls?.timeout || (port ? DEFAULT_TLS_TIMEOUT : 0);
  const authTimeout = g.authorization?.timeout || (port ? (g.tls ? tlsTimeout + 1 : DEFAULT_AUTH_TIMEOUT) : 0);
  if (authTimeout) out.auth_timeout = authTimeout;
  if (tlsTimeout) out.tls_timeout = tlsTimeout;
  if (g.tls) {
    out.tls_required = true;
    out.tls_verify = true;
  }
  if (g.advertise) out.advertise = g.advertise;
  if (g.connectRetries) out.connect_retries = g.connectRetries;
  if (g.gateways && g.gateways.length > 0) {
    const known = new Map((live?.remotes() ?? []).map((r) => [r.name, r.urls]));
    out.gateways = g.gateways.map((r) => {
      const e: Record<string, unknown> = { name: r.name };
      if (r.tls?.timeout) e.tls_timeout = r.tls.timeout;
      // The live URL set (configured plus discovered) as nats-server reports it; the configured ones for our own cluster.
      const urls = known.get(r.name) ?? r.urls.map((u) => u.replace(/^[a-z-]+:\/\//, '').replace(/^[^@]*@/, ''));
      if (urls.length > 0) e.urls = [...urls];
      return e;
    });
  }
  if (g.rejectUnknown) out.reject_unknown = true;
  return out;
}

/** /varz: the server's identity, limits, configuration summary and runtime counters. */
export function varz(server: MonitoredServer, _options: VarzOptions = {}): Varz {
  const o = server.opts;
  const usage = processUsage();
  const totals = serverTotals(server);
  const now = Date.now();
  const monitoring = o.httpPort !== 0 || o.httpsPort !== 0;
  const v: Partial<Varz> = {
    server_id: server.serverId,
    server_name: server.name,
    version: VERSION,
    proto: 1,
    go: GO_VERSION,
    host: o.host,
    port: server.port,
  };
  if (server.authRequired()) v.auth_required = true;
  if (o.tls) {
    v.tls_required = true;
    if (o.tls.verify || o.tls.verifyAndMap) v.tls_verify = true;
  }
  const clusterUrls = server.cluster?.clientUrls() ?? [];
  const urls = clusterUrls.length > 0 ? clusterUrls : hostPort(o.clientAdvertise);
  if (urls && o.cluster) v.connect_urls = urls;
  v.max_connections = o.maxConnections;
  if (o.maxSubscriptions > 0) v.max_subscriptions = o.maxSubscriptions;
  v.ping_interval = msToNs(o.pingInterval);
  v.ping_max = o.pingMax;
  v.http_host = o.httpHost ?? (monitoring ? o.host : '');
  v.http_port = o.httpPort;
  v.http_base_path = o.httpBasePath ?? '';
  v.https_port = o.httpsPort;
  v.auth_timeout = server.authTimeoutSeconds();
  v.max_control_line = o.maxControlLine;
  v.max_payload = o.maxPayload;
  v.max_pending = o.maxPending;
  v.cluster = clusterVarz(server);
  v.gateway = gatewayVarz(server);
  v.leaf = {};
  v.mqtt = {};
  v.websocket = {};
  v.jetstream = {};
  v.tls_timeout = o.tls?.timeout ?? 2;
  v.write_deadline = msToNs(o.writeDeadline);
  v.start = rfc3339(server.startTime);
  v.now = rfc3339(now);
  v.uptime = uptimeString(now - server.startTime.getTime());
  v.mem = usage.mem;
  v.cores = usage.cores;
  v.gomaxprocs = usage.cores;
  v.cpu = usage.cpu;
  v.connections = server.clients.size;
  v.total_connections = server.stats.totalConnections;
  v.routes = server.cluster === null ? 0 : server.cluster.routes.size;
  v.remotes = 0;
  v.leafnodes = 0;
  v.in_msgs = totals.inMsgs;
  v.out_msgs = totals.outMsgs;
  v.in_bytes = totals.inBytes;
  v.out_bytes = totals.outBytes;
  v.slow_consumers = totals.slowConsumers;
  v.subscriptions = totalSubscriptions(server);
  v.http_req_stats = server.monitor.httpRequestStats();
  v.config_load_time = rfc3339(server.configLoadTime);
  if (o.serverTags && o.serverTags.length > 0) v.tags = [...o.serverTags];
  const sys = systemAccountName(o);
  if (sys) v.system_account = sys;
  return v as Varz;
}
