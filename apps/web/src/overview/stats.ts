/*
 * STATSZ history as the charts draw it: /api/stats points (with per-second rates computed by the
 * server), extended live by `statsz` events whose rates are computed here against the previous
 * point.
 */
import type { ServerStatsMsg, StatsPoint } from '@switchboard/shared';

export function pointFromStatsz(msg: ServerStatsMsg, t: number, prev?: StatsPoint): StatsPoint {
  const s = msg.statsz;
  const p: StatsPoint = {
    t,
    connections: s.connections,
    totalConnections: s.total_connections,
    subscriptions: s.subscriptions,
    slowConsumers: s.slow_consumers,
    inMsgs: s.received.msgs,
    outMsgs: s.sent.msgs,
    inBytes: s.received.bytes,
    outBytes: s.sent.bytes,
    mem: s.mem,
    cpu: s.cpu,
    inMsgsRate: 0,
    outMsgsRate: 0,
    inBytesRate: 0,
    outBytesRate: 0,
  };
  if (prev && t > prev.t) {
    const dt = (t - prev.t) / 1000;
    // A counter that went down means the server restarted: count from zero.
    const rate = (cur: number, old: number) => (cur >= old ? cur - old : cur) / dt;
    p.inMsgsRate = rate(p.inMsgs, prev.inMsgs);
    p.outMsgsRate = rate(p.outMsgs, prev.outMsgs);
    p.inBytesRate = rate(p.inBytes, prev.inBytes);
    p.outBytesRate = rate(p.outBytes, prev.outBytes);
  }
  return p;
}

/**
 * Adds a live STATSZ to the points of a window: replaces the point of the same step (the server
 * keeps the last STATSZ within a step), drops points older than the window.
 */
export function appendStatsz(points: StatsPoint[], msg: ServerStatsMsg, time: number, stepMs: number, spanMs: number): StatsPoint[] {
  const t = Math.floor(time / stepMs) * stepMs;
  const kept = points.filter((p) => p.t >= t - spanMs && p.t !== t);
  const prev = kept.filter((p) => p.t < t).at(-1);
  const next = pointFromStatsz(msg, t, prev);
  if (prev && prev.t < t && stepMs > 0) {
    // Rates over the real interval between the two STATSZ, not the step grid.
    const dt = Math.max(1, (time - prev.t) / 1000);
    const r = (cur: number, old: number) => (cur >= old ? cur - old : cur) / dt;
    next.inMsgsRate = r(next.inMsgs, prev.inMsgs);
    next.outMsgsRate = r(next.outMsgs, prev.outMsgs);
    next.inBytesRate = r(next.inBytes, prev.inBytes);
    next.outBytesRate = r(next.outBytes, prev.outBytes);
  }
  return [...kept, next].sort((a, b) => a.t - b.t);
}

export const WINDOWS = [
  { id: '5m', label: '5 min' },
  { id: '1h', label: '1 hour' },
  { id: '24h', label: '24 hours' },
] as const;
export type WindowId = (typeof WINDOWS)[number]['id'];
