/*
 * Chart points from samples, one rule for the server's history (/api/stats) and the browser's live
 * points (`stats` events): a sample lands on the start of its step (the last one within a step
 * wins), and rates are the counter difference to the previous point over the time between the two.
 * Computed the same way on both sides, what was drawn live is what a reload of the window draws.
 */
import { z } from 'zod';
import { ServerStatsMsgSchema } from './monitor.js';
import { STATS_WINDOWS, type StatsPoint, type StatsWindow } from './api.js';

/** One sample of a server: gauges and cumulative counters. */
export const StatsSampleSchema = z.object({
  connections: z.number(),
  totalConnections: z.number(),
  subscriptions: z.number(),
  slowConsumers: z.number(),
  inMsgs: z.number(),
  outMsgs: z.number(),
  inBytes: z.number(),
  outBytes: z.number(),
  mem: z.number(),
  cpu: z.number(),
});
export type StatsSample = z.output<typeof StatsSampleSchema>;

/**
 * SSE `stats`: one sample of one server, taken by the console every second (the same sample the
 * history stores). `server` is the history key (the server's name; a restart keeps it), `serverId`
 * the id of the running process.
 */
export const StatsLiveEventSchema = z.object({
  server: z.string(),
  serverId: z.string(),
  name: z.string(),
  local: z.boolean(),
  /** Epoch ms the sample was taken. */
  time: z.number(),
  sample: StatsSampleSchema,
  /** The full STATSZ the sample came from, when it fits the contract. */
  statsz: ServerStatsMsgSchema.nullable(),
});
export type StatsLiveEvent = z.output<typeof StatsLiveEventSchema>;

/** The point of `sample` at step start `t`, its rates taken against `prev` (an earlier point). */
export function statsPoint(sample: StatsSample, t: number, prev?: StatsPoint): StatsPoint {
  const dt = prev && t > prev.t ? (t - prev.t) / 1000 : 0;
  // A counter that went down means the server restarted and counts from zero again.
  const rate = (cur: number, old: number) => (dt > 0 ? (cur >= old ? cur - old : cur) / dt : 0);
  return {
    t,
    ...sample,
    inMsgsRate: prev ? rate(sample.inMsgs, prev.inMsgs) : 0,
    outMsgsRate: prev ? rate(sample.outMsgs, prev.outMsgs) : 0,
    inBytesRate: prev ? rate(sample.inBytes, prev.inBytes) : 0,
    outBytesRate: prev ? rate(sample.outBytes, prev.outBytes) : 0,
  };
}

/** The step start a sample taken at `time` lands on in `window`. */
export function stepStart(time: number, window: StatsWindow): number {
  const { stepMs } = STATS_WINDOWS[window];
  return Math.floor(time / stepMs) * stepMs;
}

/**
 * `points` of `window` with a sample taken at `time` added: it replaces the point of its step,
 * points older than the window (counted from `time`) are dropped. `points` are sorted by t.
 */
export function addSample(points: readonly StatsPoint[], window: StatsWindow, sample: StatsSample, time: number): StatsPoint[] {
  const t = stepStart(time, window);
  const from = time - STATS_WINDOWS[window].spanMs;
  const kept = points.filter((p) => p.t >= from && p.t !== t);
  const before = kept.filter((p) => p.t < t);
  const after = kept.filter((p) => p.t > t);
  const next = statsPoint(sample, t, before.at(-1));
  // A later point (a sample that came out of order) keeps its rates against its own predecessor.
  const later = after.map((p, i) => statsPoint(p, p.t, i === 0 ? next : after[i - 1]));
  return [...before, next, ...later];
}
