/**
 * Super clusters of clusters with several servers: nodes that are in a cluster (routes) and have
 * a gateway block, Switchboard (embedded) or nats-server 2.9.10 (a process stopped by PID), all
 * on 127.0.0.1 with ports from the OS. Only some nodes are given remote gateways; the rest learn
 * them by gossip.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createInbox, type NatsConnection } from 'nats';
import { gatewayz } from '@switchboard/broker';
import { parseGatewayzQuery } from '@switchboard/shared';
import { startEmbedded, startProcess, waitFor } from '../helpers/servers.js';
import type { GatewayzJson, RemoteSpec } from './helpers.js';

export interface MultiNode {
  kind: 'switchboard' | 'nats-server';
  /** Server name. */
  name: string;
  /** Cluster (and gateway) name. */
  cluster: string;
  /** Client host:port. */
  url: string;
  routeUrl: string;
  gatewayUrl: string;
  gatewayz(query?: string): Promise<GatewayzJson>;
  output(): string;
  stop(): Promise<void>;
}

export interface MultiSpec {
  name: string;
  cluster: string;
  /** Route URLs to dial. */
  routes?: string[];
  /** Configured remote gateways (the others are learned). */
  gateways?: RemoteSpec[];
  /** Extra conf text (nats-server), e.g. accounts. */
  conf?: string;
  /** Route permissions (Switchboard). */
  routePermissions?: { import?: { allow?: string[]; deny?: string[] }; export?: { allow?: string[]; deny?: string[] } };
}

export async function startSbNode(spec: MultiSpec): Promise<MultiNode> {
  const { server, url, lines } = await startEmbedded({
    serverName: spec.name,
    debug: true,
    cluster: { name: spec.cluster, host: '127.0.0.1', port: -1, routes: spec.routes ?? [], ...(spec.routePermissions ? { permissions: spec.routePermissions } : {}) },
    gateway: { name: spec.cluster, host: '127.0.0.1', port: -1, gateways: (spec.gateways ?? []).map((r) => ({ name: r.name, urls: [`nats://${r.url}`] })) },
  });
  return {
    kind: 'switchboard',
    name: spec.name,
    cluster: spec.cluster,
    url,
    routeUrl: `nats-route://127.0.0.1:${server.cluster!.port}`,
    gatewayUrl: `127.0.0.1:${server.gateway.port}`,
    gatewayz: async (query = '') => JSON.parse(JSON.stringify(gatewayz(server, parseGatewayzQuery(new URLSearchParams(query))))) as GatewayzJson,
    output: () => lines.join('\n'),
    stop: () => server.shutdown(),
  };
}

export async function startNsNode(spec: MultiSpec): Promise<MultiNode> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-multi-'));
  const conf = join(dir, 'server.conf');
  const routes = (spec.routes ?? []).map((r) => `"${r}"`).join(', ');
  const gws = (spec.gateways ?? []).map((r) => `    {name: "${r.name}", urls: ["nats://${r.url}"]}`).join('\n');
  writeFileSync(
    conf,
    `server_name: "${spec.name}"
${spec.conf ?? ''}
cluster {
  name: "${spec.cluster}"
  listen: "127.0.0.1:-1"
  routes: [${routes}]
}
gateway {
  name: "${spec.cluster}"
  listen: "127.0.0.1:-1"
  gateways: [
${gws}
  ]
}
`,
  );
  const proc = await startProcess('nats-server', ['-c', conf, '-m', '-1']);
  let routePort = 0;
  let gatewayPort = 0;
  let httpPort = 0;
  await waitFor(() => {
    const out = proc.output();
    routePort ||= Number(/Listening for route connections on [^\s]+:(\d+)/.exec(out)?.[1] ?? 0);
    gatewayPort ||= Number(/Listening for gateways connections on [^\s]+:(\d+)/.exec(out)?.[1] ?? 0);
    httpPort ||= Number(/Starting http monitor on [^\s]+:(\d+)/.exec(out)?.[1] ?? 0);
    return routePort > 0 && gatewayPort > 0 && httpPort > 0;
  }, 20_000, 'nats-server listeners').catch(async (e: unknown) => {
    await proc.stop();
    throw e;
  });
  return {
    kind: 'nats-server',
    name: spec.name,
    cluster: spec.cluster,
    url: proc.url,
    routeUrl: `nats-route://127.0.0.1:${routePort}`,
    gatewayUrl: `127.0.0.1:${gatewayPort}`,
    gatewayz: async (query = '') => (await (await fetch(`http://127.0.0.1:${httpPort}/gatewayz?${query}`)).json()) as GatewayzJson,
    output: () => proc.output(),
    stop: () => proc.stop(),
  };
}

export function startNode(kind: 'switchboard' | 'nats-server', spec: MultiSpec): Promise<MultiNode> {
  return kind === 'switchboard' ? startSbNode(spec) : startNsNode(spec);
}

/**
 * The gateway links of `node` as /gatewayz shows them: for each remote cluster, whether an
 * outbound connection is up and how many inbound connections come from it.
 */
export async function links(node: MultiNode): Promise<Record<string, { out: boolean; in: number }>> {
  const g = await node.gatewayz();
  const out: Record<string, { out: boolean; in: number }> = {};
  for (const [name, o] of Object.entries(g.outbound_gateways ?? {})) out[name] = { out: o.connection !== undefined, in: 0 };
  for (const [name, list] of Object.entries(g.inbound_gateways ?? {})) {
    out[name] ??= { out: false, in: 0 };
    out[name].in = list.length;
  }
  return out;
}

/**
 * Waits until the gateway mesh is complete, per /gatewayz: every node of every cluster has its
 * outbound connection to each other cluster up, and the servers of a cluster together have one
 * inbound connection from each server of each other cluster (each server dials one server of a
 * remote cluster, picked at random among the URLs it knows).
 */
export async function waitFullMesh(clusters: MultiNode[][], ms = 60_000): Promise<void> {
  let last = '';
  await waitFor(async () => {
    const state: string[] = [];
    let ok = true;
    for (const c of clusters) {
      const inbound = new Map<string, number>();
      for (const n of c) {
        const l = await links(n).catch(() => ({}) as Record<string, { out: boolean; in: number }>);
        state.push(`${n.name}: ${JSON.stringify(l)}`);
        for (const other of clusters) {
          if (other === c) continue;
          const e = l[other[0].cluster];
          if (e === undefined || !e.out) ok = false;
          inbound.set(other[0].cluster, (inbound.get(other[0].cluster) ?? 0) + (e?.in ?? 0));
        }
      }
      for (const other of clusters) if (other !== c && inbound.get(other[0].cluster) !== other.length) ok = false;
    }
    last = state.join('; ');
    return ok;
  }, ms, 'full gateway mesh').catch((e: unknown) => {
    throw new Error(`${(e as Error).message}: ${last}`);
  });
}

export async function client(node: MultiNode): Promise<NatsConnection> {
  return connect({ servers: node.url, reconnect: false });
}

/** Requests `subject` from `pub` until it is answered (interest has crossed), then returns the answer. */
export async function requestUntilAnswered(pub: NatsConnection, subject: string, ms = 30_000): Promise<string> {
  let answer = '';
  await waitFor(async () => {
    try {
      const m = await pub.request(subject, undefined, { timeout: 1000 });
      answer = new TextDecoder().decode(m.data);
      return true;
    } catch {
      return false;
    }
  }, ms, `an answer on ${subject}`);
  return answer;
}

/** Waits until a probe responder on `sub` answers a request from `pub`: interest made on `sub` before has crossed. */
export async function waitInterest(pub: NatsConnection, sub: NatsConnection, ms = 30_000): Promise<void> {
  const probe = `probe.${createInbox().slice(7)}`;
  const s = sub.subscribe(probe, { callback: (_e, m) => m.respond() });
  await sub.flush();
  try {
    await requestUntilAnswered(pub, probe, ms);
  } finally {
    s.unsubscribe();
  }
}

/** Stops everything given, ignoring errors (already stopped). */
export async function stopAll(items: Array<MultiNode | NatsConnection | undefined>): Promise<void> {
  for (const i of items) {
    if (i === undefined) continue;
    try {
      if ('stop' in i) await i.stop();
      else await i.close();
    } catch {
      // already gone
    }
  }
}
