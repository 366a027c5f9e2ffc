/*
 * The super cluster as this server reports it: its own cluster, every remote cluster it names
 * (configured in /varz gateway.gateways, or met over a link in /gatewayz), and the links between
 * this cluster and each of them. Only what the server says: an outbound link is up when /gatewayz
 * lists its connection; a configured remote without one is "not connected" (the server keeps
 * retrying; nats-server's /gatewayz gives no error text, so the panel asks /api/gateways/remotes for the
 * dialing state and last error). A link this page saw up and the server no
 * longer lists is "lost" with the time it was last seen — an observation, not a guess.
 */
import type { Gatewayz, Routez } from '@switchboard/shared';

export type GatewayLinkState = 'connected' | 'not-connected' | 'lost';

export interface AccountMode {
  name: string;
  mode: string;
  noInterest?: number;
}

export interface GatewayLink {
  /** The remote cluster (gateway) name. */
  remote: string;
  /** Listed in this server's gateway block. */
  configured: boolean;
  /** State of this server's outbound connection to the remote cluster. */
  outbound: GatewayLinkState;
  /** Inbound connections from servers of the remote cluster. */
  inbound: number;
  /** Configured URLs (from /varz). */
  urls: string[];
  address?: string;
  uptime?: string;
  rtt?: string;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  /** Interest mode per account on the outbound side (accs=true). */
  accounts: AccountMode[];
  /** Interest mode per account on the inbound side. */
  inboundAccounts: AccountMode[];
  /** ms since epoch this page last saw the link up (for lost links). */
  lastSeen?: number;
}

interface VarzGateway {
  name?: string;
  gateways?: { name: string; urls?: string[] }[];
}

/** The gateway section of /varz (a loose object in the schema). */
export function varzGateway(v: unknown): VarzGateway {
  if (!v || typeof v !== 'object') return {};
  const g = v as Record<string, unknown>;
  const list = Array.isArray(g.gateways) ? g.gateways : [];
  return {
    name: typeof g.name === 'string' ? g.name : undefined,
    gateways: list.filter((x): x is { name: string; urls?: string[] } => !!x && typeof (x as { name?: unknown }).name === 'string'),
  };
}

/** Links to every remote cluster, sorted by name; `seen` remembers when each was last up (mutated). */
export function gatewayLinks(gw: Gatewayz, varzGw: VarzGateway, seen: Map<string, number>, now: number): GatewayLink[] {
  const names = new Set<string>([...Object.keys(gw.outbound_gateways), ...Object.keys(gw.inbound_gateways), ...(varzGw.gateways ?? []).map((g) => g.name), ...seen.keys()]);
  // Our own name can appear in the configured list (nats-server allows it); it is not a link.
  if (gw.name) names.delete(gw.name);
  const links: GatewayLink[] = [];
  for (const remote of [...names].sort()) {
    const out = gw.outbound_gateways[remote];
    const ins = gw.inbound_gateways[remote] ?? [];
    const cfg = varzGw.gateways?.find((g) => g.name === remote);
    const c = out?.connection;
    const up = !!c;
    if (up || ins.some((i) => i.connection)) seen.set(remote, now);
    const inConns = ins.filter((i) => i.connection);
    const sum = (f: (x: NonNullable<typeof c>) => number) => inConns.reduce((s, i) => s + f(i.connection!), 0);
    const outbound: GatewayLinkState = up ? 'connected' : seen.has(remote) ? 'lost' : 'not-connected';
    links.push({
      remote,
      configured: !!(out?.configured || cfg),
      outbound,
      inbound: inConns.length,
      urls: cfg?.urls ?? [],
      address: c ? `${c.ip}:${c.port}` : undefined,
      uptime: c?.uptime,
      rtt: c?.rtt,
      inMsgs: (c?.in_msgs ?? 0) + sum((x) => x.in_msgs),
      outMsgs: (c?.out_msgs ?? 0) + sum((x) => x.out_msgs),
      inBytes: (c?.in_bytes ?? 0) + sum((x) => x.in_bytes),
      outBytes: (c?.out_bytes ?? 0) + sum((x) => x.out_bytes),
      accounts: (out?.accounts ?? []).map((a) => ({ name: a.name, mode: a.interest_mode, noInterest: a.no_interest_count })),
      inboundAccounts: ins.flatMap((i) => i.accounts ?? []).map((a) => ({ name: a.name, mode: a.interest_mode, noInterest: a.no_interest_count })),
      lastSeen: up ? now : seen.get(remote),
    });
  }
  return links;
}

export type RouteState = 'connected' | 'lost';

export interface RoutePeer {
  /** The remote server's id. */
  id: string;
  /** Its name when the console heard its STATSZ, else undefined. */
  name?: string;
  state: RouteState;
  route?: Routez['routes'][number];
  lastSeen: number;
}

/**
 * The route peers of this server from /routez (one per remote server id; nats-server keeps one
 * route per pair), plus peers this page saw earlier whose route is gone ("lost").
 */
export function routePeers(rz: Routez, names: ReadonlyMap<string, string>, seen: Map<string, number>, now: number): RoutePeer[] {
  const peers: RoutePeer[] = [];
  const live = new Set<string>();
  for (const r of rz.routes) {
    live.add(r.remote_id);
    seen.set(r.remote_id, now);
    peers.push({ id: r.remote_id, name: names.get(r.remote_id), state: 'connected', route: r, lastSeen: now });
  }
  const liveNames = new Set(peers.map((p) => p.name).filter(Boolean));
  for (const [id, t] of seen) {
    if (live.has(id)) continue;
    // A restarted peer comes back under a new id: its old id is not a lost peer then.
    const name = names.get(id);
    if (name && liveNames.has(name)) continue;
    peers.push({ id, name, state: 'lost', lastSeen: t });
  }
  return peers.sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id));
}
