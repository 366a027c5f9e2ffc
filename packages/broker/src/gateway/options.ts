/** The gateway block's start checks, the listener's credential check and address helpers. */
import { timingSafeEqual } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import bcrypt from 'bcryptjs';
import type { Options } from '@switchboard/shared';
import { buildLinkTls, TlsConfigError } from '../tls/context.js';

/** nats-server's start checks of the gateway block (validateGatewayOptions), and its TLS files. */
export function gatewayOptionErrors(o: Options): string[] {
  const g = o.gateway;
  if (!g || ((g.name ?? '') === '' && (g.port ?? 0) === 0)) return [];
  const errors: string[] = [];
  // The gateway name is the cluster's name (nats-server validateCluster).
  if (g.name && o.cluster?.name && o.cluster.name !== g.name) return ['cluster name conflicts between cluster and gateway definitions'];
  if (!g.name) errors.push('gateway has no name');
  else if (!g.port) errors.push(`gateway "${g.name}" has no port specified (select -1 for random port)`);
  (g.gateways ?? []).forEach((r, i) => {
    if (!r.name) errors.push(`gateway in the list ${i} has no name`);
    else if (r.urls.length === 0) errors.push(`gateway "${r.name}" has no URL`);
  });
  const tlsError = (where: string, t: Parameters<typeof buildLinkTls>[0] | undefined): void => {
    if (t === undefined) return;
    try {
      buildLinkTls(t);
    } catch (e) {
      if (!(e instanceof TlsConfigError)) throw e;
      errors.push(`${where} tls: ${e.message}`);
    }
  };
  tlsError('gateway', g.tls);
  for (const r of g.gateways ?? []) tlsError(`gateway "${r.name}"`, r.tls);
  return errors;
}

/** The gateway authorization check: constant-time for plain passwords, bcrypt for hashed ones. */
export async function checkCredentials(user: string, password: string, gotUser: string | undefined, gotPass: string | undefined): Promise<boolean> {
  if (gotUser === undefined || !safeEqual(user, gotUser)) return false;
  const pass = gotPass ?? '';
  if (password.startsWith('$2')) return bcrypt.compare(pass, password).catch(() => false);
  return safeEqual(password, pass);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

export function firstNonLoopbackIp(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  }
  return null;
}
