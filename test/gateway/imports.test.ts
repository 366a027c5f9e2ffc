/**
 * The talk's accounts across a super cluster: synadia exports a stream and a service, CNCF
 * imports them; the exporter's clients are in one cluster and the importer's in the other
 * (Switchboard and nats-server 2.9.10, both placements).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { StringCodec, type NatsConnection } from 'nats';
import type { OptionsInput } from '@switchboard/shared';
import { natsServerAvailable, waitFor } from '../helpers/servers.js';
import { client, startNatsServer, startSwitchboard, stopAll, waitMesh, type Node } from './helpers.js';

const sc = StringCodec();

const SB: OptionsInput = {
  accounts: {
    synadia: {
      users: [{ user: 'nats', password: 'nats' }],
      exports: [{ stream: 'cloud.network.status' }, { service: 'private.devstats', accounts: ['CNCF'] }],
    },
    CNCF: {
      users: [{ user: 'alice', password: 'alice' }],
      imports: [
        { stream: { account: 'synadia', subject: 'cloud.network.status' }, prefix: 'synadia.streams' },
        { service: { account: 'synadia', subject: 'private.devstats' }, to: 'synadia.services.devstats' },
      ],
    },
  },
};
const NS = `accounts {
  synadia {
    users = [{user: nats, password: nats}]
    exports = [{stream: "cloud.network.status"}, {service: "private.devstats", accounts: [CNCF]}]
  }
  CNCF {
    users = [{user: alice, password: alice}]
    imports = [
      {stream: {account: synadia, subject: "cloud.network.status"}, prefix: "synadia.streams"}
      {service: {account: synadia, subject: "private.devstats"}, to: "synadia.services.devstats"}
    ]
  }
}`;

describe('imports and exports across the super cluster', { skip: !natsServerAvailable() }, () => {
  for (const exporterOn of ['switchboard', 'nats-server'] as const) {
    test(`exporter's clients on ${exporterOn}, importer's on the other`, async () => {
      const nodes: Node[] = [];
      const conns: NatsConnection[] = [];
      try {
        const sb = await startSwitchboard('SB', [], SB);
        nodes.push(sb);
        const ns = await startNatsServer('NS', [{ name: 'SB', url: sb.gatewayUrl }], { extraConf: NS });
        nodes.push(ns);
        await waitMesh(nodes);
        const [exp, imp] = exporterOn === 'switchboard' ? [sb, ns] : [ns, sb];
        const synadia = await client(exp, { user: 'nats', pass: 'nats' });
        const alice = await client(imp, { user: 'alice', pass: 'alice' });
        conns.push(synadia, alice);
        synadia.subscribe('private.devstats', { callback: (_e, m) => m.respond(sc.encode(`stats for ${sc.decode(m.data)}`)) });
        await synadia.flush();
        // Service import: alice's request crosses as synadia's, the answer comes back to her.
        let answer = '';
        await waitFor(async () => {
          try {
            answer = sc.decode((await alice.request('synadia.services.devstats', sc.encode('alice'), { timeout: 1000 })).data);
            return true;
          } catch {
            return false;
          }
        }, 20_000, 'service across the gateway');
        assert.equal(answer, 'stats for alice');
        // Stream import: synadia's status reaches alice under the prefix.
        const got: string[] = [];
        alice.subscribe('synadia.streams.cloud.network.status', { callback: (_e, m) => got.push(sc.decode(m.data)) });
        await alice.flush();
        await waitFor(async () => {
          synadia.publish('cloud.network.status', sc.encode('all green'));
          await synadia.flush();
          return got.length > 0;
        }, 20_000, 'stream across the gateway');
        assert.equal(got[0], 'all green');
      } finally {
        await stopAll([...conns, ...nodes]);
      }
    });
  }
});
