/**
 * The talk's lame duck demo as a test: queue responders spread over three nodes, requesters
 * on every node keeping requests in flight; one node enters lame duck mode. Its clients are
 * told (INFO ldm), move to the other nodes (a new connection there first, then a drain of the
 * old one), and the node shuts down. Zero requests are lost: each one gets its answer, none is
 * retried. Run with the lame duck node a Switchboard node (peers Switchboard, and peers
 * nats-server) and with it a nats-server node among Switchboard peers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, StringCodec, type NatsConnection, type Subscription } from 'nats';
import { waitFor } from '../helpers/servers.js';
import { ACCOUNTS_CONF, startTopology } from './scenarios.js';
import { stopAll, type ClusterNode, type NodeKind } from './nodes.js';

const sc = StringCodec();
const LDM_CONF = `${ACCOUNTS_CONF}\nlame_duck_duration: "30s"\nlame_duck_grace_period: "1s"\n`;

/** The other servers a client may move to: its INFO's connect_urls without the one it is on. */
function elsewhere(nc: NatsConnection): string[] {
  const here = nc.getServer();
  return (nc.info?.connect_urls ?? []).filter((u) => u !== here);
}

class Responder {
  nc!: NatsConnection;
  sub!: Subscription;
  moved = false;
  served = 0;
  constructor(readonly node: ClusterNode) {}

  async start(servers: string[] | string = this.node.url): Promise<void> {
    this.nc = await connect({ servers, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    this.sub = this.nc.subscribe('demo.help', {
      queue: 'helpers',
      callback: (_e, m) => {
        this.served++;
        m.respond(sc.encode(`answer:${sc.decode(m.data)}`));
      },
    });
    await this.nc.flush();
    void this.watch(this.nc);
  }

  /** On ldm: subscribe from another server first, then drain the old connection. */
  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type !== 'ldm' || this.moved) continue;
      this.moved = true;
      const old = this.nc;
      await this.start(elsewhere(old));
      await old.drain().catch(() => {});
      return;
    }
  }
}

class Requester {
  nc!: NatsConnection;
  sent = 0;
  answered = 0;
  failures: string[] = [];
  moved = false;
  private running = true;
  private inflight = new Set<Promise<void>>();
  constructor(readonly node: ClusterNode) {}

  async start(): Promise<void> {
    this.nc = await connect({ servers: this.node.url, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    void this.watch(this.nc);
    void this.loop();
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type !== 'ldm' || this.moved) continue;
      this.moved = true;
      const old = this.nc;
      const next = await connect({ servers: elsewhere(old), reconnectTimeWait: 100, maxReconnectAttempts: -1 });
      this.nc = next;
      // Requests already sent on the old connection finish there; then it is drained.
      await Promise.all([...this.inflight]);
      await old.drain().catch(() => {});
      return;
    }
  }

  private async loop(): Promise<void> {
    while (this.running) {
      while (this.inflight.size >= 4) await Promise.race(this.inflight);
      const n = this.sent++;
      const p = this.nc
        .request('demo.help', sc.encode(String(n)), { timeout: 10_000 })
        .then(
          (m) => {
            if (sc.decode(m.data) === `answer:${n}`) this.answered++;
            else this.failures.push(`${n}: wrong answer ${sc.decode(m.data)}`);
          },
          (e: Error) => {
            this.failures.push(`${n}: ${e.message}`);
          },
        )
        .finally(() => this.inflight.delete(p));
      this.inflight.add(p);
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([...this.inflight]);
  }
}

async function enterLameDuck(node: ClusterNode): Promise<() => boolean> {
  if (node.kind === 'sb') {
    let done = false;
    void node.server!.lameDuck().then(() => (done = true));
    return () => done;
  }
  let exited = false;
  node.proc!.once('exit', () => (exited = true));
  node.proc!.kill('SIGUSR2');
  return () => exited;
}

export function lameDuckDemo(label: string, kinds: [NodeKind, NodeKind, NodeKind]): void {
  test(`${label}: zero lost requests while one node enters lame duck mode`, async () => {
    let nodes: ClusterNode[] = [];
    const responders: Responder[] = [];
    const requesters: Requester[] = [];
    try {
      const ldmOpts = { options: { lameDuckDuration: 30_000, lameDuckGracePeriod: 1000 } };
      nodes = await startTopology(kinds, [{ conf: LDM_CONF }, { conf: LDM_CONF }, { conf: LDM_CONF, ...ldmOpts }]);
      const duck = nodes[2];
      for (const n of nodes) for (let i = 0; i < 2; i++) responders.push(new Responder(n));
      for (const r of responders) await r.start();
      // Every node knows every responder group's weight before load starts.
      await waitFor(async () => {
        for (const n of nodes) {
          const nc = await connect({ servers: n.url });
          try {
            const ok = await nc.request('demo.help', sc.encode('warmup'), { timeout: 2000 }).then(() => true, () => false);
            if (!ok) return false;
          } finally {
            await nc.close();
          }
        }
        return true;
      }, 20_000, 'responders reachable from every node');
      for (const n of nodes) requesters.push(new Requester(n));
      for (const q of requesters) await q.start();
      await waitFor(() => requesters.every((q) => q.answered >= 50), 30_000, 'load running');
      const watcher = await connect({ servers: nodes[0].url });
      await waitFor(() => (watcher.info?.connect_urls ?? []).includes(duck.url), 10_000, 'the duck in connect_urls');
      const done = await enterLameDuck(duck);
      // Peers drop the duck's client URL and tell their clients (async INFO) as soon as it enters lame duck.
      await waitFor(() => !(watcher.info?.connect_urls ?? []).includes(duck.url), 10_000, 'the duck gone from connect_urls');
      await watcher.close();
      await waitFor(done, 30_000, 'lame duck node finished');
      const after = requesters.map((q) => q.answered);
      await waitFor(() => requesters.every((q, i) => q.answered >= after[i] + 50), 30_000, 'load after lame duck');
      for (const q of requesters) await q.stop();
      const failures = requesters.flatMap((q) => q.failures);
      assert.deepEqual(failures, [], 'lost requests');
      assert.equal(
        requesters.reduce((s, q) => s + q.answered, 0),
        requesters.reduce((s, q) => s + q.sent, 0),
      );
      // The duck's clients moved; the others did not need to.
      assert.ok(responders.filter((r) => r.node === duck).every((r) => r.moved), 'responders on the lame duck node moved');
      assert.ok(requesters.filter((q) => q.node === duck).every((q) => q.moved), 'requester on the lame duck node moved');
      assert.ok(responders.filter((r) => r.node !== duck).every((r) => !r.moved));
    } finally {
      await stopAll(nodes, [...responders.map((r) => r.nc), ...requesters.map((q) => q.nc)].filter((c) => c !== undefined));
    }
  });
}

