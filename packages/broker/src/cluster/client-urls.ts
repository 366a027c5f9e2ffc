/** The client URLs a cluster tells clients about (INFO `connect_urls`). */
import { networkInterfaces } from 'node:os';

/** This server's client URLs: client_advertise, or the listen address (every IPv4 interface for 0.0.0.0). */
export function ownClientUrls(o: { clientAdvertise?: string; host: string }, port: number): string[] {
  if (o.clientAdvertise) return [o.clientAdvertise.includes(':') ? o.clientAdvertise : `${o.clientAdvertise}:${port}`];
  if (o.host !== '0.0.0.0' && o.host !== '::' && o.host !== '') return [`${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`];
  const urls: string[] = [];
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (!a.internal && a.family === 'IPv4') urls.push(`${a.address}:${port}`);
  }
  return urls.length > 0 ? urls : [`127.0.0.1:${port}`];
}

/** Peers' client URLs, counted per route announcing them (nats-server clientConnectURLsMap). */
export class RemoteClientUrls {
  private readonly counts = new Map<string, number>();

  /** Returns whether the set of URLs changed. */
  add(urls: readonly string[]): boolean {
    let changed = false;
    for (const u of urls) {
      const n = this.counts.get(u) ?? 0;
      this.counts.set(u, n + 1);
      if (n === 0) changed = true;
    }
    return changed;
  }

  /** Returns whether the set of URLs changed. */
  remove(urls: readonly string[]): boolean {
    let changed = false;
    for (const u of urls) {
      const n = this.counts.get(u);
      if (n === undefined) continue;
      if (n <= 1) {
        this.counts.delete(u);
        changed = true;
      } else this.counts.set(u, n - 1);
    }
    return changed;
  }

  urls(): IterableIterator<string> {
    return this.counts.keys();
  }
}
