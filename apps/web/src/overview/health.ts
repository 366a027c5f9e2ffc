/*
 * A health verdict with reasons for one server, from what the console knows about it: /healthz,
 * when it was last heard from, slow consumers, CPU, memory, lame duck, and expected routes and
 * gateways that are not connected.
 */

export type Verdict = 'healthy' | 'degraded' | 'down';

export interface HealthInput {
  name: string;
  /** ms since epoch of the last STATSZ heard. */
  lastSeen?: number;
  now: number;
  healthz?: { status: string; error?: string };
  slowConsumers?: number;
  /** Slow consumers at the start of the chart window, to tell new ones from old ones. */
  slowConsumersBefore?: number;
  cpu?: number;
  cores?: number;
  mem?: number;
  lameDuck?: boolean;
  /** Configured routes (cluster.routes) vs routes connected. */
  routesConfigured?: number;
  routesConnected?: number;
  gatewaysConfigured?: string[];
  gatewaysConnected?: string[];
}

export interface HealthVerdict {
  verdict: Verdict;
  reasons: string[];
}

/** A server not heard from for this long is treated as gone (nats-server uses 150 s). */
export const STALE_MS = 150_000;

export function healthVerdict(h: HealthInput): HealthVerdict {
  const down: string[] = [];
  const degraded: string[] = [];
  if (h.healthz && h.healthz.status !== 'ok') down.push(`/healthz says ${h.healthz.status}${h.healthz.error ? `: ${h.healthz.error}` : ''}`);
  if (h.lastSeen !== undefined && h.now - h.lastSeen > STALE_MS) {
    down.push(`not heard from for ${Math.round((h.now - h.lastSeen) / 1000)} s`);
  } else if (h.lastSeen !== undefined && h.now - h.lastSeen > 65_000) {
    degraded.push(`last STATSZ ${Math.round((h.now - h.lastSeen) / 1000)} s ago`);
  }
  if (h.lameDuck) degraded.push('in lame duck mode: closing client connections');
  const newSlow = (h.slowConsumers ?? 0) - (h.slowConsumersBefore ?? 0);
  if (newSlow > 0) degraded.push(`${newSlow} new slow consumer${newSlow === 1 ? '' : 's'}`);
  if (h.cpu !== undefined) {
    const limit = 90 * Math.max(1, h.cores ?? 1);
    if (h.cpu >= limit) degraded.push(`CPU at ${h.cpu.toFixed(0)}%`);
  }
  if (h.routesConfigured !== undefined && h.routesConnected !== undefined && h.routesConnected < h.routesConfigured) {
    degraded.push(`${h.routesConfigured - h.routesConnected} of ${h.routesConfigured} configured routes not connected`);
  }
  const missingGw = (h.gatewaysConfigured ?? []).filter((g) => !(h.gatewaysConnected ?? []).includes(g));
  if (missingGw.length) degraded.push(`gateway${missingGw.length === 1 ? '' : 's'} ${missingGw.join(', ')} not connected`);
  if (down.length) return { verdict: 'down', reasons: [...down, ...degraded] };
  if (degraded.length) return { verdict: 'degraded', reasons: degraded };
  return { verdict: 'healthy', reasons: ['responding, no slow consumers, links up'] };
}

/** The worst verdict of several servers, with each reason prefixed by the server's name. */
export function clusterVerdict(servers: { name: string; health: HealthVerdict }[]): HealthVerdict {
  if (servers.length === 0) return { verdict: 'down', reasons: ['no server heard from yet'] };
  const rank: Record<Verdict, number> = { healthy: 0, degraded: 1, down: 2 };
  let worst: Verdict = 'healthy';
  const reasons: string[] = [];
  for (const s of servers) {
    if (rank[s.health.verdict] > rank[worst]) worst = s.health.verdict;
    if (s.health.verdict !== 'healthy') reasons.push(...s.health.reasons.map((r) => `${s.name}: ${r}`));
  }
  if (worst === 'healthy') reasons.push(`${servers.length} server${servers.length === 1 ? '' : 's'} healthy`);
  return { verdict: worst, reasons };
}
