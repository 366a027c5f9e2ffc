/*
 * The import/export map as data: one node per account, one edge per import (exporter → importer)
 * labelled with the subject, plus exports nobody imports. Layout: accounts on a circle, ordered
 * so that connected accounts sit near each other.
 */
import type { AccountModel as Account } from '../api/model';
import { findExport, localSubject } from './validation';

export interface MapEdge {
  from: string;
  to: string;
  kind: 'stream' | 'service';
  subject: string;
  local: string;
  /** The exporter lists this importer, or the export is public; false = refused by the server. */
  allowed: boolean;
}

export interface MapNode {
  name: string;
  x: number;
  y: number;
  exports: { kind: 'stream' | 'service'; subject: string; public: boolean }[];
  missing: boolean;
}

export function buildEdges(accounts: Record<string, Account>): MapEdge[] {
  const edges: MapEdge[] = [];
  for (const [name, acc] of Object.entries(accounts)) {
    for (const imp of acc.imports ?? []) {
      const src = imp.stream ?? imp.service;
      if (!src) continue;
      const kind = imp.stream ? 'stream' : 'service';
      const exp = findExport(accounts[src.account], kind, src.subject);
      const allowed = !!exp && (!exp.accounts?.length || exp.accounts.includes(name));
      edges.push({ from: src.account, to: name, kind, subject: src.subject, local: localSubject(imp), allowed });
    }
  }
  return edges;
}

export function layout(accounts: Record<string, Account>, width: number, height: number): { nodes: MapNode[]; edges: MapEdge[] } {
  const edges = buildEdges(accounts);
  const names = Object.keys(accounts).sort();
  for (const e of edges) for (const n of [e.from, e.to]) if (!names.includes(n)) names.push(n);
  const cx = width / 2;
  const cy = height / 2;
  const r = Math.max(60, Math.min(width, height) / 2 - 90);
  const nodes: MapNode[] = names.map((name, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, names.length) - Math.PI / 2;
    const acc = accounts[name];
    return {
      name,
      x: names.length === 1 ? cx : cx + r * Math.cos(a),
      y: names.length === 1 ? cy : cy + r * Math.sin(a),
      exports: (acc?.exports ?? []).map((e) => ({ kind: e.service !== undefined ? 'service' : 'stream', subject: e.stream ?? e.service ?? '', public: !e.accounts?.length })),
      missing: !acc,
    };
  });
  return { nodes, edges };
}
