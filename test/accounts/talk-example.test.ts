import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, StringCodec, type NatsConnection, type Msg } from 'nats';
import { startProcess, natsServerAvailable, type ProcServer } from '../helpers/servers.js';

/**
 * The account example of the NATS v2 talk: `synadia` exports a public stream and a service
 * restricted to CNCF; CNCF imports the stream under a prefix and the service under a local name.
 */
const CONF = `
accounts {
  synadia {
    users = [ {user: nats, password: nats} ]
    exports = [
      {stream: "cloud.network.status"}
      {service: "private.devstats", accounts: [CNCF]}
    ]
  }
  CNCF {
    users = [ {user: alice, password: alice}, {user: bob, password: bob} ]
    imports = [
      {stream: {account: "synadia", subject: "cloud.network.status"}, prefix: "synadia.streams"}
      {service: {account: "synadia", subject: "private.devstats"}, to: "synadia.services.devstats"}
    ]
  }
  other {
    users = [ {user: eve, password: eve} ]
  }
}
`;

const sc = StringCodec();
const kinds = natsServerAvailable() ? (['switchboard', 'nats-server'] as const) : (['switchboard'] as const);

for (const kind of kinds) {
  let server: ProcServer;
  const conns: NatsConnection[] = [];
  const as = async (user: string) => {
    const c = await connect({ servers: server.url, user, pass: user });
    conns.push(c);
    return c;
  };

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-talk-'));
    const file = join(dir, 'accounts.conf');
    writeFileSync(file, CONF);
    server = await startProcess(kind, ['-c', file]);
  });
  after(async () => {
    await Promise.all(conns.map((c) => c.close().catch(() => {})));
    await server.stop();
  });

  test(`${kind}: the exported stream reaches CNCF under its prefix, and nobody else`, async () => {
    const synadia = await as('nats');
    const alice = await as('alice');
    const eve = await as('eve');
    const got: string[] = [];
    const aliceSub = alice.subscribe('synadia.streams.>', { callback: (_e, m) => got.push(`alice:${m.subject}:${sc.decode(m.data)}`) });
    const plain = alice.subscribe('cloud.network.status', { callback: (_e, m) => got.push(`alice-plain:${m.subject}`) });
    const eveSub = eve.subscribe('>', { callback: (_e, m) => got.push(`eve:${m.subject}`) });
    await Promise.all([alice.flush(), eve.flush()]);
    synadia.publish('cloud.network.status', sc.encode('up'));
    synadia.publish('cloud.other', sc.encode('not exported'));
    await synadia.flush();
    const deadline = Date.now() + 3000;
    while (got.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await alice.flush();
    assert.deepEqual(got, ['alice:synadia.streams.cloud.network.status:up']);
    aliceSub.unsubscribe();
    plain.unsubscribe();
    eveSub.unsubscribe();
    await eve.flush();
  });

  test(`${kind}: a CNCF request reaches synadia's service anonymously and the reply finds its way back`, async () => {
    const synadia = await as('nats');
    const bob = await as('bob');
    const seen: Msg[] = [];
    synadia.subscribe('private.devstats', {
      callback: (_e, m) => {
        seen.push(m);
        m.respond(sc.encode(`stats for ${sc.decode(m.data)}`));
      },
    });
    await synadia.flush();
    const reply = await bob.request('synadia.services.devstats', sc.encode('bob'), { timeout: 3000 });
    assert.equal(sc.decode(reply.data), 'stats for bob');
    assert.equal(seen.length, 1);
    assert.equal(seen[0].subject, 'private.devstats');
    // The responder sees an _R_ reply, never the requester's inbox.
    assert.match(seen[0].reply!, /^_R_\.[A-Za-z0-9]{6}\.[A-Za-z0-9]{6}$/);
    assert.equal(seen[0].headers?.get('Nats-Request-Info') ? JSON.parse(seen[0].headers.get('Nats-Request-Info')).acc : 'CNCF', 'CNCF');
  });

  test(`${kind}: an account that did not import gets no responders`, async () => {
    const eve = await as('eve');
    await assert.rejects(eve.request('synadia.services.devstats', sc.encode('x'), { timeout: 2000 }), (e: Error & { code?: string }) => e.code === '503');
    await assert.rejects(eve.request('private.devstats', sc.encode('x'), { timeout: 2000 }), (e: Error & { code?: string }) => e.code === '503');
  });
}
