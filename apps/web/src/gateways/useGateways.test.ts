import { describe, expect, it } from 'vitest';
import { linkState } from './useGateways';

describe('linkState', () => {
  it('tells the truth about a link', () => {
    expect(linkState({ connected: false })).toBe('down');
    expect(linkState({ connected: true, pending: 10 })).toBe('flow-controlled');
    expect(linkState({ connected: true, idle: '2m3s' })).toBe('idle');
    expect(linkState({ connected: true, idle: '1h0m0s' })).toBe('idle');
    expect(linkState({ connected: true, idle: '0s' })).toBe('connected');
    expect(linkState({ connected: true, idle: '45s' })).toBe('connected');
  });
});
