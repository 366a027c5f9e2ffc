/**
 * Throwaway certificates for route and gateway TLS, made with openssl at test time: two CAs
 * (`ca` and `other`) and node certificates usable on both ends of a link (serverAuth and
 * clientAuth; nats-server verifies both directions).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LinkPki {
  dir: string;
  /** The CA that signed the node certificates. */
  ca: string;
  /** A CA that signed nothing here: trusting only it fails verification. */
  otherCa: string;
  /** Valid for DNS:localhost and IP:127.0.0.1. */
  cert: string;
  key: string;
  /** Signed by `ca`, valid only for DNS:elsewhere.example (a name check fails). */
  wrongNameCert: string;
  wrongNameKey: string;
  /** Signed by `ca`, valid only for DNS:localhost (no IP SAN: dialing 127.0.0.1 needs the saved TLS name). */
  dnsOnlyCert: string;
  dnsOnlyKey: string;
  cleanup(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeLinkPki(): LinkPki {
  const dir = mkdtempSync(join(tmpdir(), 'link-pki-'));
  for (const ca of ['ca', 'other']) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${ca} test CA`, '-keyout', `${ca}.key`, '-out', `${ca}.pem`], dir);
  }
  const sign = (name: string, san: string): void => {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/O=Switchboard/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`], dir);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth\n`);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`], dir);
  };
  sign('node', 'DNS:localhost,IP:127.0.0.1');
  sign('wrongname', 'DNS:elsewhere.example');
  sign('dnsonly', 'DNS:localhost');
  return {
    dir,
    ca: join(dir, 'ca.pem'),
    otherCa: join(dir, 'other.pem'),
    cert: join(dir, 'node.pem'),
    key: join(dir, 'node.key'),
    wrongNameCert: join(dir, 'wrongname.pem'),
    wrongNameKey: join(dir, 'wrongname.key'),
    dnsOnlyCert: join(dir, 'dnsonly.pem'),
    dnsOnlyKey: join(dir, 'dnsonly.key'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A `tls { … }` block for a conf file. */
export function tlsBlock(t: { cert: string; key: string; ca: string; timeout?: number; insecure?: boolean }): string {
  const lines = [`cert_file: "${t.cert}"`, `key_file: "${t.key}"`, `ca_file: "${t.ca}"`, `timeout: ${t.timeout ?? 5}`];
  if (t.insecure) lines.push('insecure: true');
  return `tls {\n    ${lines.join('\n    ')}\n  }`;
}
