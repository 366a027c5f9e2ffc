/**
 * TLS contexts from a `tls {}` block (nats-server opts.go: GenTLSConfig, getTLSConfig), shared by
 * client TLS (auth) and the server-to-server links (routes, gateways). Below the contracts: it
 * knows Node's TLS and the config model, nothing of the server.
 */
import { createHash, type X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import type { TlsOptions } from '@switchboard/shared';

/** Default `tls { timeout }` in seconds. */
export const DEFAULT_TLS_TIMEOUT = 2;

export interface TlsSetup {
  context: SecureContext;
  /** Client certificates required and verified. */
  verify: boolean;
  /** Map the client certificate to a user (implies verify). */
  map: boolean;
  /** Handshake timeout in seconds. */
  timeout: number;
}

export class TlsConfigError extends Error {}

/** Go cipher suite names (as in a nats conf) → OpenSSL names. */
const CIPHERS: Record<string, string> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
};

/** Go curve names → OpenSSL group names. */
const CURVES: Record<string, string> = { CurveP256: 'P-256', CurveP384: 'P-384', CurveP521: 'P-521', X25519: 'X25519' };

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new TlsConfigError(`error reading ${what} ${path}: ${(e as Error).message}`);
  }
}

/** Builds the server-side TLS setup from the `tls` block; throws TlsConfigError with nats-server's wording. */
export function buildTlsSetup(t: TlsOptions): TlsSetup {
  if (t.certFile && !t.keyFile) throw new TlsConfigError("missing 'key_file' in TLS configuration");
  if (!t.certFile && t.keyFile) throw new TlsConfigError("missing 'cert_file' in TLS configuration");
  const opts: Parameters<typeof createSecureContext>[0] = { minVersion: 'TLSv1.2' };
  if (t.certFile && t.keyFile) {
    opts.cert = read(t.certFile, 'certificate');
    opts.key = read(t.keyFile, 'key');
  }
  // The CA verifies client certificates, so it is loaded only when they are asked for (as Go's
  // ClientCAs only count with verify). Loaded always, OpenSSL would also send it after our
  // certificate, and a client that does not trust that root would see a self-signed certificate
  // in the chain instead of nats-server's unverifiable leaf.
  if (t.caFile) {
    const ca = read(t.caFile, 'root ca certificate');
    if (t.verify === true || t.verifyAndMap === true) opts.ca = ca;
  }
  if (t.cipherSuites) {
    const names = t.cipherSuites.map((c) => {
      const n = CIPHERS[c];
      if (!n) throw new TlsConfigError(`unrecognized cipher ${c}`);
      return n;
    });
    // TLS 1.3 suites are not configurable in Go either; keep OpenSSL's defaults for them.
    opts.ciphers = names.join(':');
  }
  if (t.curvePreferences) {
    opts.ecdhCurve = t.curvePreferences
      .map((c) => {
        const n = CURVES[c];
        if (!n) throw new TlsConfigError(`unrecognized curve preference ${c}`);
        return n;
      })
      .join(':');
  }
  let context: SecureContext;
  try {
    context = createSecureContext(opts);
  } catch (e) {
    throw new TlsConfigError(`error parsing X509 certificate/key pair: ${(e as Error).message}`);
  }
  const map = t.verifyAndMap === true;
  return { context, verify: t.verify === true || map, map, timeout: t.timeout ?? DEFAULT_TLS_TIMEOUT };
}

/** Wraps an accepted socket as the server side of a TLS connection (handshake starts at once). */
export function wrapServerSocket(raw: Socket, setup: TlsSetup): TLSSocket {
  return new TLSSocket(raw, {
    isServer: true,
    secureContext: setup.context,
    requestCert: setup.verify,
    rejectUnauthorized: setup.verify,
  });
}

/**
 * Why the peer's certificate chain did not verify, or null when it did. A server TLSSocket made
 * outside tls.Server does not fill in `authorized`; OpenSSL records the verdict on the handle,
 * which is what tls.Server itself reads. Without that handle we fail closed.
 */
export function peerVerifyError(secure: TLSSocket): string | null {
  const handle = (secure as unknown as { _handle?: { verifyError?: () => (Error & { code?: string }) | null } })._handle;
  if (handle?.verifyError === undefined) return 'certificate verification unavailable';
  const err = handle.verifyError();
  if (err) return err.code ?? err.message;
  if (secure.getPeerCertificate() === null || Object.keys(secure.getPeerCertificate()).length === 0) return 'no client certificate';
  return null;
}

/**
 * A route's or gateway's TLS (nats-server getTLSConfig): both ends present a certificate and
 * verify the other's against `ca_file` (verification is forced, whatever `verify` says); the
 * soliciting end also checks the name it dialed unless `insecure`.
 */
export interface LinkTls {
  context: SecureContext;
  /** Handshake timeout in seconds. */
  timeout: number;
  /** Soliciting end: accept any server certificate (chain and name unchecked). */
  insecure: boolean;
  /** `pinned_certs`: hex sha256 of the peer certificate's SubjectPublicKeyInfo (null: any). */
  pinned: ReadonlySet<string> | null;
}

/** Builds a route/gateway TLS setup; throws TlsConfigError with nats-server's wording. */
export function buildLinkTls(t: TlsOptions): LinkTls {
  // Certificate-to-route mapping (route authorization by certificate) is not built: refuse
  // rather than run without the check the configuration asks for.
  if (t.verifyAndMap) throw new TlsConfigError('verify_and_map is not supported by Switchboard for routes and gateways yet; refusing to run without it');
  if (t.verifyCertAndCheckKnownUrls) throw new TlsConfigError('verify_cert_and_check_known_urls is not supported by Switchboard yet; refusing to run without it');
  // Links always verify (nats-server getTLSConfig forces RequireAndVerifyClientCert), so the CA is always loaded.
  const s = buildTlsSetup({ ...t, verify: true });
  const pinned = t.pinnedCerts && t.pinnedCerts.length > 0 ? new Set(t.pinnedCerts.map((p) => p.toLowerCase())) : null;
  return { context: s.context, timeout: t.timeout ?? DEFAULT_TLS_TIMEOUT, insecure: t.insecure === true, pinned };
}

/** Whether a peer certificate's public key is among `pinned_certs` (nats-server matchesPinnedCert). */
export function matchesPinned(pinned: ReadonlySet<string> | null, cert: X509Certificate | undefined): boolean {
  if (pinned === null) return true;
  if (cert === undefined) return false;
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return pinned.has(createHash('sha256').update(spki).digest('hex'));
}

/** Node's certificate verification codes in the words Go's crypto/x509 uses (nats-server's log lines). */
const X509_TEXT: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'x509: certificate signed by unknown authority',
  UNABLE_TO_GET_ISSUER_CERT: 'x509: certificate signed by unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'x509: certificate signed by unknown authority',
  SELF_SIGNED_CERT_IN_CHAIN: 'x509: certificate signed by unknown authority',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'x509: certificate signed by unknown authority',
  CERT_SIGNATURE_FAILURE: 'x509: certificate signed by unknown authority',
  CERT_HAS_EXPIRED: 'x509: certificate has expired or is not yet valid',
  CERT_NOT_YET_VALID: 'x509: certificate has expired or is not yet valid',
};

/**
 * A TLS failure for the log, in the words of Go's crypto/tls and crypto/x509 where there are
 * some (nats-server's log lines), with Node's code beside them; else OpenSSL's short reason.
 */
export function tlsErrorText(err: (Error & { code?: string; reason?: string }) | string): string {
  const code = typeof err === 'string' ? err : err.code;
  const msg = typeof err === 'string' ? err : err.message;
  if (code !== undefined && X509_TEXT[code] !== undefined) return `${X509_TEXT[code]} (${code})`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `x509: ${msg}`;
  const reason = typeof err === 'string' ? undefined : err.reason;
  if (reason === undefined) return msg;
  // The peer offered no certificate: with a Go peer, none it has is signed by a CA in our ca_file.
  if (code === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE') return "tls: client didn't provide a certificate (none signed by a CA of ca_file was offered)";
  const alert = /alert (.+)$/.exec(reason);
  if (alert !== null) return `remote error: tls: ${alert[1]}`;
  return `tls: ${reason}`;
}

/** Go's spelling of a TLS version ("1.3"), as nats-server logs and reports it. */
export function tlsVersionName(protocol: string | null): string {
  return protocol === null ? '' : protocol.replace(/^TLSv/, '');
}
