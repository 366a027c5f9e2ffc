/**
 * Client TLS against both servers with the same conf text (nats-server 2.9.10 and Switchboard):
 * `allow_non_tls` (INFO offers TLS, the client's first byte picks it or plaintext) and clients
 * that do not trust the server's root (the handshake fails the same way, with the same error
 * class seen by nats.js).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { NatsConnection } from 'nats';
import { RawConn } from '../helpers/raw.js';
import { startWithConf, targets, type Running } from './differential.js';
import { tryConnect, errText, makePki, type TestPki } from './helpers.js';

let pki: TestPki;
const running: Running[] = [];
const conns: NatsConnection[] = [];

before(() => {
  pki = makePki();
});
after(async () => {
  await Promise.all(conns.map((c) => c.close().catch(() => {})));
  await Promise.all(running.map((r) => r.stop()));
});

async function start(target: Parameters<typeof startWithConf>[0], conf: string): Promise<Running> {
  const r = await startWithConf(target, conf);
  running.push(r);
  return r;
}

function tlsBlock(extra = ''): string {
  return `tls {\n  cert_file: "${pki.serverCert}"\n  key_file: "${pki.serverKey}"\n${extra}}\n`;
}

/** nats.js's own view of whether its socket is TLS (the transport's isEncrypted()). */
function encrypted(nc: NatsConnection): boolean {
  return (nc as unknown as { protocol: { transport: { isEncrypted(): boolean } } }).protocol.transport.isEncrypted();
}

async function connected(url: string, opts: Parameters<typeof tryConnect>[1]): Promise<NatsConnection> {
  const nc = await tryConnect(url, opts);
  assert.ok(!(nc instanceof Error), errText(nc));
  conns.push(nc as NatsConnection);
  return nc as NatsConnection;
}

/** A nats.js client's error code (OpenSSL's verification code for a failed handshake). */
function code(e: NatsConnection | Error): string {
  assert.ok(e instanceof Error, 'the connection must fail');
  return (e as Error & { code?: string }).code ?? '';
}

for (const target of targets()) {
  describe(`client TLS (${target})`, () => {
    test('allow_non_tls: INFO has tls_available, not tls_required; plaintext and TLS clients both connect and talk', async () => {
      const r = await start(target, `${tlsBlock()}allow_non_tls: true\n`);
      const raw = await RawConn.open(r.port);
      const first = await raw.waitFor(/^INFO .*\r\n/, 20_000);
      const info = JSON.parse(first.slice(5, first.indexOf('\r\n'))) as Record<string, unknown>;
      assert.equal(info.tls_available, true);
      assert.equal(info.tls_required, undefined);
      // A plaintext peer that never handshakes is served in plaintext.
      raw.write('CONNECT {"verbose":false}\r\nPING\r\n');
      assert.match(await raw.waitFor(/PONG\r\n/, 20_000), /PONG\r\n/);
      raw.close();

      const plain = await connected(r.url, { tls: null });
      assert.equal(encrypted(plain), false);
      const secure = await connected(r.url, { tls: { caFile: pki.ca } });
      assert.equal(encrypted(secure), true);
      // Messages cross between the plaintext and the TLS client, both ways.
      const toSecure = secure.subscribe('to.secure', { max: 1 });
      const toPlain = plain.subscribe('to.plain', { max: 1 });
      await Promise.all([secure.flush(), plain.flush()]);
      plain.publish('to.secure', new TextEncoder().encode('from plain'));
      secure.publish('to.plain', new TextEncoder().encode('from tls'));
      for await (const m of toSecure) assert.equal(new TextDecoder().decode(m.data), 'from plain');
      for await (const m of toPlain) assert.equal(new TextDecoder().decode(m.data), 'from tls');
    });

    test('allow_non_tls: a client that does not trust the root fails the handshake it chose', async () => {
      const r = await start(target, `${tlsBlock()}allow_non_tls: true\n`);
      // nats.js upgrades when TLS is available unless told `tls: null`; the system roots do not know our CA.
      assert.equal(code(await tryConnect(r.url, {})), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    });

    test('a custom CA in the tls block: a client without that root fails with an unverifiable leaf', async () => {
      const r = await start(target, tlsBlock(`  ca_file: "${pki.ca}"\n`));
      assert.equal(code(await tryConnect(r.url, {})), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      const other = pki.otherCa;
      assert.equal(code(await tryConnect(r.url, { tls: { caFile: other } })), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      const ok = await connected(r.url, { tls: { caFile: pki.ca } });
      assert.equal(encrypted(ok), true);
    });
  });
}
