/**
 * Cluster test nodes: embedded Switchboard servers and nats-server 2.9.10 processes, all on
 * 127.0.0.1 with ports from the OS, behind one small interface so the same scenarios run on
 * every topology. Every node is stopped by its owner (nats-server by PID).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection, type ConnectionOptions } from 'nats';
import { createServer, Logger, parseConfigText, type Switchboard } from '@switchboard/broker';
import type { OptionsInput } from '@switchboard/shared';
import { waitFor } from '../helpers/servers.js';

export type NodeKind = 'sb' | 'ns';

export interface ClusterNode {
  kind: NodeKind;
  name: string;
  /** Client `host:port`. */
  url: string;
  /** `nats-route://127.0.0.1:<cluster port>` */
  routeUrl: string;
  clusterPort: number;
  /** Registered routes now. */
  numRoutes(): Promise<number>;
  stop(): Promise<void>;
  /** Log lines (embedded) or process output (nats-server). */
  output(): string;
  server?: Switchboard;
  proc?: ChildProcess;
  /** nats-server's monitoring base URL. */
  monitorUrl?: string;
}

export interface NodeSpec {
  name: string;
  routes?: string[];
  clusterName?: string;
  /** Reuse a cluster port (restart); default random. */
  clusterPort?: number;
  /** Extra options (Switchboard) merged over the defaults. */
  options?: OptionsInput;
  /** Extra command-line arguments (nats-server). */
  args?: string[];
  /** Extra conf-file text (nats-server), e.g. accounts. */
  conf?: string;
}

export async function startSb(spec: NodeSpec): Promise<ClusterNode> {
  const lines: string[] = [];
  const logger = new Logger({ sink: (l) => lines.push(l), debug: true });
  let o: OptionsInput = spec.options ?? {};
  if (spec.conf !== undefined) {
    const loaded = parseConfigText(spec.conf);
    if (loaded.errors.length > 0) throw new Error(JSON.stringify(loaded.errors));
    o = { ...loaded.options, ...o };
  }
  const server = createServer(
    {
      host: '127.0.0.1',
      port: -1,
      serverName: spec.name,
      ...o,
      cluster: { name: spec.clusterName ?? 'demo', host: '127.0.0.1', port: spec.clusterPort ?? -1, routes: spec.routes ?? [], ...(o.cluster ?? {}) },
    },
    { logger },
  );
  await server.start();
  const cport = server.cluster!.port;
  return {
    kind: 'sb',
    name: spec.name,
    url: `127.0.0.1:${server.port}`,
    routeUrl: `nats-route://127.0.0.1:${cport}`,
    clusterPort: cport,
    numRoutes: async () => server.cluster!.routes.size,
    stop: () => server.shutdown(),
    output: () => lines.join('\n'),
    server,
  };
}

export async function startNs(spec: NodeSpec): Promise<ClusterNode> {
  const dir = mkdtempSync(join(tmpdir(), 'ns-cluster-'));
  const args = ['-a', '127.0.0.1', '-p', '-1', '-m', '-1', '--ports_file_dir', dir, '-n', spec.name, '--cluster_name', spec.clusterName ?? 'demo', '--cluster', `nats://127.0.0.1:${spec.clusterPort ?? -1}`];
  if (spec.routes && spec.routes.length > 0) args.push('--routes', spec.routes.join(','));
  if (spec.conf !== undefined) {
    const f = join(dir, 'server.conf');
    await import('node:fs').then((fs) => fs.writeFileSync(f, spec.conf!));
    args.push('-c', f);
  }
  args.push(...(spec.args ?? []));
  const proc = spawn('nats-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  let exited = false;
  proc.on('exit', () => (exited = true));
  let ports: { nats: string[]; monitoring: string[]; cluster: string[] } | undefined;
  try {
    await waitFor(() => {
      if (exited) throw new Error(`nats-server exited: ${out}`);
      const f = readdirSync(dir).find((n) => n.endsWith('.ports'));
      if (!f) return false;
      const text = readFileSync(join(dir, f), 'utf8');
      if (text.length === 0) return false;
      ports = JSON.parse(text);
      return true;
    }, 20_000, 'nats-server ports file');
  } catch (e) {
    proc.kill('SIGKILL');
    throw e;
  }
  const p = ports!;
  const clientPort = Number(new URL(p.nats[0]).port);
  const clusterPort = Number(new URL(p.cluster[0]).port);
  const monitor = p.monitoring[0];
  return {
    kind: 'ns',
    name: spec.name,
    url: `127.0.0.1:${clientPort}`,
    routeUrl: `nats-route://127.0.0.1:${clusterPort}`,
    clusterPort,
    proc,
    monitorUrl: monitor,
    numRoutes: async () => {
      const r = await fetch(`${monitor}/routez`);
      return ((await r.json()) as { num_routes: number }).num_routes;
    },
    stop: async () => {
      if (!exited) {
        proc.kill('SIGTERM');
        await waitFor(() => exited, 5000, 'nats-server exit').catch(() => proc.kill('SIGKILL'));
      }
      rmSync(dir, { recursive: true, force: true });
    },
    output: () => out,
  };
}

export function startNode(kind: NodeKind, spec: NodeSpec): Promise<ClusterNode> {
  return kind === 'sb' ? startSb(spec) : startNs(spec);
}

/** Waits until every node has a route to every other (full mesh). */
export async function waitMesh(nodes: ClusterNode[], ms = 20_000): Promise<void> {
  const want = nodes.length - 1;
  await waitFor(async () => {
    for (const n of nodes) if ((await n.numRoutes()) !== want) return false;
    return true;
  }, ms, `full mesh of ${nodes.length} nodes`);
}

let probeSeq = 0;

/**
 * Waits until the interest `sub` registered (before this call) on its node is known where
 * `pub` publishes: a probe subscription made after it on the same connection travels the same
 * route in order, so once a probe published from `pub` arrives, the earlier interest arrived too.
 */
export async function awaitInterest(pub: NatsConnection, sub: NatsConnection, ms = 10_000): Promise<void> {
  const subject = `probe.${process.pid}.${++probeSeq}`;
  let got = false;
  const s = sub.subscribe(subject, { callback: () => (got = true) });
  await sub.flush();
  try {
    await waitFor(async () => {
      pub.publish(subject);
      await pub.flush();
      await new Promise((r) => setTimeout(r, 20));
      return got;
    }, ms, `interest from ${subject}`);
  } finally {
    s.unsubscribe();
  }
}

export async function client(node: ClusterNode, opts: Partial<ConnectionOptions> = {}): Promise<NatsConnection> {
  return connect({ servers: node.url, ...opts });
}

/** Stops every node (and closes connections), whatever happened. */
export async function stopAll(nodes: Array<ClusterNode | undefined>, conns: NatsConnection[] = []): Promise<void> {
  await Promise.all(conns.map((c) => c.close().catch(() => {})));
  await Promise.all(nodes.map((n) => n?.stop().catch(() => {})));
}
