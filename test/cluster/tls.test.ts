/**
 * Route TLS (`cluster { tls {} }`) against nats-server 2.9.10: a route is TLS from its first
 * byte, the soliciting server being the TLS client; both ends verify each other's certificate
 * against `ca_file`. Mixed clusters in both soliciting directions carry messages both ways; a
 * wrong CA or a silent peer leaves no route and a log line naming the TLS failure.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { varz } from '@switchboard/broker';
import type { NatsConnection } from 'nats';
import { CLI, natsServerAvailable, waitFor, waitForOutput } from '../helpers/servers.js';
import { makeLinkPki, tlsBlock, type LinkPki } from '../helpers/link-pki.js';
import { awaitInterest, client, startNs, startSb, stopAll, waitMesh, type ClusterNode, type NodeKind } from './nodes.js';

const skip = !natsServerAvailable() && 'nats-server not installed';

describe('route TLS with nats-server 2.9.10', { skip }, () => {
  let pki: LinkPki;
  before(() => {
    pki = makeLinkPki();
  });
  after(() => pki.cleanup());

  const clusterConf = (ca: string, extra = ''): string => `cluster {\n  ${tlsBlock({ cert: pki.cert, key: pki.key, ca })}\n${extra}}\n`;
  const start = (kind: NodeKind, name: string, conf: string, routes: string[] = []): Promise<ClusterNode> =>
    kind === 'sb' ? startSb({ name, conf, routes }) : startNs({ name, conf, routes, args: ['-D'] });

  /** Messages from a client of `from` reach a subscriber on `to`. */
  async function flows(from: ClusterNode, to: ClusterNode, conns: NatsConnection[], subject: string): Promise<void> {
    const pub = await client(from);
    const sub = await client(to);
    conns.push(pub, sub);
    const got: string[] = [];
    const s = sub.subscribe(subject, { callback: (_e, m) => got.push(m.string()) });
    await sub.flush();
    await awaitInterest(pub, sub);
    for (let i = 0; i < 5; i++) pub.publish(subject, `m${i}`);
    await pub.flush();
    await waitFor(() => got.length === 5, 10_000, `5 messages ${from.name} -> ${to.name}`);
    assert.deepEqual(got, ['m0', 'm1', 'm2', 'm3', 'm4']);
    // Request/reply crosses back over the same route.
    sub.subscribe(`${subject}.req`, { callback: (_e, m) => m.respond(new TextEncoder().encode(`re:${m.string()}`)) });
    await sub.flush();
    await awaitInterest(pub, sub);
    const reply = await pub.request(`${subject}.req`, new TextEncoder().encode('ping'), { timeout: 5000 });
    assert.equal(reply.string(), 're:ping');
    s.unsubscribe();
  }

  for (const [label, seed, joiner] of [
    ['nats-server solicits Switchboard', 'sb', 'ns'],
    ['Switchboard solicits nats-server', 'ns', 'sb'],
  ] as const) {
    test(`${label}: the route is TLS, messages and requests flow both ways`, async () => {
      const nodes: ClusterNode[] = [];
      const conns: NatsConnection[] = [];
      try {
        const a = await start(seed, `${seed}-seed`, clusterConf(pki.ca));
        nodes.push(a);
        const b = await start(joiner, `${joiner}-joiner`, clusterConf(pki.ca), [a.routeUrl]);
        nodes.push(b);
        await waitMesh(nodes, 20_000);
        const sb = nodes.find((n) => n.kind === 'sb')!;
        const ns = nodes.find((n) => n.kind === 'ns')!;
        // Both ends ran a handshake (Switchboard as TLS server when accepting, client when soliciting).
        const side = seed === 'sb' ? 'server' : 'client';
        await waitForOutput(sb, new RegExp(`Starting TLS route ${side} handshake`));
        await waitForOutput(sb, /rid:\d+ - TLS version 1\.[23], cipher suite TLS_/);
        await waitFor(() => /TLS handshake complete/.test(ns.output()), 10_000, 'nats-server logs its handshake');
        await flows(ns, sb, conns, 'tls.ns2sb');
        await flows(sb, ns, conns, 'tls.sb2ns');
        // /varz cluster section as nats-server reports it.
        const theirs = ((await (await fetch(`${ns.monitorUrl}/varz`)).json()) as { cluster: Record<string, unknown> }).cluster;
        const mine = varz(sb.server!).cluster as Record<string, unknown>;
        assert.equal(theirs.tls_required, true);
        assert.equal(mine.tls_required, theirs.tls_required);
        assert.equal(mine.tls_verify, theirs.tls_verify);
        assert.equal(mine.tls_timeout, theirs.tls_timeout);
      } finally {
        await stopAll(nodes, conns);
      }
    });
  }

  test('two Switchboard nodes: the route is TLS (Node on both ends), messages and requests flow both ways', async () => {
    const nodes: ClusterNode[] = [];
    const conns: NatsConnection[] = [];
    try {
      const a = await startSb({ name: 'sb-a', conf: clusterConf(pki.ca) });
      nodes.push(a);
      const b = await startSb({ name: 'sb-b', conf: clusterConf(pki.ca), routes: [a.routeUrl] });
      nodes.push(b);
      await waitMesh(nodes, 20_000);
      await waitForOutput(a, /Starting TLS route server handshake/);
      await waitForOutput(b, /Starting TLS route client handshake/);
      await flows(a, b, conns, 'tls.a2b');
      await flows(b, a, conns, 'tls.b2a');
    } finally {
      await stopAll(nodes, conns);
    }
  });

  for (const [label, wrongCaOn] of [
    ['Switchboard trusts the wrong CA', 'sb'],
    ['nats-server trusts the wrong CA', 'ns'],
  ] as const) {
    for (const soliciting of ['sb', 'ns'] as const) {
      test(`${label}, ${soliciting === 'sb' ? 'Switchboard' : 'nats-server'} solicits: no route, the TLS error is logged`, async () => {
        const nodes: ClusterNode[] = [];
        try {
          const seedKind = soliciting === 'sb' ? 'ns' : 'sb';
          const seed = await start(seedKind, 'seed', clusterConf(wrongCaOn === seedKind ? pki.otherCa : pki.ca));
          nodes.push(seed);
          const joiner = await start(soliciting, 'joiner', clusterConf(wrongCaOn === soliciting ? pki.otherCa : pki.ca), [seed.routeUrl]);
          nodes.push(joiner);
          const wrong = wrongCaOn === 'sb' ? nodes.find((n) => n.kind === 'sb')! : nodes.find((n) => n.kind === 'ns')!;
          // The server that cannot verify its peer says why, in nats-server's words.
          // (A Go client offers no certificate when none is signed by a CA the server names.)
          const why = /TLS route handshake error: (.*x509: certificate signed by unknown authority|tls: client didn't provide a certificate)/;
          await waitFor(() => why.test(wrong.output()), 15_000, `the TLS error in ${wrong.name}'s log`);
          const other = nodes.find((n) => n !== wrong)!;
          // The other end hears of it as nats-server does: the peer's alert, or the connection closed.
          const noticed = other.kind === 'sb' ? /TLS route (handshake )?error: remote error: tls: / : /Router connection closed: (Read Error|TLS Handshake Failure)|remote error: tls/;
          await waitFor(() => noticed.test(other.output()), 15_000, `the failed route noticed by ${other.name}`);
          // The soliciting side keeps retrying and keeps failing: still no route anywhere.
          await waitFor(() => (wrong.output().match(/TLS route handshake error/g) ?? []).length >= 2, 15_000, 'a second failed attempt');
          assert.equal(await seed.numRoutes(), 0);
          assert.equal(await joiner.numRoutes(), 0);
        } finally {
          await stopAll(nodes);
        }
      });
    }
  }

  test('a peer that does not start the TLS handshake is cut at the TLS timeout, as by nats-server', async () => {
    const conf = `cluster {\n  ${tlsBlock({ cert: pki.cert, key: pki.key, ca: pki.ca, timeout: 1 })}\n}\n`;
    const nodes: ClusterNode[] = [];
    const sockets: Socket[] = [];
    try {
      nodes.push(await start('sb', 'sb-silent', conf));
      nodes.push(await start('ns', 'ns-silent', conf));
      for (const n of nodes) {
        const sock = tcpConnect({ host: '127.0.0.1', port: n.clusterPort });
        sockets.push(sock);
        let text = '';
        let closed = false;
        sock.on('data', (d) => (text += d.toString('latin1')));
        sock.on('error', () => {});
        sock.on('close', () => (closed = true));
        await waitFor(() => closed, 15_000, `${n.name} closes the silent route connection`);
        // nats-server's handshake read deadline and its timeout timer are the same length: either may fire.
        await waitFor(() => /TLS handshake timeout|TLS route handshake error: .*i\/o timeout/.test(n.output()), 10_000, `${n.name} logs the timeout`);
        // Nothing in plaintext before TLS: no INFO leaks out of a TLS route port.
        assert.doesNotMatch(text, /INFO/);
        assert.equal(await n.numRoutes(), 0);
      }
    } finally {
      for (const s of sockets) s.destroy();
      await stopAll(nodes);
    }
  });

  test('Switchboard checks the name it dialed: a certificate for another host fails, as in nats-server', async () => {
    const nodes: ClusterNode[] = [];
    try {
      // The nats-server seed presents a certificate valid only for elsewhere.example; it is dialed by IP.
      const seed = await startNs({ name: 'ns-wrongname', conf: `cluster {\n  ${tlsBlock({ cert: pki.wrongNameCert, key: pki.wrongNameKey, ca: pki.ca })}\n}\n`, args: ['-D'] });
      nodes.push(seed);
      const sb = await startSb({ name: 'sb-namecheck', conf: clusterConf(pki.ca), routes: [seed.routeUrl] });
      nodes.push(sb);
      await waitFor(() => /TLS route handshake error: x509: .*(127\.0\.0\.1|altnames)/.test(sb.output()), 15_000, 'the name mismatch logged by Switchboard');
      assert.equal(await sb.numRoutes(), 0);
      // nats-server checks the same way when it solicits a Switchboard node with that certificate.
      const sbWrong = await startSb({ name: 'sb-wrongname', conf: `cluster {\n  ${tlsBlock({ cert: pki.wrongNameCert, key: pki.wrongNameKey, ca: pki.ca })}\n}\n` });
      nodes.push(sbWrong);
      const ns = await startNs({ name: 'ns-namecheck', conf: clusterConf(pki.ca), routes: [sbWrong.routeUrl], args: ['-D'] });
      nodes.push(ns);
      await waitFor(() => /TLS route handshake error: x509: cannot validate certificate for 127\.0\.0\.1 because it doesn't contain any IP SANs/.test(ns.output()), 15_000, 'the name mismatch logged by nats-server');
      assert.equal(await sbWrong.numRoutes(), 0);
    } finally {
      await stopAll(nodes);
    }
  });

  test('a route dialed by IP is checked against the first host name of the configured routes (nats-server routeTLSName)', async () => {
    const dnsOnly = `cluster {\n  ${tlsBlock({ cert: pki.dnsOnlyCert, key: pki.dnsOnlyKey, ca: pki.ca })}\n}\n`;
    const nodes: ClusterNode[] = [];
    try {
      // Both nats-server nodes present a certificate for DNS:localhost only.
      const byName = await startNs({ name: 'ns-byname', conf: dnsOnly, args: ['-D'] });
      nodes.push(byName);
      const byIp = await startNs({ name: 'ns-byip', conf: dnsOnly, args: ['-D'] });
      nodes.push(byIp);
      const sb = await startSb({
        name: 'sb-tlsname',
        conf: dnsOnly,
        routes: [`nats-route://localhost:${byName.clusterPort}`, `nats-route://127.0.0.1:${byIp.clusterPort}`],
      });
      nodes.push(sb);
      // The route to 127.0.0.1 verifies as "localhost", so Switchboard reaches both.
      await waitFor(async () => (await sb.numRoutes()) === 2, 20_000, 'both routes of Switchboard');
      assert.doesNotMatch(sb.output(), /TLS route handshake error/);
      // The two nats-server nodes, with no host name configured, dial each other by IP and fail the same check.
      await waitFor(() => /cannot validate certificate for 127\.0\.0\.1 because it doesn't contain any IP SANs/.test(byName.output() + byIp.output()), 15_000, 'nats-server failing the IP check');
    } finally {
      await stopAll(nodes);
    }
  });

  test('a reload of cluster TLS applies to the next route (hot, as nats-server reloads it); bad files are refused', async () => {
    const nodes: ClusterNode[] = [];
    try {
      const sb = await startSb({ name: 'sb-reload', options: { cluster: { tls: { certFile: pki.cert, keyFile: pki.key, caFile: pki.otherCa, timeout: 5 } } } });
      nodes.push(sb);
      const ns = await startNs({ name: 'ns-reload', conf: clusterConf(pki.ca), routes: [sb.routeUrl], args: ['-D'] });
      nodes.push(ns);
      await waitFor(() => /TLS route handshake error/.test(sb.output()), 15_000, 'the wrong CA failing first');
      const base = { ...sb.server!.opts };
      const bad = await sb.server!.reload({ ...base, cluster: { ...base.cluster!, tls: { certFile: '/nonexistent/x.pem', keyFile: pki.key, caFile: pki.ca } } });
      assert.equal(bad.ok, false);
      assert.match(bad.errors.join('\n'), /cluster tls: error reading certificate \/nonexistent\/x\.pem/);
      const good = await sb.server!.reload({ ...base, cluster: { ...base.cluster!, tls: { ...base.cluster!.tls!, caFile: pki.ca } } });
      assert.equal(good.ok, true, good.errors.join('; '));
      // nats-server keeps retrying its explicit route; the next attempt meets the new CA.
      await waitMesh(nodes, 20_000);
    } finally {
      await stopAll(nodes);
    }
  });

  test('pinned_certs: a peer whose key is not pinned is refused, a pinned one is let in (nats-server solicits)', async () => {
    const spki = new X509Certificate(readFileSync(pki.cert)).publicKey.export({ type: 'spki', format: 'der' });
    const pin = createHash('sha256').update(spki).digest('hex');
    const pinned = (hash: string) => clusterConf(pki.ca).replace('tls {', `tls {\n    pinned_certs: ["${hash}"]`);
    const nodes: ClusterNode[] = [];
    try {
      const refusing = await startSb({ name: 'sb-pin-other', conf: pinned('0'.repeat(64)) });
      nodes.push(refusing);
      nodes.push(await startNs({ name: 'ns-pin1', conf: clusterConf(pki.ca), routes: [refusing.routeUrl], args: ['-D'] }));
      await waitFor(() => /TLS route handshake error: certificate not pinned/.test(refusing.output()), 15_000, 'the pin mismatch logged');
      assert.equal(await refusing.numRoutes(), 0);
      const accepting = await startSb({ name: 'sb-pin-ok', conf: pinned(pin) });
      nodes.push(accepting);
      const ns = await startNs({ name: 'ns-pin2', conf: clusterConf(pki.ca), routes: [accepting.routeUrl], args: ['-D'] });
      nodes.push(ns);
      await waitMesh([accepting, ns], 20_000);
    } finally {
      await stopAll(nodes);
    }
  });

  test('verify_and_map for routes (authorization by certificate) is refused at start, not ignored', async () => {
    await assert.rejects(
      startSb({ name: 'sb-map', conf: clusterConf(pki.ca).replace('tls {', 'tls {\n    verify_and_map: true') }),
      /cluster tls: verify_and_map is not supported by Switchboard/,
    );
  });

  test('config check (-t) accepts the cluster TLS block, as nats-server does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'route-tls-conf-'));
    try {
      const f = join(dir, 'server.conf');
      writeFileSync(f, `listen: "127.0.0.1:-1"\n${clusterConf(pki.ca, `  name: demo\n  listen: "127.0.0.1:-1"\n  routes: ["nats-route://localhost:6222"]\n`)}`);
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
