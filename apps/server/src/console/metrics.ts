/*
 * /metrics in the Prometheus exposition format: gauges and counters read from one varz snapshot
 * per scrape. The Grafana dashboard in apps/server/grafana/ queries these names (a test checks
 * that every metric it uses is exported here).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import client from 'prom-client';
import { gatewayz, routez, varz, type Switchboard } from '@switchboard/broker';

type Varz = ReturnType<typeof varz>;

/** Traffic of one server-to-server link, labelled as a Prometheus series. */
interface LinkTraffic {
  labels: Record<string, string>;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  pendingBytes: number;
}

/** The route and gateway links one scrape reads. */
interface Links {
  routes: LinkTraffic[];
  gateways: LinkTraffic[];
}

function linkTraffic(server: Switchboard): Links {
  const routes = (routez(server).routes ?? []).map((r) => ({
    labels: { remote_id: r.remote_id, rid: String(r.rid) },
    inMsgs: r.in_msgs,
    outMsgs: r.out_msgs,
    inBytes: r.in_bytes,
    outBytes: r.out_bytes,
    pendingBytes: r.pending_size,
  }));
  const gw = gatewayz(server);
  const gateways: LinkTraffic[] = [];
  const add = (gateway: string, direction: string, c: (typeof gw.outbound_gateways)[string]['connection']) => {
    if (!c) return;
    gateways.push({
      labels: { gateway, direction, remote_id: c.name ?? '', cid: String(c.cid) },
      inMsgs: c.in_msgs,
      outMsgs: c.out_msgs,
      inBytes: c.in_bytes,
      outBytes: c.out_bytes,
      pendingBytes: c.pending_bytes,
    });
  };
  for (const [name, g] of Object.entries(gw.outbound_gateways)) add(name, 'outbound', g.connection);
  for (const [name, list] of Object.entries(gw.inbound_gateways)) for (const g of list) add(name, 'inbound', g.connection);
  return { routes, gateways };
}

export interface MetricsOptions {
  server: Switchboard;
  guard?: (req: FastifyRequest) => void;
  /** How a snapshot is taken (default the broker's varz; tests count calls). */
  snapshot?: (server: Switchboard) => Varz;
}

export async function metricsPlugin(app: FastifyInstance, opts: MetricsOptions): Promise<void> {
  const { server } = opts;
  const snapshot = opts.snapshot ?? varz;
  const registry = new client.Registry();
  // Set by the /metrics handler before collecting: every metric of a scrape reads the same one.
  let v: Varz | null = null;
  let links: Links | null = null;
  const gauge = (name: string, help: string, get: (x: Varz) => number) =>
    new client.Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        if (v) this.set(get(v));
      },
    });
  const counter = (name: string, help: string, get: (x: Varz) => number) =>
    new client.Counter({
      name,
      help,
      registers: [registry],
      collect() {
        if (!v) return;
        this.reset();
        this.inc(get(v));
      },
    });
  gauge('switchboard_connections', 'Client connections open', (x) => x.connections);
  counter('switchboard_connections_total', 'Client connections accepted since start', (x) => x.total_connections);
  gauge('switchboard_subscriptions', 'Subscriptions', (x) => x.subscriptions);
  gauge('switchboard_routes', 'Route connections', (x) => x.routes);
  gauge('switchboard_remotes', 'Remote servers', (x) => x.remotes);
  counter('switchboard_in_msgs_total', 'Messages received', (x) => x.in_msgs);
  counter('switchboard_out_msgs_total', 'Messages sent', (x) => x.out_msgs);
  counter('switchboard_in_bytes_total', 'Bytes received', (x) => x.in_bytes);
  counter('switchboard_out_bytes_total', 'Bytes sent', (x) => x.out_bytes);
  counter('switchboard_slow_consumers_total', 'Slow consumers detected', (x) => x.slow_consumers);
  gauge('switchboard_mem_bytes', 'Resident memory', (x) => x.mem);
  gauge('switchboard_cpu_percent', 'CPU use (percent)', (x) => x.cpu);
  // Per route and per gateway connection: one series per link, gone when the link closes.
  const linkMetric = (type: 'counter' | 'gauge', name: string, help: string, which: keyof Links, get: (l: LinkTraffic) => number) => {
    const config = { name, help, labelNames: which === 'routes' ? ['remote_id', 'rid'] : ['gateway', 'direction', 'remote_id', 'cid'], registers: [registry] };
    // Read only inside a scrape, when `links` is set.
    const each = (record: (l: LinkTraffic) => void) => {
      for (const l of links?.[which] ?? []) record(l);
    };
    if (type === 'counter') {
      return new client.Counter({
        ...config,
        collect() {
          this.reset();
          each((l) => this.inc(l.labels, get(l)));
        },
      });
    }
    return new client.Gauge({
      ...config,
      collect() {
        this.reset();
        each((l) => this.set(l.labels, get(l)));
      },
    });
  };
  for (const which of ['routes', 'gateways'] as const) {
    const kind = which === 'routes' ? 'route' : 'gateway';
    linkMetric('counter', `switchboard_${kind}_in_msgs_total`, `Messages received over each ${kind} connection`, which, (l) => l.inMsgs);
    linkMetric('counter', `switchboard_${kind}_out_msgs_total`, `Messages sent over each ${kind} connection`, which, (l) => l.outMsgs);
    linkMetric('counter', `switchboard_${kind}_in_bytes_total`, `Bytes received over each ${kind} connection`, which, (l) => l.inBytes);
    linkMetric('counter', `switchboard_${kind}_out_bytes_total`, `Bytes sent over each ${kind} connection`, which, (l) => l.outBytes);
    linkMetric('gauge', `switchboard_${kind}_pending_bytes`, `Bytes queued to each ${kind} connection`, which, (l) => l.pendingBytes);
  }
  gauge('switchboard_uptime_seconds', 'Seconds since start', () => (Date.now() - server.startTime.getTime()) / 1000);

  // One scrape at a time, so that a scrape never reads another's snapshot.
  let queue: Promise<unknown> = Promise.resolve();
  app.get('/metrics', async (req, reply) => {
    opts.guard?.(req);
    const scrape = queue.then(async () => {
      v = snapshot(server);
      links = linkTraffic(server);
      try {
        return await registry.metrics();
      } finally {
        v = null;
        links = null;
      }
    });
    queue = scrape.catch(() => undefined);
    return reply.type(registry.contentType).send(await scrape);
  });
}
