import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { connect, type ConnectionOptions, type NatsConnection } from 'nats';

/** Connects with nats.js v2 without reconnecting; resolves the connection or the error. */
export async function tryConnect(servers: string, opts: Partial<ConnectionOptions> = {}): Promise<NatsConnection | Error> {
  try {
    return await connect({ servers, reconnect: false, timeout: 10_000, ...opts });
  } catch (e) {
    return e as Error;
  }
}

/** Collects -ERR texts and the close of a connection (nats.js reports them as status events / closed()). */
export function errText(e: unknown): string {
  if (e instanceof Error) return `${(e as Error & { code?: string }).code ?? ''} ${e.message}`;
  return String(e);
}

export function tmpDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

export function writeConf(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** A throwaway CA, a server certificate for 127.0.0.1/localhost and client certificates, made with openssl. */
export interface TestPki {
  dir: string;
  ca: string;
  /** A second CA that signed nothing of the server's. */
  otherCa: string;
  serverCert: string;
  serverKey: string;
  client(name: string, opts?: { email?: string; dns?: string; signedBy?: 'ca' | 'other' }): { cert: string; key: string };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makePki(): TestPki {
  const dir = tmpDir('pki');
  const ca = (name: string) => {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`], dir);
  };
  ca('ca');
  ca('other');
  const sign = (name: string, subj: string, ext: string, by: string) => {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', subj, '-keyout', `${name}.key`, '-out', `${name}.csr`], dir);
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${by}.pem`, '-CAkey', `${by}.key`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`], dir);
  };
  sign('server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n', 'ca');
  return {
    dir,
    ca: join(dir, 'ca.pem'),
    otherCa: join(dir, 'other.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    client(name, opts = {}) {
      const san: string[] = [];
      if (opts.email) san.push(`email:${opts.email}`);
      if (opts.dns) san.push(`DNS:${opts.dns}`);
      const ext = `${san.length ? `subjectAltName=${san.join(',')}\n` : ''}extendedKeyUsage=clientAuth\n`;
      sign(name, `/O=Switchboard/OU=test/CN=${name}`, ext, opts.signedBy ?? 'ca');
      return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
    },
  };
}
