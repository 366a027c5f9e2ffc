/**
 * Gateways in a cluster of several servers (nats-server gateway.go / route.go): what one server
 * of a cluster tells the others about gateways over its routes, and what it learns from them.
 *
 * - Each server puts its gateway URL in its route INFO (`gateway_url`); the cluster's URLs
 *   (ours and our peers') are the `gateway_urls` of our gateway INFO, re-sent to inbound
 *   gateways when the set changes, so remote clusters can reach every server of ours.
 * - When an outbound gateway gets the remote's INFO, the other servers of the cluster are told
 *   (INFO `gateway_cmd` 1 over the routes); a route that registers is told every remote we have
 *   an outbound to. Either way every server of the cluster dials every remote cluster.
 * - Routes are found by the hash of the peer's server id, the server part of a `_GR_.` reply.
 *
 * The cluster module is reached only through `ClusterLink` (wired by the composition root).
 */
import { gwHash } from './hash.js';

/** A route, as gateways use it. */
export interface GatewayRoute {
  readonly remoteId: string;
  readonly remoteName: string;
  /** The peer's gateway URL from its route INFO ('' when none). */
  readonly gatewayUrl: string;
  readonly registered: boolean;
  sendProto(line: string): void;
  /** One RMSG/HMSG to the peer (`queues`: '' or "q1 q2"). */
  deliverRemote(account: string, subject: string, reply: string, queues: string, hdr: number, buf: Buffer, start: number, end: number): boolean;
}

/** A route INFO carrying gateway gossip. */
export interface RouteGatewayInfo {
  server_id?: string;
  gateway?: string;
  gateway_urls?: string[];
  gateway_cmd?: number;
}

/** What gateways need of the cluster module (its routes). */
export interface ClusterLink {
  readonly routes: ReadonlyMap<number, GatewayRoute>;
  onRoute(fn: (route: GatewayRoute, up: boolean) => void): void;
  onGatewayInfo(fn: (info: RouteGatewayInfo, route: GatewayRoute) => void): void;
  broadcastInfo(info: Record<string, unknown>): void;
  setRouteInfoFields(fields: Record<string, unknown>, resend?: boolean): void;
}

/** A remote cluster we have an outbound connection to: its name and URLs (host:port). */
export interface KnownRemote {
  readonly name: string;
  urlList(): string[];
}

/** What this needs of the gateway module. */
export interface ClusterLinkHost {
  readonly serverId: string;
  readonly serverName: string;
  /** The server is shutting down: its routes closing change nothing (nats-server removeGatewayURL). */
  readonly shuttingDown: boolean;
  /** Remotes with a registered outbound connection. */
  connectedRemotes(): KnownRemote[];
  /** The cluster's gateway URL set changed: tell inbound gateways. */
  gatewayUrlsChanged(): void;
  /** A route told us of a remote cluster (gateway_cmd 1). */
  implicitGateway(info: RouteGatewayInfo): void;
  logError(text: string): void;
}

/** INFO `gateway_cmd` 1: "connect to this cluster" (nats-server's gossip command). */
export const GATEWAY_CMD_GOSSIP = 1;

export class GatewayClusterLink {
  /** Gateway URLs of this cluster's servers (host:port), counted: ours and each route's. */
  private readonly urls = new Map<string, number>();
  /** Routes by the gateway hash of the peer's server id. */
  private readonly byIdHash = new Map<string, GatewayRoute>();

  constructor(
    private readonly host: ClusterLinkHost,
    private readonly cluster: ClusterLink | null,
  ) {
    if (cluster === null) return;
    cluster.onRoute((r, up) => (up ? this.routeUp(r) : this.routeDown(r)));
    cluster.onGatewayInfo((info, r) => {
      if (info.gateway_cmd === GATEWAY_CMD_GOSSIP) this.host.implicitGateway(info);
      else this.host.logError(`Unknown command ${info.gateway_cmd ?? 0} from server ${r.remoteId}`);
    });
  }

  /** This server's own gateway URL, once listening: counted, and put in the route INFO. */
  setOwnUrl(url: string): void {
    this.add(url);
    this.cluster?.setRouteInfoFields({ gateway_url: url }, true);
  }

  /** The cluster's gateway URLs (the gateway INFO's `gateway_urls`). */
  clusterUrls(): string[] {
    return [...this.urls.keys()];
  }

  /** The route to the server whose id hashes to `hash` (a `_GR_.` reply's server part). */
  routeByIdHash(hash: string): GatewayRoute | undefined {
    return this.byIdHash.get(hash);
  }

  /** Whether a server of this cluster is named `name` (nats-server isDuplicateServerName). */
  hasServerName(name: string): boolean {
    if (this.cluster === null) return false;
    for (const r of this.cluster.routes.values()) if (r.remoteName === name) return true;
    return false;
  }

  /**
   * An outbound gateway got its peer's INFO: every route is told, so every server of this
   * cluster connects to that cluster too (nats-server forwardNewGatewayToLocalCluster). The id
   * is not ours (`GW` + id), so an old server would not take it for a route to itself.
   */
  announceRemote(name: string, urls: readonly string[] | undefined): void {
    if (this.cluster === null || this.cluster.routes.size === 0) return;
    this.cluster.broadcastInfo(gossipInfo(`GW${this.host.serverId}`, this.host.serverName, name, urls));
  }

  private routeUp(r: GatewayRoute): void {
    this.byIdHash.set(gwHash(r.remoteId), r);
    if (r.gatewayUrl !== '' && this.add(r.gatewayUrl)) this.host.gatewayUrlsChanged();
    // nats-server sendGatewayConfigsToRoute: the remotes we have an outbound to.
    for (const remote of this.host.connectedRemotes()) {
      const urls = remote.urlList();
      if (urls.length === 0) continue;
      r.sendProto(`INFO ${JSON.stringify(gossipInfo(`GW${this.host.serverId}`, '', remote.name, urls))}\r\n`);
    }
  }

  private routeDown(r: GatewayRoute): void {
    const h = gwHash(r.remoteId);
    if (this.byIdHash.get(h) === r) this.byIdHash.delete(h);
    // Else remote clusters would be told, as we go, that we are the only server left.
    if (this.host.shuttingDown) return;
    if (r.gatewayUrl !== '' && this.remove(r.gatewayUrl)) this.host.gatewayUrlsChanged();
  }

  private add(url: string): boolean {
    const n = this.urls.get(url) ?? 0;
    this.urls.set(url, n + 1);
    return n === 0;
  }

  private remove(url: string): boolean {
    const n = this.urls.get(url);
    if (n === undefined) return false;
    if (n > 1) {
      this.urls.set(url, n - 1);
      return false;
    }
    this.urls.delete(url);
    return true;
  }
}

/** The gossip INFO as nats-server marshals it (its non-omitempty fields with zero values). */
function gossipInfo(id: string, name: string, gateway: string, urls: readonly string[] | undefined): Record<string, unknown> {
  const info: Record<string, unknown> = { server_id: id, server_name: name, version: '', proto: 0, go: '', host: '', port: 0, headers: false, max_payload: 0, gateway };
  if (urls && urls.length > 0) info.gateway_urls = [...urls];
  info.gateway_cmd = GATEWAY_CMD_GOSSIP;
  return info;
}
