import { describe, expect, it } from 'vitest';
import type { ServerStatsMsg, StatsPoint } from '@switchboard/shared';
import { appendStatsz, pointFromStatsz } from './stats';

const msg = (inMsgs: number, conns = 1): ServerStatsMsg => ({
  server: { name: 'a', host: 'h', id: 'ID', ver: '2.9.10', seq: 1, jetstream: false, time: '2024-01-01T00:00:00Z' },
  statsz: {
    start: '2024-01-01T00:00:00Z', mem: 100, cores: 2, cpu: 3, connections: conns, total_connections: conns, active_accounts: 1,
    subscriptions: 4, sent: { msgs: inMsgs * 2, bytes: inMsgs * 20 }, received: { msgs: inMsgs, bytes: inMsgs * 10 }, slow_consumers: 0,
  },
});

describe('pointFromStatsz', () => {
  it('computes rates against the previous point', () => {
    const a = pointFromStatsz(msg(100), 0);
    const b = pointFromStatsz(msg(300), 2000, a);
    expect([b.inMsgsRate, b.outMsgsRate, b.inBytesRate]).toEqual([100, 200, 1000]);
    expect(a.inMsgsRate).toBe(0);
  });
  it('treats a counter reset as a restart', () => {
    const a = pointFromStatsz(msg(1000), 0);
    expect(pointFromStatsz(msg(10), 1000, a).inMsgsRate).toBe(10);
  });
});

describe('appendStatsz', () => {
  it('adds a point, replaces the same step and trims the window', () => {
    let pts: StatsPoint[] = [pointFromStatsz(msg(0), 0)];
    pts = appendStatsz(pts, msg(50), 5_000, 1000, 60_000);
    expect(pts.map((p) => p.t)).toEqual([0, 5000]);
    expect(pts[1]?.inMsgsRate).toBe(10);
    pts = appendStatsz(pts, msg(60), 5_500, 1000, 60_000);
    expect(pts.map((p) => p.t)).toEqual([0, 5000]);
    expect(pts[1]?.inMsgs).toBe(60);
    pts = appendStatsz(pts, msg(70), 70_000, 1000, 60_000);
    expect(pts.map((p) => p.t)).toEqual([70_000]);
  });
});
