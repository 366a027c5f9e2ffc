/**
 * Client TLS (nats-server opts.go: GenTLSConfig; server.go: createClient; client.go:
 * doTLSHandshake; auth.go: checkClientTLSCertSubject). INFO goes out in plaintext, then the
 * accepted socket is wrapped as a TLS server socket; `verify` demands a client certificate
 * signed by `ca_file`; `verify_and_map` also maps the certificate to a configured user.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import type { X509Certificate } from 'node:crypto';
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

/** One relative distinguished name attribute, e.g. `CN=alice`. */
interface Attr {
  type: string;
  value: string;
}

/** Splits `CN=a,O=b` (or newline-separated as Node prints subjects) into attributes; `\,` escapes. */
export function parseDN(dn: string): Attr[] | null {
  const out: Attr[] = [];
  let cur = '';
  const parts: string[] = [];
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i];
    if (c === '\\' && i + 1 < dn.length) {
      cur += dn[++i];
    } else if (c === ',' || c === '\n' || c === '+') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq <= 0) return null;
    out.push({ type: p.slice(0, eq).trim().toUpperCase(), value: p.slice(eq + 1).trim() });
  }
  return out.length > 0 ? out : null;
}

/** Same attributes regardless of order (go-ldap's Equal or RDNsMatch). */
function sameAttrs(a: Attr[], b: Attr[]): boolean {
  if (a.length !== b.length) return false;
  const rest = [...b];
  for (const x of a) {
    const i = rest.findIndex((y) => y.type === x.type && y.value.toLowerCase() === x.value.toLowerCase());
    if (i < 0) return false;
    rest.splice(i, 1);
  }
  return true;
}

function sanEntries(cert: X509Certificate, kind: string): string[] {
  const san = cert.subjectAltName;
  if (!san) return [];
  const out: string[] = [];
  for (const part of san.split(/,\s*/)) {
    const i = part.indexOf(':');
    if (i > 0 && part.slice(0, i) === kind) out.push(part.slice(i + 1).replace(/^"|"$/g, ''));
  }
  return out;
}

/**
 * Finds the configured user a client certificate maps to: email SANs, then DNS SANs, then URI
 * SANs (exact user name), then the subject DN (compared attribute-wise to user names that parse
 * as DNs), then the RFC 2253 string of the subject.
 */
export function mapCertificateToUser<U>(cert: X509Certificate, users: ReadonlyMap<string, U>, allowed: (u: U) => boolean = () => true): { name: string; user: U } | null {
  const lookup = (name: string) => {
    const u = users.get(name);
    return u !== undefined && allowed(u) ? { name, user: u } : null;
  };
  for (const kind of ['email', 'DNS', 'URI']) {
    for (const v of sanEntries(cert, kind)) {
      const hit = lookup(v);
      if (hit) return hit;
    }
  }
  const subject = parseDN(cert.subject);
  if (subject === null) return null;
  for (const [name, u] of users) {
    if (!allowed(u)) continue;
    const dn = parseDN(name);
    if (dn !== null && sameAttrs(dn, subject)) return { name, user: u };
  }
  const rfc2253 = [...subject].reverse().map((a) => `${a.type}=${a.value}`).join(',');
  return lookup(rfc2253);
}
