/**
 * Account exports and imports across a cluster (the talk's accounts example spread over nodes):
 * a service exported by one account and answered on one node, requested from an importing
 * account on another; a stream published on one node, received by an importer on a third.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connect, StringCodec, type NatsConnection } from 'nats';
import { natsServerAvailable, waitFor } from '../helpers/servers.js';
import { startTopology } from './scenarios.js';
import { stopAll, type ClusterNode, type NodeKind } from './nodes.js';

const sc = StringCodec();
const CONF = `
accounts {
  SVC: { users: [ { user: svc, password: svc } ], exports: [ { service: "help.>" }, { stream: "news.>" } ] }
  CLI: { users: [ { user: cli, password: cli } ], imports: [ { service: { account: SVC, subject: "help.>" } }, { stream: { account: SVC, subject: "news.>" } } ] }
}
`;

function importsAcross(label: string, kinds: [NodeKind, NodeKind, NodeKind]): void {
  test(`${label}: a service and a stream imported across nodes`, async () => {
    let nodes: ClusterNode[] = [];
    const conns: NatsConnection[] = [];
    const nc = async (n: ClusterNode, user: string) => {
      const c = await connect({ servers: n.url, user, pass: user });
      conns.push(c);
      return c;
    };
    try {
      nodes = await startTopology(kinds, [{ conf: CONF }, { conf: CONF }, { conf: CONF }]);
      const [a, b, c] = nodes;
      const responder = await nc(b, 'svc');
      responder.subscribe('help.>', { callback: (_e, m) => m.respond(sc.encode(`served ${m.subject}`)) });
      await responder.flush();
      const requester = await nc(a, 'cli');
      let answer = '';
      await waitFor(async () => {
        answer = await requester.request('help.me', sc.encode('?'), { timeout: 2000 }).then((m) => sc.decode(m.data), () => '');
        return answer !== '';
      }, 20_000, 'the imported service answering from another node');
      assert.equal(answer, 'served help.me');

      const reader = await nc(c, 'cli');
      const got: string[] = [];
      reader.subscribe('news.>', { callback: (_e, m) => got.push(`${m.subject}:${sc.decode(m.data)}`) });
      await reader.flush();
      const publisher = await nc(a, 'svc');
      await waitFor(async () => {
        publisher.publish('news.probe', sc.encode('p'));
        await publisher.flush();
        await new Promise((r) => setTimeout(r, 20));
        return got.length > 0;
      }, 20_000, 'the imported stream reaching another node');
      const before = got.length;
      publisher.publish('news.today', sc.encode('headline'));
      publisher.publish('news.end', sc.encode('end'));
      await publisher.flush();
      await waitFor(() => got.includes('news.end:end'), 10_000, 'the stream messages');
      assert.deepEqual(got.slice(before), ['news.today:headline', 'news.end:end'], 'each stream message once');
    } finally {
      await stopAll(nodes, conns);
    }
  });
}

describe('exports and imports across the cluster', () => {
  importsAcross('sb+sb+sb', ['sb', 'sb', 'sb']);
  describe('mixed', { skip: !natsServerAvailable() && 'nats-server not installed' }, () => {
    importsAcross('ns+sb+ns (answered on Switchboard)', ['ns', 'sb', 'ns']);
    importsAcross('sb+ns+sb (answered on nats-server)', ['sb', 'ns', 'sb']);
  });
});
