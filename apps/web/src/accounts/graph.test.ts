import { describe, expect, it } from 'vitest';
import { buildEdges, layout } from './graph';

describe('import/export map', () => {
  const accounts = {
    A: { exports: [{ stream: 'events.>' }, { service: 'svc', accounts: ['B'] }] },
    B: { imports: [{ stream: { account: 'A', subject: 'events.>' }, prefix: 'a' }, { service: { account: 'A', subject: 'svc' } }] },
    C: { imports: [{ service: { account: 'A', subject: 'svc' } }, { stream: { account: 'GONE', subject: 'x' } }] },
  };
  it('draws one edge per import, exporter to importer', () => {
    const e = buildEdges(accounts);
    expect(e.map((x) => `${x.from}->${x.to} ${x.kind} ${x.local} ${x.allowed}`)).toEqual([
      'A->B stream a.events.> true',
      'A->B service svc true',
      'A->C service svc false',
      'GONE->C stream x false',
    ]);
  });
  it('places every account, including missing ones', () => {
    const { nodes } = layout(accounts, 600, 400);
    expect(nodes.map((n) => [n.name, n.missing])).toEqual([['A', false], ['B', false], ['C', false], ['GONE', true]]);
    for (const n of nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.y).toBeGreaterThanOrEqual(0);
    }
  });
});
