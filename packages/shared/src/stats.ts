/*
 * Chart points from samples, one rule for the server's history (/api/stats) and the browser's live
 * points (`stats` events): a sample lands on the start of its step (the last one within a step
 * wins), and rates are the counter difference to the previous point over the time between the two.
 * Computed the same way on both sides, what was drawn live is what a reload of the window draws.
 * A point with no earlier point (the first step of a history, where a fresh server's first burst
 * lands) is rated against its step's base instead: the counters the step started from.
 */
import { z } from 'zod';
import { ServerStatsMsgSchema } from './monitor.js';
import { STATS_WINDOWS, type StatsPoint, type StatsWindow, type StepBase } from './api.js';

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

/** The counters of `s` taken at `at`, as a step's base. */
export function stepBase(s: Pick<StatsSample, 'inMsgs' | 'outMsgs' | 'inBytes' | 'outBytes'>, at: number): StepBase {
  return { at, inMsgs: s.inMsgs, outMsgs: s.outMsgs, inBytes: s.inBytes, outBytes: s.outBytes };
}

/**
 * The point of `sample` at step start `t`, its rates taken against `prev` (an earlier point), or,
 * without one, against the step's `base` over the time from it to the sample (`at`).
 */
export function statsPoint(sample: StatsSample & { at?: number; base?: StepBase }, t: number, prev?: StatsPoint): StatsPoint {
  const { at, base, ...s } = sample;
  const from = prev ?? (base !== undefined && at !== undefined && at > base.at ? base : undefined);
  const dt = prev ? (t > prev.t ? (t - prev.t) / 1000 : 0) : from ? (at! - base!.at) / 1000 : 0;
  // A counter that went down means the server restarted and counts from zero again.
  const rate = (cur: number, old: number) => (dt > 0 ? (cur >= old ? cur - old : cur) / dt : 0);
  const point: StatsPoint = {
    t,
    ...s,
    inMsgsRate: from ? rate(s.inMsgs, from.inMsgs) : 0,
    outMsgsRate: from ? rate(s.outMsgs, from.outMsgs) : 0,
    inBytesRate: from ? rate(s.inBytes, from.inBytes) : 0,
    outBytesRate: from ? rate(s.outBytes, from.outBytes) : 0,
  };
  // Kept only where it is used: on a point without a predecessor, so later samples of its step rate alike.
  if (!prev && base !== undefined && at !== undefined) {
    point.at = at;
    point.base = base;
  }
  return point;
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
  const open = points.find((p) => p.t === t);
  const kept = points.filter((p) => p.t >= from && p.t !== t);
  const before = kept.filter((p) => p.t < t);
  const after = kept.filter((p) => p.t > t);
  const prev = before.at(-1);
  // The open step keeps the base it started from; a new step with nothing before it starts from this sample.
  const base = prev ? undefined : (open?.base ?? stepBase(sample, time));
  const next = statsPoint({ ...sample, at: time, base }, t, prev);
  // A later point (a sample that came out of order) keeps its rates against its own predecessor.
  const later = after.map((p, i) => statsPoint(p, p.t, i === 0 ? next : after[i - 1]));
  return [...before, next, ...later];
}
