import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { NatsConnection } from 'nats';
import type { Switchboard } from '@switchboard/broker';
import type { OptionsInput } from '@switchboard/shared';
import { startEmbedded, waitFor } from '../helpers/servers.js';
import { RawConn } from '../helpers/raw.js';
import { tryConnect, errText, makePki, type TestPki } from './helpers.js';

let pki: TestPki;
const servers: Switchboard[] = [];
const conns: NatsConnection[] = [];

async function start(opts: OptionsInput) {
  const s = await startEmbedded(opts);
  servers.push(s.server);
  return s;
}

before(() => {
  pki = makePki();
});
after(async () => {
  await Promise.all(conns.map((c) => c.close().catch(() => {})));
  await Promise.all(servers.map((s) => s.shutdown()));
});

describe('client TLS', () => {
  test('INFO is plaintext with tls_required; a TLS client works; a plaintext client is refused', async () => {
    const { url, port, server } = await start({ tls: { certFile: pki.serverCert, keyFile: pki.serverKey } });
    const raw = await RawConn.open(port);
    const first = await raw.waitFor(/^INFO .*\r\n/);
    const info = JSON.parse(first.slice(5, first.indexOf('\r\n'))) as Record<string, unknown>;
    assert.equal(info.tls_required, true);
    assert.equal(info.tls_verify, undefined);
    // Talking plaintext after INFO: the handshake fails and the connection is closed.
    raw.write('CONNECT {"verbose":false}\r\nPING\r\n');
    assert.ok(await raw.waitClosed());
    assert.ok(!raw.text().includes('PONG'));
    raw.close();

    const nc = await tryConnect(url, { tls: { caFile: pki.ca } });
    assert.ok(!(nc instanceof Error), errText(nc));
    conns.push(nc as NatsConnection);
    await (nc as NatsConnection).flush();
    const sub = (nc as NatsConnection).subscribe('t', { max: 1 });
    (nc as NatsConnection).publish('t', new TextEncoder().encode('over tls'));
    for await (const m of sub) assert.equal(new TextDecoder().decode(m.data), 'over tls');
    assert.ok([...server.clients.values()].some((c) => c.socket.constructor.name === 'TLSSocket'));

    // nats.js itself refuses a tls_required server when told not to use TLS.
    const plain = await tryConnect(url, { tls: null });
    assert.ok(plain instanceof Error);
  });

  test('a TLS client that never handshakes gets -ERR Secure Connection - TLS Required after tls timeout', async () => {
    const { port } = await start({ tls: { certFile: pki.serverCert, keyFile: pki.serverKey, timeout: 0.3 } });
    const raw = await RawConn.open(port);
    await raw.waitFor(/^INFO /);
    const text = await raw.waitFor(/Secure Connection - TLS Required/, 3000);
    assert.match(text, /-ERR 'Secure Connection - TLS Required'\r\n/);
    assert.ok(await raw.waitClosed());
    raw.close();
  });

  test('verify: client certificate required and must be signed by the CA', async () => {
    const { url } = await start({ tls: { certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.ca, verify: true } });
    const good = pki.client('good');
    const rogue = pki.client('rogue', { signedBy: 'other' });
    const nc = await tryConnect(url, { tls: { caFile: pki.ca, certFile: good.cert, keyFile: good.key } });
    assert.ok(!(nc instanceof Error), errText(nc));
    assert.equal((nc as NatsConnection).info?.tls_verify, true);
    conns.push(nc as NatsConnection);
    const noCert = await tryConnect(url, { tls: { caFile: pki.ca } });
    assert.ok(noCert instanceof Error, 'a client without certificate must be refused');
    const unknown = await tryConnect(url, { tls: { caFile: pki.ca, certFile: rogue.cert, keyFile: rogue.key } });
    assert.ok(unknown instanceof Error, 'a certificate from an unknown CA must be refused');
  });

  test('verify_and_map: the certificate maps to a user (email SAN, then subject DN)', async () => {
    const byEmail = pki.client('mailer', { email: 'mailer@example.com' });
    const byDn = pki.client('dn-user');
    const stranger = pki.client('stranger');
    const { url, server } = await start({
      tls: { certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.ca, verifyAndMap: true },
      accounts: {
        MAIL: { users: [{ user: 'mailer@example.com' }] },
        DN: { users: [{ user: 'CN=dn-user,OU=test,O=Switchboard', permissions: { publish: { allow: ['ok.>'] } } }] },
      },
    });
    const a = await tryConnect(url, { tls: { caFile: pki.ca, certFile: byEmail.cert, keyFile: byEmail.key } });
    assert.ok(!(a instanceof Error), errText(a));
    conns.push(a as NatsConnection);
    const b = await tryConnect(url, { tls: { caFile: pki.ca, certFile: byDn.cert, keyFile: byDn.key } });
    assert.ok(!(b instanceof Error), errText(b));
    conns.push(b as NatsConnection);
    await waitFor(() => server.clients.size === 2);
    const bound = [...server.clients.values()].map((c) => `${c.user}@${c.account.name}`).sort();
    assert.deepEqual(bound, ['CN=dn-user,OU=test,O=Switchboard@DN', 'mailer@example.com@MAIL']);
    const c = await tryConnect(url, { tls: { caFile: pki.ca, certFile: stranger.cert, keyFile: stranger.key } });
    assert.ok(c instanceof Error);
    assert.match(errText(c), /Authorization Violation/i);
    // The mapped user's permissions apply.
    assert.ok([...server.clients.values()].find((x) => x.user?.startsWith('CN='))?.perms !== null);
    void readFileSync;
  });
});
