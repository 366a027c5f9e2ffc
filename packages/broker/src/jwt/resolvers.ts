/**
 * Account resolvers: where a server in operator mode finds account JWTs by public key. One small
 * interface, three kinds as nats-server 2.9.10 has them:
 *
 * - `MemoryResolver` (`resolver: MEMORY`, filled from `resolver_preload` and updates);
 * - `UrlResolver` (`resolver: URL(...)`: HTTP GET `<url><pubkey>`, 200 required, 1.9 s timeout);
 * - `DirResolver` (`resolver { type: full|cache, dir }`, in `dir-store.ts`): JWTs stored on disk.
 *
 * A resolver only stores and returns JWTs. It does not verify them: the server checks every JWT
 * it uses against its trusted operators (`verifyAccountJwt`), as nats-server does.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';

export interface AccountResolver {
  readonly kind: 'memory' | 'url' | 'full' | 'cache';
  /** False for resolvers that can store JWTs (preloads, pushed updates); the URL resolver is read-only. */
  readonly readOnly: boolean;
  /** The account JWT; rejects (nats-server's message) when there is none. */
  fetch(account: string): Promise<string>;
  /** Stores a JWT for an account (memory: replaces; directory: keeps the newer, as `Store`). */
  update(account: string, jwt: string): Promise<void>;
  /** Public keys of the accounts the resolver holds. */
  list(): Promise<string[]>;
  /** Removes an account's JWT; rejects where deleting is not possible. */
  delete(account: string): Promise<void>;
  close(): Promise<void>;
}

/** `DEFAULT_ACCOUNT_FETCH_TIMEOUT`. */
export const ACCOUNT_FETCH_TIMEOUT_MS = 1900;

/**
 * nats-server `updateAccount`: a loaded (complete) account is not re-fetched within a second of
 * its last update ("account resolver update too soon").
 */
export const ACCOUNT_REFETCH_GUARD_MS = 1000;

/** `resolver: MEMORY`. Missing accounts reject with nats-server's `account missing`. */
export class MemoryResolver implements AccountResolver {
  readonly kind = 'memory';
  readonly readOnly = false;
  private readonly jwts = new Map<string, string>();

  constructor(preload: Readonly<Record<string, string>> = {}) {
    for (const [k, v] of Object.entries(preload)) this.jwts.set(k, v);
  }
  async fetch(account: string): Promise<string> {
    const jwt = this.jwts.get(account);
    if (jwt === undefined) throw new Error('account missing');
    return jwt;
  }
  async update(account: string, jwt: string): Promise<void> {
    this.jwts.set(account, jwt);
  }
  async list(): Promise<string[]> {
    return [...this.jwts.keys()];
  }
  async delete(account: string): Promise<void> {
    this.jwts.delete(account);
  }
  /** Adds or replaces JWTs (a reload re-reads `resolver_preload`). */
  preload(jwts: Readonly<Record<string, string>>): void {
    for (const [k, v] of Object.entries(jwts)) this.jwts.set(k, v);
  }
  async close(): Promise<void> {}
}

/** TLS settings for the URL resolver (`resolver_tls`): PEM contents, not file names. */
export interface ResolverTls {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** `insecure: true` skips verification of the server certificate. */
  rejectUnauthorized?: boolean;
}

/** nats-server `redactURLString`: hides a password in the URL's user info. */
export function redactUrl(raw: string): string {
  if (!raw.includes('@')) return raw;
  try {
    const u = new URL(raw);
    if (u.password !== '') u.password = 'xxxxx';
    return u.toString();
  } catch {
    return raw;
  }
}

/**
 * `resolver: URL("https://host/jwt/v1/accounts/")`: GET `<url><pubkey>` (a `/` is added to the
 * URL when missing), status 200 required, the body is the JWT. `cacheTtlMs` (default 0: off)
 * keeps fetched JWTs for that long; nats-server itself relies on its loaded accounts instead.
 */
export class UrlResolver implements AccountResolver {
  readonly kind = 'url';
  readonly readOnly = true;
  readonly url: string;
  private readonly cache = new Map<string, { jwt: string; at: number }>();

  constructor(
    url: string,
    private readonly opts: { tls?: ResolverTls; timeoutMs?: number; cacheTtlMs?: number; now?: () => number } = {},
  ) {
    this.url = url.endsWith('/') ? url : `${url}/`;
  }

  async fetch(account: string): Promise<string> {
    const now = this.opts.now?.() ?? Date.now();
    const ttl = this.opts.cacheTtlMs ?? 0;
    const hit = this.cache.get(account);
    if (hit && ttl > 0 && now - hit.at < ttl) return hit.jwt;
    const url = this.url + account;
    const shown = JSON.stringify(redactUrl(url));
    const res = await this.get(url).catch((e: Error) => {
      throw new Error(`could not fetch <${shown}>: ${e.message}`);
    });
    if (res.status !== 200) throw new Error(`could not fetch <${shown}>: ${res.status} ${res.statusText}`);
    if (ttl > 0) this.cache.set(account, { jwt: res.body, at: now });
    return res.body;
  }

  private get(url: string): Promise<{ status: number; statusText: string; body: string }> {
    return new Promise((resolve, reject) => {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        reject(new Error(`unsupported protocol scheme ""`));
        return;
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') {
        reject(new Error(`unsupported protocol scheme "${u.protocol.replace(/:$/, '')}"`));
        return;
      }
      const timeoutMs = this.opts.timeoutMs ?? ACCOUNT_FETCH_TIMEOUT_MS;
      const tls: RequestOptions = u.protocol === 'https:' ? { ...(this.opts.tls ?? {}) } : {};
      const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, { method: 'GET', ...tls }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
      const timer = setTimeout(() => req.destroy(new Error('Client.Timeout exceeded while awaiting headers')), timeoutMs);
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      req.end();
    });
  }

  async update(): Promise<void> {
    throw new Error('store operation not supported for URL Resolver');
  }
  async list(): Promise<string[]> {
    return [...this.cache.keys()];
  }
  async delete(account: string): Promise<void> {
    this.cache.delete(account);
  }
  async close(): Promise<void> {
    this.cache.clear();
  }
}
