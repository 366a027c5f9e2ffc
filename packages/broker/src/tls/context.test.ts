import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildLinkTls, TlsConfigError, tlsErrorText, tlsVersionName } from './context.js';

test('TLS failures are worded as Go (nats-server) words them, with Node\'s code beside', () => {
  const e = (code: string, message: string, reason?: string) => Object.assign(new Error(message), { code, reason });
  assert.equal(tlsErrorText(e('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain')), 'x509: certificate signed by unknown authority (SELF_SIGNED_CERT_IN_CHAIN)');
  assert.equal(tlsErrorText('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'x509: certificate signed by unknown authority (UNABLE_TO_VERIFY_LEAF_SIGNATURE)');
  assert.equal(tlsErrorText(e('CERT_HAS_EXPIRED', 'certificate has expired')), 'x509: certificate has expired or is not yet valid (CERT_HAS_EXPIRED)');
  assert.match(tlsErrorText(e('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ")), /^x509: Hostname\/IP does not match/);
  assert.equal(tlsErrorText(e('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'long openssl text', 'sslv3 alert bad certificate')), 'remote error: tls: bad certificate');
  assert.match(tlsErrorText(e('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE', 'long openssl text', 'peer did not return a certificate')), /^tls: client didn't provide a certificate/);
  assert.equal(tlsErrorText(e('ERR_SSL_WRONG_VERSION_NUMBER', 'long openssl text', 'wrong version number')), 'tls: wrong version number');
  assert.equal(tlsErrorText(new Error('socket hang up')), 'socket hang up');
  assert.equal(tlsVersionName('TLSv1.3'), '1.3');
  assert.equal(tlsVersionName(null), '');
});

test('route/gateway TLS refuses what it cannot enforce, and unreadable files, with nats-server\'s wording', () => {
  assert.throws(() => buildLinkTls({ verifyAndMap: true }), (err: unknown) => err instanceof TlsConfigError && /verify_and_map is not supported/.test(err.message));
  assert.throws(() => buildLinkTls({ verifyCertAndCheckKnownUrls: true }), /verify_cert_and_check_known_urls is not supported/);
  assert.throws(() => buildLinkTls({ certFile: '/nonexistent/c.pem', keyFile: '/nonexistent/k.pem' }), /error reading certificate \/nonexistent\/c\.pem/);
  assert.throws(() => buildLinkTls({ certFile: '/nonexistent/c.pem' }), /missing 'key_file' in TLS configuration/);
  const t = buildLinkTls({ timeout: 3, insecure: true, pinnedCerts: ['AB'.repeat(32)] });
  assert.equal(t.timeout, 3);
  assert.equal(t.insecure, true);
  assert.deepEqual([...t.pinned!], ['ab'.repeat(32)]);
  assert.equal(buildLinkTls({}).timeout, 2);
});
