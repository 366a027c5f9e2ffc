import { describe, expect, it } from 'vitest';
import type { StatsPoint } from '@switchboard/shared';
import { sumPoints } from './summedStats';

const pt = (t: number, n: number): StatsPoint => ({
  t,
  connections: n,
  totalConnections: n,
  subscriptions: n,
  slowConsumers: 0,
  inMsgs: n,
  outMsgs: n,
  inBytes: n,
  outBytes: n,
  mem: n,
  cpu: n,
  inMsgsRate: n,
  outMsgsRate: 2 * n,
  inBytesRate: n,
  outBytesRate: n,
});

describe('sumPoints', () => {
  it('adds the servers step by step and stops at the earliest latest step', () => {
    const a = [pt(0, 1), pt(1000, 2), pt(2000, 3)];
    const b = [pt(1000, 10), pt(2000, 20), pt(3000, 30)];
    const s = sumPoints([a, b]);
    expect(s.map((p) => p.t)).toEqual([0, 1000, 2000]);
    expect(s.map((p) => p.inMsgsRate)).toEqual([1, 12, 23]);
    expect(s.map((p) => p.outMsgsRate)).toEqual([2, 24, 46]);
    expect(s[2].connections).toBe(23);
  });
  it('a server with no points yet does not hide the others; none at all is empty', () => {
    expect(sumPoints([[pt(0, 4)], []]).map((p) => p.mem)).toEqual([4]);
    expect(sumPoints([])).toEqual([]);
  });
  it('leaves the inputs untouched', () => {
    const a = [pt(0, 1)];
    sumPoints([a, [pt(0, 5)]]);
    expect(a[0].connections).toBe(1);
  });
});
