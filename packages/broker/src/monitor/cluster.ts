import type { Gatewayz, GatewayzOptions, Leafz, LeafzOptions, Routez, RoutezOptions } from '@switchboard/shared';
import type { ServerView } from '../contracts/index.js';
import { rfc3339 } from './format.js';

function permissionJson(p: { allow?: string[]; deny?: string[] } | undefined): { allow?: string[]; deny?: string[] } | undefined {
  if (!p) return undefined;
  const out: { allow?: string[]; deny?: string[] } = {};
  if (p.allow && p.allow.length > 0) out.allow = [...p.allow];
  if (p.deny && p.deny.length > 0) out.deny = [...p.deny];
  return out;
}

/** /routez: route connections (none until clustering exists: `num_routes` 0, `routes` []). */
export function routez(server: ServerView, _options: RoutezOptions = {}): Routez {
  const r: Partial<Routez> = { server_id: server.serverId, now: rfc3339(Date.now()) };
  const perms = server.opts.cluster?.permissions;
  const imp = permissionJson(perms?.import);
  const exp = permissionJson(perms?.export);
  if (imp) r.import = imp;
  if (exp) r.export = exp;
  r.num_routes = 0;
  r.routes = [];
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
