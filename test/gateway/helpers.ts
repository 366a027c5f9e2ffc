/**
 * Super-cluster fixtures: single-node clusters of Switchboard (embedded, real TCP) and of
 * nats-server 2.9.10 (a process), joined by gateways on 127.0.0.1 with OS-assigned ports.
 * Everything started here is stopped by the caller through `stop()` (nats-server by PID).
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createInbox, type NatsConnection } from 'nats';
import type { OptionsInput } from '@switchboard/shared';
import { startEmbedded, startProcess, waitFor, type ProcServer } from '../helpers/servers.js';
import { gatewayz, type Switchboard } from '@switchboard/broker';
import { parseGatewayzQuery } from '@switchboard/shared';

export interface RemoteSpec {
  name: string;
  /** host:port of the remote's gateway listener. */
  url: string;
}

/** One cluster of one server, whichever implementation. */
export interface Node {
  kind: 'switchboard' | 'nats-server';
  cluster: string;
  /** Client URL (127.0.0.1:port). */
  url: string;
  /** Gateway listener host:port. */
  gatewayUrl: string;
  gatewayPort: number;
  /** Whether this node has a registered outbound and at least one inbound gateway from `remote`. */
  linkedTo(remote: string): boolean;
  /** Log so far. */
  output(): string;
  stop(): Promise<void>;
  sb?: Switchboard;
  proc?: ProcServer;
  /** /gatewayz of this node (query like `accs=true`). */
  gatewayz(query?: string): Promise<GatewayzJson>;
}

export interface GatewayzJson {
  server_id: string;
  name?: string;
  outbound_gateways: Record<string, { configured: boolean; connection?: { name?: string; in_msgs: number; out_msgs: number }; accounts?: Array<{ name: string; interest_mode: string; no_interest_count?: number; num_subs?: number; num_queue_subs?: number }> }>;
  inbound_gateways: Record<string, Array<{ configured: boolean; connection?: { name?: string; in_msgs: number; out_msgs: number }; accounts?: Array<{ name: string; interest_mode: string; no_interest_count?: number }> }>>;
}

export async function startSwitchboard(cluster: string, remotes: RemoteSpec[] = [], extra: OptionsInput = {}, gatewayExtra: Record<string, unknown> = {}): Promise<Node> {
  const { server, url, lines } = await startEmbedded({
    serverName: `sb-${cluster}`,
    ...extra,
    gateway: { name: cluster, host: '127.0.0.1', port: -1, gateways: remotes.map((r) => ({ name: r.name, urls: [`nats://${r.url}`] })), ...gatewayExtra },
  });
  await server.gateway.listening;
  const port = server.gateway.port;
  return {
    kind: 'switchboard',
    cluster,
    url,
    gatewayUrl: `127.0.0.1:${port}`,
    gatewayPort: port,
    sb: server,
    linkedTo: (remote) => server.gateway.out.has(remote) && [...server.gateway.inbounds.values()].some((c) => c.registered && c.name === remote),
    output: () => lines.join('\n'),
    stop: () => server.shutdown(),
    gatewayz: async (query = '') => JSON.parse(JSON.stringify(gatewayz(server, parseGatewayzQuery(new URLSearchParams(query))))) as GatewayzJson,
  };
}

/** A nats-server 2.9.10 single-node cluster with a gateway block (`port` fixed to restart on the same address). */
export async function startNatsServer(cluster: string, remotes: RemoteSpec[] = [], opts: { gatewayPort?: number; extraConf?: string; gatewayConf?: string } = {}): Promise<Node> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-nats-'));
  const conf = join(dir, 'server.conf');
  const gws = remotes.map((r) => `    {name: "${r.name}", urls: ["nats://${r.url}"]}`).join('\n');
  writeFileSync(
    conf,
    `server_name: "nats-${cluster}"
${opts.extraConf ?? ''}
gateway {
  name: "${cluster}"
  listen: "127.0.0.1:${opts.gatewayPort ?? -1}"
  ${opts.gatewayConf ?? ''}
  gateways: [
${gws}
  ]
}
`,
  );
  const proc = await startProcess('nats-server', ['-c', conf, '-m', '-1']);
  let gatewayPort = 0;
  let httpPort = 0;
  await waitFor(() => {
    const m = /Listening for gateways connections on [^\s]+:(\d+)/.exec(proc.output());
    if (m) gatewayPort = Number(m[1]);
    const h = /Starting http monitor on [^\s]+:(\d+)/.exec(proc.output());
    if (h) httpPort = Number(h[1]);
    return gatewayPort > 0 && httpPort > 0;
  }, 20_000, 'nats-server gateway listener').catch(async (e: unknown) => {
    await proc.stop();
    throw e;
  });
  return {
    kind: 'nats-server',
    cluster,
    url: proc.url,
    gatewayUrl: `127.0.0.1:${gatewayPort}`,
    gatewayPort,
    proc,
    linkedTo: (remote) => {
      const out = proc.output();
      // Count registrations minus closes is not in the log; use the last registration after the last close instead.
      const outReg = out.lastIndexOf(`Outbound gateway connection to "${remote}"`);
      const inReg = out.lastIndexOf(`Inbound gateway connection from "${remote}"`);
      const closed = out.lastIndexOf('Gateway connection closed');
      return outReg >= 0 && inReg >= 0 && outReg > closed && inReg > closed;
    },
    output: () => proc.output(),
    stop: () => proc.stop(),
    gatewayz: async (query = '') => (await (await fetch(`http://127.0.0.1:${httpPort}/gatewayz?${query}`)).json()) as GatewayzJson,
  };
}

/** Waits until every pair of nodes has its gateway links up in both directions. */
export async function waitMesh(nodes: Node[], ms = 30_000): Promise<void> {
  await waitFor(() => nodes.every((a) => nodes.every((b) => a === b || a.linkedTo(b.cluster))), ms, `gateway mesh of ${nodes.map((n) => n.cluster).join(', ')}`);
}

export async function client(node: Node, opts: Parameters<typeof connect>[0] = {}): Promise<NatsConnection> {
  return connect({ servers: node.url, reconnect: false, ...opts });
}

/**
 * Waits until interest created by `sub` before this call has reached the cluster of `pub`:
 * a fresh responder is added on `sub` and requested from `pub` until it answers. Interest
 * travels in order on one gateway connection, so earlier subscriptions arrived too.
 */
export async function waitInterest(pub: NatsConnection, sub: NatsConnection, ms = 20_000): Promise<void> {
  const probe = `probe.${createInbox().slice(7)}`;
  const s = sub.subscribe(probe, { callback: (_e, m) => m.respond() });
  await sub.flush();
  try {
    await waitFor(async () => {
      try {
        await pub.request(probe, undefined, { timeout: 500 });
        return true;
      } catch {
        return false;
      }
    }, ms, `interest from ${probe}`);
  } finally {
    s.unsubscribe();
  }
}

/** Stops everything given (nodes and clients), ignoring errors. */
export async function stopAll(items: Array<Node | NatsConnection | undefined>): Promise<void> {
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
