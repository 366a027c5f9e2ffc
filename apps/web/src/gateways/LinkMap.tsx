/*
 * A small picture of nodes and the links between one centre node and the others: each link drawn
 * in its state's colour (solid when up, dashed when down), each node labelled. Used for the
 * cluster (this server and its route peers) and the super cluster (this cluster and the remote ones).
 */
export type MapState = 'up' | 'down' | 'unknown';

export interface MapNode {
  id: string;
  label: string;
  sub?: string;
  state: MapState;
}

const COLORS: Record<MapState, string> = { up: 'var(--ok, #2e8b57)', down: 'var(--bad, #c0392b)', unknown: 'var(--muted, #888)' };

export function LinkMap({ center, nodes, label, testid }: { center: MapNode; nodes: MapNode[]; label: string; testid: string }) {
  const w = 560;
  const h = nodes.length > 4 ? 300 : 220;
  const cx = w / 2;
  const cy = h / 2;
  const r = Math.min(w / 2 - 90, h / 2 - 40);
  // Peers on a circle around the centre; one peer sits to the right, two left and right, and so on.
  const pos = nodes.map((_, i) => {
    const a = nodes.length === 1 ? 0 : (2 * Math.PI * i) / nodes.length - Math.PI / 2 + (nodes.length === 2 ? Math.PI / 2 : 0);
    return { x: cx + Math.cos(a) * r * 1.6, y: cy + Math.sin(a) * r };
  });
  return (
    <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label} data-testid={testid} style={{ width: '100%', maxWidth: w, height: 'auto', display: 'block' }}>
      {nodes.map((n, i) => (
        <line
          key={`l-${n.id}`}
          x1={cx}
          y1={cy}
          x2={pos[i].x}
          y2={pos[i].y}
          stroke={COLORS[n.state]}
          strokeWidth={3}
          strokeDasharray={n.state === 'up' ? undefined : '6 5'}
          data-link={n.id}
          data-state={n.state}
        />
      ))}
      <Node x={cx} y={cy} n={center} strong />
      {nodes.map((n, i) => (
        <Node key={n.id} x={pos[i].x} y={pos[i].y} n={n} />
      ))}
    </svg>
  );
}

function Node({ x, y, n, strong }: { x: number; y: number; n: MapNode; strong?: boolean }) {
  return (
    <g>
      <circle cx={x} cy={y} r={strong ? 16 : 12} fill="var(--panel, #fff)" stroke={COLORS[n.state]} strokeWidth={3} />
      <text x={x} y={y + (strong ? 32 : 28)} textAnchor="middle" fontSize={13} fontWeight={strong ? 700 : 500} fill="currentColor">
        {n.label.length > 22 ? `${n.label.slice(0, 21)}…` : n.label}
      </text>
      {n.sub && (
        <text x={x} y={y + (strong ? 47 : 43)} textAnchor="middle" fontSize={11} fill="currentColor" opacity={0.7}>
          {n.sub}
        </text>
      )}
    </g>
  );
}
