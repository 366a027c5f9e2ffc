import { describe, expect, it } from 'vitest';
import { clusterVerdict, healthVerdict } from './health';

describe('healthVerdict', () => {
  it('is healthy when nothing is wrong', () => {
    expect(healthVerdict({ name: 'a', now: 1000, lastSeen: 900, healthz: { status: 'ok' } }).verdict).toBe('healthy');
  });
  it('is down when healthz fails or the server went quiet', () => {
    const v = healthVerdict({ name: 'a', now: 200_000, lastSeen: 0, healthz: { status: 'unavailable', error: 'not ready' } });
    expect(v.verdict).toBe('down');
    expect(v.reasons).toEqual(['/healthz says unavailable: not ready', 'not heard from for 200 s']);
  });
  it('is degraded with reasons', () => {
    const v = healthVerdict({
      name: 'a', now: 0, slowConsumers: 3, slowConsumersBefore: 1, cpu: 195, cores: 2,
      routesConfigured: 2, routesConnected: 1, gatewaysConfigured: ['east', 'west'], gatewaysConnected: ['east'], lameDuck: true,
    });
    expect(v.verdict).toBe('degraded');
    expect(v.reasons).toEqual([
      'in lame duck mode: closing client connections',
      '2 new slow consumers',
      'CPU at 195%',
      '1 of 2 configured routes not connected',
      'gateway west not connected',
    ]);
  });
});

describe('clusterVerdict', () => {
  it('takes the worst and names the server', () => {
    const v = clusterVerdict([
      { name: 'a', health: { verdict: 'healthy', reasons: ['ok'] } },
      { name: 'b', health: { verdict: 'degraded', reasons: ['1 new slow consumer'] } },
    ]);
    expect(v).toEqual({ verdict: 'degraded', reasons: ['b: 1 new slow consumer'] });
    expect(clusterVerdict([]).verdict).toBe('down');
  });
});
