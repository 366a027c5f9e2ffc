import type { Gatewayz, GatewayzOptions, Leafz, LeafzOptions, Routez, RoutezOptions } from '@switchboard/shared';
import type { ServerView } from '../contracts/index.js';
import { goDuration, msToNs, rfc3339, uptimeString } from './format.js';

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
      ip: rt.host,
      port: rt.port,
      start: rfc3339(rt.start),
      last_activity: rfc3339(rt.lastActivity),
      rtt: goDuration(msToNs(rt.rtt)),
      uptime: uptimeString(now - rt.start.getTime()),
      idle: uptimeString(now - rt.lastActivity),
      pending_size: rt.pendingBytes,
      in_msgs: rt.inMsgs,
      out_msgs: rt.outMsgs,
      in_bytes: rt.inBytes,
      out_bytes: rt.outBytes,
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

/** /gatewayz: gateway connections (none until super clusters exist: only the id, time and empty maps). */
export function gatewayz(server: ServerView, _options: GatewayzOptions = {}): Gatewayz {
  return { server_id: server.serverId, now: rfc3339(Date.now()), outbound_gateways: {}, inbound_gateways: {} };
}

/** /leafz: leafnode connections (Switchboard has none). */
export function leafz(server: ServerView, _options: LeafzOptions = {}): Leafz {
  return { server_id: server.serverId, now: rfc3339(Date.now()), leafnodes: 0, leafs: [] };
}
