/** Remote gateway configurations (nats-server gatewayCfg): configured or discovered clusters and their URLs. */
import { isIP } from 'node:net';
import type { RemoteGateway } from '@switchboard/shared';
import { buildLinkTls, type LinkTls } from '../tls/context.js';
import type { RemoteRef } from './connection.js';
import { gwHash, gwOldHash } from './hash.js';

/** Parses `nats://user:pass@host:port` or `host:port` as a URL (credentials kept for CONNECT). */
export function parseGatewayUrl(s: string): URL | null {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `nats://${s}`);
  } catch {
    return null;
  }
}

/** `host:port` of a URL (the key nats-server uses, without credentials). */
export function hostPort(u: URL): string {
  return u.port ? `${u.hostname}:${u.port}` : u.hostname;
}

export class RemoteGatewayCfg implements RemoteRef {
  readonly hash: string;
  readonly oldHash: string;
  /** Known URLs by host:port: the configured ones plus those learned from INFO. */
  urls = new Map<string, URL>();
  /** Connection attempts of the current solicitation (reset once connected). */
  attempts = 0;
  lastError: string | null = null;
  /** A dial or a retry is under way. */
  soliciting = false;
  timer: NodeJS.Timeout | null = null;
  /**
   * The first host name among its URLs: checked against the peer's certificate when a URL is
   * an IP (nats-server gatewayCfg.tlsName); cleared when it did not match.
   */
  tlsName = '';

  constructor(
    readonly name: string,
    readonly configured: readonly URL[],
    readonly implicit: boolean,
    /** TLS for the outbound connection: the remote's own `tls`, else the gateway block's (null: plaintext). */
    readonly tls: LinkTls | null = null,
  ) {
    this.hash = gwHash(name);
    this.oldHash = gwOldHash(name);
    for (const u of configured) this.addUrl(u);
  }

  static fromOptions(r: RemoteGateway, gatewayTls: LinkTls | null): RemoteGatewayCfg {
    const urls: URL[] = [];
    for (const s of r.urls) {
      const u = parseGatewayUrl(s);
      if (u !== null) urls.push(u);
    }
    return new RemoteGatewayCfg(r.name, urls, false, r.tls !== undefined ? buildLinkTls(r.tls) : gatewayTls);
  }

  private addUrl(u: URL): void {
    this.urls.set(hostPort(u), u);
    if (this.tls !== null && this.tlsName === '' && isIP(u.hostname.replace(/^\[|\]$/g, '')) === 0) this.tlsName = u.hostname;
  }

  /** Adds URLs from an INFO's `gateway_urls` (host:port strings) not known yet. */
  addUrls(list: readonly string[] | undefined): void {
    if (!list) return;
    for (const hp of list) {
      if (this.urls.has(hp)) continue;
      const u = parseGatewayUrl(hp);
      if (u !== null) this.addUrl(u);
    }
  }

  /** The configured URLs plus those of an INFO (nats-server updateURLs: earlier discoveries are dropped). */
  updateUrls(list: readonly string[] | undefined): void {
    this.urls = new Map();
    for (const u of this.configured) this.addUrl(u);
    this.addUrls(list);
  }

  /** The known URLs as host:port (what gossip INFOs carry). */
  urlList(): string[] {
    return [...this.urls.keys()];
  }

  /** The URLs in random order, for one round of connection attempts. */
  shuffled(): URL[] {
    const a = [...this.urls.values()];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}
