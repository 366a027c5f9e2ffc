/**
 * Gateway TLS (`gateway { tls {} }` and per remote `gateways: [{ name, urls, tls }]`) between a
 * Switchboard cluster and a nats-server 2.9.10 cluster, in both soliciting directions: the
 * link is TLS from its first byte, messages and requests cross both ways, /gatewayz shows the
 * TLS version and cipher, /varz the gateway TLS settings, as nats-server does. A remote's own
 * `tls` block wins over the gateway block's; a wrong CA leaves the link down with the error logged.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringCodec, type NatsConnection } from 'nats';
import { varz } from '@switchboard/broker';
import { CLI, natsServerAvailable, waitFor } from '../helpers/servers.js';
import { makeLinkPki, tlsBlock, type LinkPki } from '../helpers/link-pki.js';
import { client, startNatsServer, startSwitchboard, stopAll, waitInterest, waitMesh, type Node } from './helpers.js';

const sc = StringCodec();

describe('gateway TLS with nats-server 2.9.10', { skip: !natsServerAvailable() && 'nats-server not installed' }, () => {
  let pki: LinkPki;
  before(() => {
    pki = makeLinkPki();
  });
  after(() => pki.cleanup());

  const tlsOpts = (ca: string) => ({ certFile: pki.cert, keyFile: pki.key, caFile: ca, timeout: 5 });
  const nsTls = (ca: string) => tlsBlock({ cert: pki.cert, key: pki.key, ca });

  async function crosses(from: Node, to: Node, items: Array<Node | NatsConnection>, subject: string): Promise<void> {
    const pub = await client(from);
    const sub = await client(to);
    items.push(pub, sub);
    const got: string[] = [];
    sub.subscribe(subject, { callback: (_e, m) => got.push(sc.decode(m.data)) });
    sub.subscribe(`${subject}.req`, { callback: (_e, m) => m.respond(sc.encode(`re:${sc.decode(m.data)}`)) });
    await sub.flush();
    await waitInterest(pub, sub);
    for (let i = 0; i < 5; i++) pub.publish(subject, sc.encode(`m${i}`));
    await pub.flush();
    await waitFor(() => got.length === 5, 10_000, `5 messages ${from.cluster} -> ${to.cluster}`);
    assert.deepEqual(got, ['m0', 'm1', 'm2', 'm3', 'm4']);
    const r = await pub.request(`${subject}.req`, sc.encode('ping'), { timeout: 5000 });
    assert.equal(sc.decode(r.data), 're:ping');
  }

  for (const solicitor of ['switchboard', 'nats-server'] as const) {
    test(`${solicitor} solicits: the gateway is TLS both ways, messages and requests cross, monitoring shows it`, async () => {
      const items: Array<Node | NatsConnection> = [];
      try {
        let sb: Node;
        let ns: Node;
        if (solicitor === 'switchboard') {
          ns = await startNatsServer('NS', [], { gatewayConf: nsTls(pki.ca) });
          items.push(ns);
          sb = await startSwitchboard('SB', [{ name: 'NS', url: ns.gatewayUrl }], {}, { tls: tlsOpts(pki.ca) });
          items.push(sb);
        } else {
          sb = await startSwitchboard('SB', [], {}, { tls: tlsOpts(pki.ca) });
          items.push(sb);
          ns = await startNatsServer('NS', [{ name: 'SB', url: sb.gatewayUrl }], { gatewayConf: nsTls(pki.ca) });
          items.push(ns);
        }
        await waitMesh([sb, ns]);
        await crosses(sb, ns, items, 'gwtls.sb2ns');
        await crosses(ns, sb, items, 'gwtls.ns2sb');
        // /gatewayz: the connection's TLS version and cipher suite, as nats-server shows them.
        type Conn = { tls_version?: string; tls_cipher_suite?: string };
        const mine = (await sb.gatewayz()) as unknown as { outbound_gateways: Record<string, { connection: Conn }>; inbound_gateways: Record<string, Array<{ connection: Conn }>> };
        const theirs = (await ns.gatewayz()) as unknown as typeof mine;
        const out = mine.outbound_gateways.NS.connection;
        const theirOut = theirs.outbound_gateways.SB.connection;
        assert.equal(out.tls_version, theirOut.tls_version);
        assert.match(out.tls_version ?? '', /^1\.[23]$/);
        assert.equal(out.tls_cipher_suite, theirOut.tls_cipher_suite);
        // The inbound link too (Switchboard was the TLS server there).
        assert.match(mine.inbound_gateways.NS[0].connection.tls_version ?? '', /^1\.[23]$/);
        assert.equal(mine.inbound_gateways.NS[0].connection.tls_version, theirs.inbound_gateways.SB[0].connection.tls_version);
        // /varz gateway section.
        const httpPort = /Starting http monitor on [^\s]+:(\d+)/.exec(ns.output())![1];
        const nsVarz = (await (await fetch(`http://127.0.0.1:${httpPort}/varz`)).json()) as { gateway: Record<string, unknown> };
        const g = varz(sb.sb!).gateway as Record<string, unknown>;
        assert.equal(g.tls_required, true);
        assert.equal(g.tls_verify, true);
        assert.equal(g.tls_timeout, 5);
        assert.equal(g.tls_required, nsVarz.gateway.tls_required);
        assert.equal(g.tls_verify, nsVarz.gateway.tls_verify);
        assert.equal(g.tls_timeout, nsVarz.gateway.tls_timeout);
      } finally {
        await stopAll(items.reverse());
      }
    });
  }

  test('two Switchboard clusters: the gateway is TLS both ways and messages cross', async () => {
    const items: Array<Node | NatsConnection> = [];
    try {
      const a = await startSwitchboard('A', [], {}, { tls: tlsOpts(pki.ca) });
      items.push(a);
      const b = await startSwitchboard('B', [{ name: 'A', url: a.gatewayUrl }], {}, { tls: tlsOpts(pki.ca) });
      items.push(b);
      await waitMesh([a, b]);
      await crosses(a, b, items, 'gwtls.a2b');
      await crosses(b, a, items, 'gwtls.b2a');
      for (const n of [a, b]) {
        const gz = (await n.gatewayz()) as unknown as { outbound_gateways: Record<string, { connection: { tls_version?: string } }> };
        for (const l of Object.values(gz.outbound_gateways)) assert.match(l.connection.tls_version ?? '', /^1\.[23]$/);
      }
    } finally {
      await stopAll(items.reverse());
    }
  });

  test("a remote's own tls block wins over the gateway block's: its wrong CA fails the outbound, logged by Switchboard", async () => {
    const items: Array<Node | NatsConnection> = [];
    try {
      const ns = await startNatsServer('NS', [], { gatewayConf: nsTls(pki.ca) });
      items.push(ns);
      // The gateway block trusts the right CA (inbound works); the NS entry trusts the other one.
      const sb = await startSwitchboard('SB', [], {}, { tls: tlsOpts(pki.ca), gateways: [{ name: 'NS', urls: [`nats://${ns.gatewayUrl}`], tls: tlsOpts(pki.otherCa) }] });
      items.push(sb);
      await waitFor(() => /TLS gateway handshake error: x509: certificate signed by unknown authority/.test(sb.output()), 15_000, 'the CA failure in Switchboard\'s log');
      // nats-server hears of it from the alert Switchboard's TLS client sends.
      await waitFor(() => /remote error: tls: |Gateway connection closed|TLS gateway handshake error/.test(ns.output()), 15_000, 'the failed handshake noticed by nats-server');
      // The inbound link (nats-server dials back only once it learns of SB) never came, and the outbound never registered.
      assert.equal(sb.sb!.gateway.out.has('NS'), false);
      const gz = await sb.gatewayz();
      assert.deepEqual(Object.keys(gz.outbound_gateways), []);
      // The remote's state carries the TLS error (the console's Gateways page shows it).
      await waitFor(() => sb.sb!.gateway.remotes().some((r) => r.name === 'NS' && /^TLS gateway handshake error: x509: certificate signed by unknown authority/.test(r.lastError ?? '')), 15_000, 'the TLS error as the last error');
    } finally {
      await stopAll(items.reverse());
    }
  });

  test('nats-server trusting the wrong CA refuses Switchboard\'s certificate and logs the TLS error; no link', async () => {
    const items: Array<Node | NatsConnection> = [];
    try {
      const ns = await startNatsServer('NS', [], { gatewayConf: nsTls(pki.otherCa) });
      items.push(ns);
      const sb = await startSwitchboard('SB', [{ name: 'NS', url: ns.gatewayUrl }], {}, { tls: tlsOpts(pki.ca) });
      items.push(sb);
      await waitFor(() => /TLS gateway handshake error: .*x509: certificate signed by unknown authority/.test(ns.output()), 15_000, 'the CA failure in nats-server\'s log');
      await waitFor(() => /TLS gateway (handshake )?error: remote error: tls: /.test(sb.output()), 15_000, 'the alert logged by Switchboard');
      assert.equal(sb.sb!.gateway.out.has('NS'), false);
      // Switchboard reports the failing remote as retrying, with the TLS error.
      await waitFor(() => sb.sb!.gateway.remotes().some((r) => r.name === 'NS' && r.state === 'retrying'), 15_000, 'NS retrying');
    } finally {
      await stopAll(items.reverse());
    }
  });

  test('config check (-t) accepts gateway and per-remote TLS blocks, as nats-server does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-tls-conf-'));
    try {
      const f = join(dir, 'server.conf');
      writeFileSync(
        f,
        `listen: "127.0.0.1:-1"
gateway {
  name: A
  listen: "127.0.0.1:-1"
  ${nsTls(pki.ca)}
  gateways: [
    { name: B, urls: ["nats://localhost:7222"], ${nsTls(pki.otherCa)} }
  ]
}
`,
      );
      for (const [cmd, args] of [
        ['nats-server', ['-t', '-c', f]],
        [process.execPath, [CLI, '-t', '-c', f]],
      ] as const) {
        const r = spawnSync(cmd, [...args], { encoding: 'utf8', timeout: 20_000 });
        assert.equal(r.status, 0, `${cmd}: ${r.stdout}${r.stderr}`);
        assert.match(r.stdout + r.stderr, /configuration file .* is valid/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
