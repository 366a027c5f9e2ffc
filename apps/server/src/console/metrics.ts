/*
 * /metrics in the Prometheus exposition format: gauges and counters read from one varz snapshot
 * per scrape. The Grafana dashboard in apps/server/grafana/ queries these names (a test checks
 * that every metric it uses is exported here).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import client from 'prom-client';
import { varz, type Switchboard } from '@switchboard/broker';

type Varz = ReturnType<typeof varz>;

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
  gauge('switchboard_uptime_seconds', 'Seconds since start', () => (Date.now() - server.startTime.getTime()) / 1000);

  // One scrape at a time, so that a scrape never reads another's snapshot.
  let queue: Promise<unknown> = Promise.resolve();
  app.get('/metrics', async (req, reply) => {
    opts.guard?.(req);
    const scrape = queue.then(async () => {
      v = snapshot(server);
      try {
        return await registry.metrics();
      } finally {
        v = null;
      }
    });
    queue = scrape.catch(() => undefined);
    return reply.type(registry.contentType).send(await scrape);
  });
}
