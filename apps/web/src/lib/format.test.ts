import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, formatPercent } from './format';

describe('format', () => {
  it('counts', () => {
    expect(formatCount(12)).toBe('12');
    expect(formatCount(1500)).toBe('1.5K');
    expect(formatCount(2_500_000)).toBe('2.5M');
    expect(formatCount(undefined)).toBe('–');
  });
  it('bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KiB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB');
  });
  it('durations and percents', () => {
    expect(formatDuration(3_723_000)).toBe('1h2m3s');
    expect(formatDuration(90_061_000)).toBe('1d1h1m1s');
    expect(formatDuration(4000)).toBe('4s');
    expect(formatPercent(3.14159)).toBe('3.1%');
  });
});
