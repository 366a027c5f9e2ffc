import { describe, expect, it } from 'vitest';
import { unwrapEvent } from './events';

describe('unwrapEvent', () => {
  it('unwraps a ConsoleEvent', () => {
    const r = unwrapEvent(JSON.stringify({ type: 'statsz', time: '2024-01-01T00:00:00.000Z', data: { a: 1 } }));
    expect(r).toEqual({ data: { a: 1 }, time: Date.parse('2024-01-01T00:00:00.000Z') });
  });
  it('passes other JSON and text through', () => {
    expect(unwrapEvent('{"a":1}').data).toEqual({ a: 1 });
    expect(unwrapEvent('hello').data).toBe('hello');
  });
});
