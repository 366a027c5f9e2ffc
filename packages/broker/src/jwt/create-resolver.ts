/** Builds the resolver an operator-mode server runs with, from the effective options. */
import { readFileSync } from 'node:fs';
import type { TlsOptions } from '@switchboard/shared';
import { DirResolver, type RemoteLookup } from './dir-store.js';
import type { EffectiveResolver } from './options.js';
import { MemoryResolver, UrlResolver, type AccountResolver, type ResolverTls } from './resolvers.js';

/** `resolver_tls` for a URL resolver: the CA, certificate and key read from their files (PEM). */
export function resolverTls(t: TlsOptions, read: (path: string) => Buffer = (p) => readFileSync(p)): ResolverTls {
  const tls: ResolverTls = {};
  if (t.caFile) tls.ca = read(t.caFile);
  if (t.certFile) tls.cert = read(t.certFile);
  if (t.keyFile) tls.key = read(t.keyFile);
  if (t.insecure) tls.rejectUnauthorized = false;
  return tls;
}

/**
 * The resolver for `resolver` (see `loadOperatorMode` for the effective one), with the
 * `resolver_preload` JWTs stored in it (memory: as given; directory: kept when newer, as
 * nats-server's `Store`) and `resolver_tls` read for a URL resolver.
 */
export async function createResolver(
  resolver: EffectiveResolver,
  opts: { preload?: Readonly<Record<string, string>>; tls?: TlsOptions; remoteLookup?: RemoteLookup; readFile?: (path: string) => Buffer } = {},
): Promise<AccountResolver> {
  const preload = opts.preload ?? {};
  if (resolver.type === 'memory') return new MemoryResolver(preload);
  if (resolver.type === 'url') {
    const t = opts.tls;
    return new UrlResolver(resolver.url, t ? { tls: resolverTls(t, opts.readFile) } : {});
  }
  const r = new DirResolver({
    dir: resolver.dir,
    type: resolver.type,
    ...(resolver.limit !== undefined ? { limit: resolver.limit } : {}),
    ...(resolver.allowDelete !== undefined ? { allowDelete: resolver.allowDelete } : {}),
    ...(resolver.ttl !== undefined ? { ttlMs: resolver.ttl } : {}),
    ...(resolver.interval !== undefined ? { syncIntervalMs: resolver.interval } : {}),
    ...(resolver.timeout !== undefined ? { fetchTimeoutMs: resolver.timeout } : {}),
    ...(opts.remoteLookup ? { remoteLookup: opts.remoteLookup } : {}),
  });
  for (const [k, v] of Object.entries(preload)) await r.update(k, v);
  return r;
}
