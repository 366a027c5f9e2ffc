/**
 * Client TLS (nats-server opts.go: GenTLSConfig; server.go: createClient; client.go:
 * doTLSHandshake; auth.go: checkClientTLSCertSubject). INFO goes out in plaintext, then the
 * accepted socket is wrapped as a TLS server socket; `verify` demands a client certificate
 * signed by `ca_file`; `verify_and_map` also maps the certificate to a configured user.
 */
import type { X509Certificate } from 'node:crypto';

export { DEFAULT_TLS_TIMEOUT, TlsConfigError, buildTlsSetup, peerVerifyError, wrapServerSocket, type TlsSetup } from '../tls/context.js';

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
