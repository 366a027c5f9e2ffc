/**
 * The TLS upgrade of a server-to-server link (routes and gateways; nats-server client.go:
 * doTLSHandshake). The handshake starts right after the TCP connection, before any protocol
 * line: the soliciting end is the TLS client, the accepting end the TLS server, and both
 * present and verify certificates. A handshake that does not finish in `timeout` seconds, or
 * fails, closes the connection with nats-server's log line.
 */
import { isIP } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, TLSSocket } from 'node:tls';
import { ERR, ClosedReason } from '../protocol/errors.js';
import { matchesPinned, peerVerifyError, tlsErrorText, tlsVersionName, type LinkTls } from '../tls/context.js';
import type { Logger } from '../log/logger.js';
import type { Connection } from './connection.js';

export interface LinkTlsSpec {
  tls: LinkTls;
  /** `route` or `gateway`, as it appears in the log lines. */
  typ: string;
  logger: Logger;
  /** `pinned_certs` of the block that governs this kind (nats-server: the cluster's, the gateway block's). */
  pinned: ReadonlySet<string> | null;
  /**
   * Soliciting end only: the host of the URL dialed, and the name to check instead when that
   * host is an IP (nats-server's saved route/gateway TLS name: the first host name configured).
   */
  solicit?: { host: string; tlsName: string };
}

/** Why the upgrade failed (`text` as logged); `hostnameError` when the name checked did not match the certificate. */
export type LinkTlsFailure = { text: string; hostnameError: boolean; name: string };

/**
 * Replaces `c.socket` with a TLS socket over it and runs the handshake; `ready` is called once
 * it completed and the peer's certificate verified, `failed` (if given) after the connection
 * was closed for a TLS failure. The caller starts the protocol (`begin`) in `ready`.
 */
export function secureLink(c: Connection, spec: LinkTlsSpec, ready: () => void, failed?: (f: LinkTlsFailure) => void): void {
  const raw = c.socket;
  const { tls, typ, solicit, logger: log } = spec;
  // Errors surface on the TLS socket; the raw one must not throw unhandled.
  raw.on('error', () => {});
  let name = '';
  let secure: TLSSocket;
  if (solicit !== undefined) {
    c.debug(`Starting TLS ${typ} client handshake`);
    name = solicit.host.replace(/^\[|\]$/g, '');
    if (solicit.tlsName !== '' && isIP(name) !== 0) name = solicit.tlsName;
    secure = tlsConnect({
      socket: raw,
      secureContext: tls.context,
      // SNI carries host names only (Go sends none for an IP either).
      servername: isIP(name) === 0 ? name : undefined,
      rejectUnauthorized: !tls.insecure,
      checkServerIdentity: (_host, cert) => checkServerIdentity(name, cert),
    });
  } else {
    c.debug(`Starting TLS ${typ} server handshake`);
    secure = new TLSSocket(raw, { isServer: true, secureContext: tls.context, requestCert: true, rejectUnauthorized: true });
  }
  c.socket = secure;
  let done = false;
  const fail = (text: string, hostnameError: boolean): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (c.closed) return;
    log.error(`${c.label} - TLS ${typ} handshake error: ${text}`);
    c.close(ClosedReason.tlsHandshake);
    secure.destroy();
    failed?.({ text, hostnameError, name });
  };
  const timer = setTimeout(() => {
    if (done || c.closed) return;
    done = true;
    log.error(`${c.label} - TLS handshake timeout`);
    // The peer may not speak TLS at all: tell it in plaintext, as nats-server tries to.
    raw.write(`-ERR '${ERR.tlsRequired}'\r\n`);
    c.close(ClosedReason.tlsHandshake);
    secure.destroy();
    failed?.({ text: 'TLS handshake timeout', hostnameError: false, name });
  }, tls.timeout * 1000);
  timer.unref();
  secure.once('error', (err: Error & { code?: string }) => fail(tlsErrorText(err), err.code === 'ERR_TLS_CERT_ALTNAME_INVALID'));
  secure.once(solicit !== undefined ? 'secureConnect' : 'secure', () => {
    if (done) return;
    // A server socket made outside tls.Server does not reject a bad client certificate itself.
    const verifyError = solicit === undefined ? peerVerifyError(secure) : null;
    if (verifyError !== null) return fail(tlsErrorText(verifyError), false);
    if (!matchesPinned(spec.pinned, secure.getPeerX509Certificate())) return fail('certificate not pinned', false);
    done = true;
    clearTimeout(timer);
    if (c.closed) return;
    c.debug('TLS handshake complete');
    const cipher = secure.getCipher();
    c.debug(`TLS version ${tlsVersionName(secure.getProtocol())}, cipher suite ${cipher?.standardName ?? cipher?.name ?? '?'}`);
    // With TLS 1.3 the client's handshake ends before the server checked the client's
    // certificate: a rejection arrives as an alert right after. Say so at error level.
    secure.once('error', (err: Error & { reason?: string }) => {
      if (err.reason !== undefined && /alert/.test(err.reason)) log.error(`${c.label} - TLS ${typ} error: ${tlsErrorText(err)}`);
    });
    ready();
  });
}

/** `tls_version` and `tls_cipher_suite` of a connection on TLS (monitoring), or null. */
export function tlsState(c: Connection): { version: string; cipher: string } | null {
  const s = c.socket;
  if (!(s instanceof TLSSocket) || !s.encrypted) return null;
  const p = s.getProtocol();
  if (p === null) return null;
  const cipher = s.getCipher();
  return { version: tlsVersionName(p), cipher: cipher?.standardName ?? cipher?.name ?? '' };
}
