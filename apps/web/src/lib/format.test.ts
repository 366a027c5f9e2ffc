import { describe, expect, it } from 'vitest';
import { byteTicks, formatByteRate, formatBytes, formatPercentTick, formatClock, formatCount, formatDuration, formatPercent, formatRate, formatTime, timeAxisFormatter } from './format';

describe('format', () => {
  it('counts: exact with separators below 10,000, then three digits and an SI unit', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(12)).toBe('12');
    expect(formatCount(0.25)).toBe('0.3');
    expect(formatCount(1500)).toBe('1,500');
    expect(formatCount(9999)).toBe('9,999');
    expect(formatCount(12_345)).toBe('12.3K');
    expect(formatCount(123_456)).toBe('123K');
    expect(formatCount(999_999)).toBe('1.00M');
    expect(formatCount(2_500_000)).toBe('2.50M');
    expect(formatCount(undefined)).toBe('–');
    expect(formatCount(Number.NaN)).toBe('–');
  });
  it('bytes: IEC units with a space, separators below 1 KiB', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1000)).toBe('1,000 B');
    expect(formatBytes(2048)).toBe('2.0 KiB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB');
  });
  it('rates carry /s', () => {
    expect(formatRate(1500)).toBe('1,500/s');
    expect(formatRate(0)).toBe('0/s');
    expect(formatByteRate(3 * 1024 * 1024)).toBe('3.0 MiB/s');
    expect(formatRate(undefined)).toBe('–');
  });
  it('durations and percents', () => {
    expect(formatDuration(3_723_000)).toBe('1h2m3s');
    expect(formatDuration(90_061_000)).toBe('1d1h1m1s');
    expect(formatDuration(4000)).toBe('4s');
    expect(formatPercent(3.14159)).toBe('3.1%');
  });
  it('times: 24-hour, year first, local zone', () => {
    const t = new Date(2026, 0, 2, 13, 4, 5).getTime();
    expect(formatTime(t)).toBe('2026-01-02 13:04:05');
    expect(formatTime(new Date(t).toISOString())).toBe('2026-01-02 13:04:05');
    expect(formatClock(t)).toBe('13:04:05');
    expect(formatTime('not a time')).toBe('not a time');
    expect(formatTime(undefined)).toBe('–');
  });
  it('time axes: seconds on 5 min, minutes on 1 h, date and time on 24 h', () => {
    const t = new Date(2026, 2, 9, 7, 8, 9).getTime();
    expect(timeAxisFormatter(5 * 60_000)(t)).toBe('07:08:09');
    expect(timeAxisFormatter(3600_000)(t)).toBe('07:08');
    expect(timeAxisFormatter(24 * 3600_000)(t)).toBe('03-09 07:08');
  });
});

describe('axis ticks', () => {
  it('bytes on round binary steps from 0 past the maximum', () => {
    const MiB = 1024 * 1024;
    expect(byteTicks(102 * MiB)).toEqual([0, 50, 100, 150].map((x) => x * MiB));
    expect(byteTicks(3 * MiB).map((t) => t / MiB)).toEqual([0, 1, 2, 3]);
    expect(byteTicks(1536)).toEqual([0, 1024, 2048]);
    expect(byteTicks(3)).toEqual([0, 1, 2, 3]);
    expect(byteTicks(0)).toEqual([0, 1, 2, 3, 4]);
    expect(byteTicks(102 * MiB).map(formatBytes)).toEqual(['0 B', '50 MiB', '100 MiB', '150 MiB']);
  });
  it('percent ticks', () => {
    expect([0, 20, 0.5, 0.15, 0.45].map(formatPercentTick)).toEqual(['0%', '20%', '0.5%', '0.15%', '0.45%']);
  });
});
