import { describe, expect, it } from 'vitest';
import { addSample, statsPoint, stepBase, type StatsPoint, type StatsSample } from '@switchboard/shared';

const sample = (inMsgs: number, connections = 1): StatsSample => ({
  connections,
  totalConnections: connections,
  subscriptions: 0,
  slowConsumers: 0,
  inMsgs,
  outMsgs: 0,
  inBytes: inMsgs * 10,
  outBytes: 0,
  mem: 1,
  cpu: 0,
});

describe('statsPoint', () => {
  it('rates are the counter difference over the time between points', () => {
    const a = statsPoint(sample(100), 0);
    const b = statsPoint(sample(300), 2000, a);
    expect(b.inMsgsRate).toBe(100);
    expect(b.inBytesRate).toBe(1000);
  });
  it('a counter that went down (a restart) counts from zero', () => {
    const a = statsPoint(sample(1000), 0);
    expect(statsPoint(sample(10), 1000, a).inMsgsRate).toBe(10);
  });
});

describe('addSample', () => {
  it('a burst shows in the 5 min window the second it is sampled, and is gone from the rate the next second', () => {
    let pts: StatsPoint[] = [];
    pts = addSample(pts, '5m', sample(0), 10_000);
    pts = addSample(pts, '5m', sample(5000), 11_000);
    pts = addSample(pts, '5m', sample(5000), 12_000);
    expect(pts.map((p) => p.inMsgsRate)).toEqual([0, 5000, 0]);
  });

  it('samples within one step replace the step point; the 1 h window rates over its 10 s steps', () => {
    let pts: StatsPoint[] = [];
    pts = addSample(pts, '1h', sample(0), 0);
    for (let t = 10_000; t < 20_000; t += 1000) pts = addSample(pts, '1h', sample(t / 10), t);
    expect(pts.map((p) => p.t)).toEqual([0, 10_000]);
    // The last sample of the step (1900 msgs at 19 s) over the 10 s step.
    expect(pts[1].inMsgsRate).toBe(190);
  });

  it('drops points older than the window', () => {
    let pts: StatsPoint[] = [];
    pts = addSample(pts, '5m', sample(0), 0);
    pts = addSample(pts, '5m', sample(1), 1000);
    pts = addSample(pts, '5m', sample(2), 300_500);
    expect(pts.map((p) => p.t)).toEqual([1000, 300_000]);
  });

  it('a late sample keeps the later point rated against its own predecessor', () => {
    let pts: StatsPoint[] = [];
    pts = addSample(pts, '5m', sample(0), 0);
    pts = addSample(pts, '5m', sample(300), 3000);
    pts = addSample(pts, '5m', sample(100), 1000);
    expect(pts.map((p) => [p.t, p.inMsgsRate])).toEqual([
      [0, 0],
      [1000, 100],
      [3000, 100],
    ]);
  });

  it('a burst in the first step of a window (a fresh server) shows at once, and stays while the step fills', () => {
    let pts: StatsPoint[] = [];
    pts = addSample(pts, '1h', sample(0), 3_000);
    pts = addSample(pts, '1h', sample(20_000), 5_000);
    expect(pts.map((p) => [p.t, p.inMsgsRate])).toEqual([[0, 10_000]]);
    pts = addSample(pts, '1h', sample(20_000), 9_000);
    expect(pts[0].inMsgsRate).toBeCloseTo(20_000 / 6);
    // A window fetched from the server carries its first step's base: live samples keep rating against it.
    const fetched = [statsPoint({ ...sample(20_000), at: 5_000, base: stepBase(sample(0), 3_000) }, 0)];
    expect(fetched[0].inMsgsRate).toBe(10_000);
    expect(addSample(fetched, '1h', sample(20_000), 9_000)).toEqual(pts);
    // The next step rates against the previous point, as ever, and carries no base.
    const next = addSample(pts, '1h', sample(21_000), 10_000);
    expect(next[1]).toMatchObject({ t: 10_000, inMsgsRate: 100 });
    expect(next[1].base).toBeUndefined();
  });
});
