import type { ConnInfo, Gatewayz, GatewayzOptions, Leafz, LeafzOptions, Routez, RoutezOptions } from '@switchboard/shared';
import type { GatewayLinkView, GatewayStatus, ServerView } from '../contracts/index.js';
import { openTimes, trafficCounts } from './connz.js';
import { rfc3339 } from './format.js';

/** A server that may have gateways (the composition root adds `gateways`). */
export type GatewayAwareServer = ServerView & { readonly gateways?: GatewayStatus | null };

/** nats-server's interest_only_threshold (defaultGatewayMaxRUnsubBeforeSwitch). */
const INTEREST_ONLY_THRESHOLD = 1000;

function permissionJson(p: { allow?: string[]; deny?: string[] } | undefined): { allow?: string[]; deny?: string[] } | undefined {
  if (!p) return undefined;
  const out: { allow?: string[]; deny?: string[] } = {};
  if (p.allow && p.allow.length > 0) out.allow = [...p.allow];
  if (p.deny && p.deny.length > 0) out.deny = [...p.deny];
  return out;
}

/** /routez: the registered route connections (nats-server Routez). */
export function routez(server: ServerView, options: RoutezOptions = {}): Routez {
  const r: Partial<Routez> = { server_id: server.serverId, now: rfc3339(Date.now()) };
  const perms = server.opts.cluster?.permissions;
  const imp = permissionJson(perms?.import);
  const exp = permissionJson(perms?.export);
  if (imp) r.import = imp;
  if (exp) r.export = exp;
  const routes = server.cluster === null ? [] : [...server.cluster.routes.values()];
  const now = Date.now();
  r.num_routes = routes.length;
  r.routes = routes.map((rt) => {
    const ri: Routez['routes'][number] = {
      rid: rt.cid,
      remote_id: rt.remoteId,
      did_solicit: rt.didSolicit,
      is_configured: rt.isConfigured,
      ...openTimes(rt, now),
      pending_size: rt.pendingBytes,
      ...trafficCounts(rt),
      subscriptions: rt.subs.size,
    };
    const ip = permissionJson(rt.remoteImport);
    const ep = permissionJson(rt.remoteExport);
    if (ip) ri.import = ip;
    if (ep) ri.export = ep;
    if (rt.subs.size > 0 && options.subs === 'detail') {
      ri.subscriptions_list_detail = [...rt.subs.values()].map((s) => {
        const d: { account?: string; subject: string; qgroup?: string; sid: string; msgs: number; cid: number } = { subject: s.subject, sid: s.sid, msgs: s.nm, cid: rt.cid };
        if (s.queue !== null) d.qgroup = s.queue;
        return d;
      }) as never;
    } else if (rt.subs.size > 0 && options.subs) ri.subscriptions_list = [...rt.subs.values()].map((s) => s.subject);
    return ri;
  });
  return r as Routez;
}

/** /gatewayz: this server's gateway connections (nats-server Gatewayz; `accounts`/`accountName` add interest per account). */
export function gatewayz(server: GatewayAwareServer, options: GatewayzOptions = {}): Gatewayz {
  const now = Date.now();
  const g = server.gateways ?? null;
  if (g === null) return { server_id: server.serverId, now: rfc3339(now), outbound_gateways: {}, inbound_gateways: {} };
  const target = options.name ?? '';
  const doAccs = options.accounts === true || (options.accountName ?? '') !== '';
  const out: Gatewayz['outbound_gateways'] = {};
  for (const l of g.outbound()) {
    if (target !== '' && l.name !== target) continue;
    out[l.name] = remoteGatewayz(l, now, doAccs, options.accountName);
  }
  const inb: Gatewayz['inbound_gateways'] = {};
  for (const l of g.inbound()) {
    if (target !== '' && l.name !== target) continue;
    (inb[l.name] ??= []).push(remoteGatewayz(l, now, doAccs, options.accountName));
  }
  return { server_id: server.serverId, now: rfc3339(now), name: g.gatewayName, host: g.host, port: g.port, outbound_gateways: out, inbound_gateways: inb };
}

function remoteGatewayz(l: GatewayLinkView, now: number, doAccs: boolean, accountName: string | undefined): Gatewayz['outbound_gateways'][string] {
  const r: Gatewayz['outbound_gateways'][string] = { configured: l.configured, connection: gatewayConnInfo(l, now) };
  if (doAccs) {
    r.accounts = l.accounts(accountName || undefined).map((a) => {
      const e: NonNullable<typeof r.accounts>[number] = { name: a.name, interest_mode: a.mode };
      if (a.noInterest > 0) e.no_interest_count = a.noInterest;
      e.interest_only_threshold = INTEREST_ONLY_THRESHOLD;
      if (a.subs > 0) e.num_subs = a.subs;
      if (a.queueSubs > 0) e.num_queue_subs = a.queueSubs;
      return e;
    });
  }
  return r;
}

/** ConnInfo of a gateway connection as nats-server fills it (`name` is the remote server's id). */
function gatewayConnInfo(l: GatewayLinkView, now: number): ConnInfo {
  const c = l.conn;
  const ci: ConnInfo = {
    cid: c.cid,
    kind: 'Gateway',
    ...openTimes(c, now),
    pending_bytes: c.pendingBytes,
    ...trafficCounts(c),
    subscriptions: l.subscriptions,
  };
  if (l.remoteId) ci.name = l.remoteId;
  if (l.tls !== null) {
    ci.tls_version = l.tls.version;
    ci.tls_cipher_suite = l.tls.cipher;
  }
  return ci;
}

/** /leafz: leafnode connections (Switchboard has none). */
export function leafz(server: ServerView, _options: LeafzOptions = {}): Leafz {
  return { server_id: server.serverId, now: rfc3339(Date.now()), leafnodes: 0, leafs: [] };
}
