import { describe, expect, it } from 'vitest';
import { lameDuckPercent } from './useOps';

describe('lameDuckPercent', () => {
  it('measures closed clients', () => {
    expect(lameDuckPercent(null)).toBe(0);
    expect(lameDuckPercent({ active: true, total: 4, remaining: 3, phase: 'closing' })).toBe(25);
    expect(lameDuckPercent({ active: true, total: 4, remaining: 4, phase: 'grace' })).toBe(0);
    expect(lameDuckPercent({ active: false, total: 4, remaining: 1, phase: 'done' })).toBe(100);
    expect(lameDuckPercent({ active: true, total: 0, remaining: 0 })).toBe(0);
  });
});
