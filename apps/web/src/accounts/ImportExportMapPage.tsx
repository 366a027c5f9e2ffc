import { Link } from 'react-router';
import { useConfigQuery } from '../config/useConfig';
import { ErrorBox, Loading, Empty } from '../components/states';
import { layout } from './graph';
import { usePalette } from '../lib/theme';

const W = 860;
const H = 520;

/** A picture of which account exports what to whom (from the configuration). */
export function ImportExportMapPage() {
  const config = useConfigQuery();
  const c = usePalette();
  if (config.isPending) return <Loading />;
  if (config.error || !config.data) return <ErrorBox action="load the configuration" error={config.error} onRetry={() => void config.refetch()} />;
  const accounts = config.data.options.accounts ?? {};
  const { nodes, edges } = layout(accounts, W, H);
  const pos = new Map(nodes.map((n) => [n.name, n]));
  return (
    <div>
      <div className="page-head">
        <h1>Import/export map</h1>
        <span className="muted small">
          <span style={{ color: c.stream }}>━</span> stream &nbsp; <span style={{ color: c.service }}>╍</span> service &nbsp; <span style={{ color: c.bad }}>━</span> refused (no matching export or not allowed)
        </span>
      </div>
      {nodes.length === 0 ? (
        <Empty>
          No accounts configured. <Link to="/accounts/new">Create one</Link>.
        </Empty>
      ) : (
        <div className="panel" style={{ overflowX: 'auto' }}>
          <svg className="map" viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: W, minWidth: 520 }} role="img" aria-labelledby="map-title map-desc">
            <title id="map-title">Accounts and the subjects they share</title>
            <desc id="map-desc">{edges.map((e) => `${e.from} exports ${e.kind} ${e.subject} to ${e.to}`).join('; ') || 'No imports.'}</desc>
            <defs>
              {['stream', 'service', 'bad'].map((k) => (
                <marker key={k} id={`arrow-${k}`} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                  <path d="M 0 0 L 10 5 L 0 10 z" fill={k === 'stream' ? c.stream : k === 'service' ? c.service : c.bad} />
                </marker>
              ))}
            </defs>
            {edges.map((e, i) => {
              const a = pos.get(e.from)!;
              const b = pos.get(e.to)!;
              // Parallel edges between the same pair bend apart.
              const same = edges.filter((x) => (x.from === e.from && x.to === e.to) || (x.from === e.to && x.to === e.from));
              const k = same.indexOf(e) - (same.length - 1) / 2;
              const mx = (a.x + b.x) / 2;
              const my = (a.y + b.y) / 2;
              const dx = b.x - a.x;
              const dy = b.y - a.y;
              const len = Math.hypot(dx, dy) || 1;
              const bend = same.length > 1 ? 60 * k : 25;
              const cx = mx + (-dy / len) * bend;
              const cy = my + (dx / len) * bend;
              // The label sits at the control point, on the outer side of its curve, so that
              // parallel edges bending apart keep their labels apart too.
              const anchor = Math.abs(cx - mx) < 8 ? 'middle' : cx < mx ? 'end' : 'start';
              // Stop the arrow at the node's box edge.
              const ex = b.x - (dx / len) * 46;
              const ey = b.y - (dy / len) * 22;
              const color = !e.allowed ? c.bad : e.kind === 'stream' ? c.stream : c.service;
              return (
                <g key={i} data-testid="map-edge">
                  <path
                    d={`M ${a.x} ${a.y} Q ${cx} ${cy} ${ex} ${ey}`}
                    fill="none"
                    stroke={color}
                    strokeWidth={2}
                    strokeDasharray={e.kind === 'service' ? '6 4' : undefined}
                    markerEnd={`url(#arrow-${!e.allowed ? 'bad' : e.kind})`}
                  />
                  <text x={cx} y={cy} textAnchor={anchor} fill={color} style={{ paintOrder: 'stroke', stroke: c.panel, strokeWidth: 4 }}>
                    {e.subject}
                    {e.local !== e.subject ? ` → ${e.local}` : ''}
                  </text>
                </g>
              );
            })}
            {nodes.map((n) => (
              <g key={n.name} data-testid="map-node">
                <rect x={n.x - 46} y={n.y - 20} width={92} height={40} rx={6} fill={n.missing ? c.badFill : c.panel} stroke={n.missing ? c.bad : c.ink} />
                <text x={n.x} y={n.y - 2} textAnchor="middle" fontWeight={700} fill={c.ink}>
                  {n.name}
                </text>
                <text x={n.x} y={n.y + 13} textAnchor="middle" fill={c.muted} fontSize={11}>
                  {n.missing ? 'missing' : `${n.exports.length} export${n.exports.length === 1 ? '' : 's'}`}
                </text>
              </g>
            ))}
          </svg>
        </div>
      )}
      <h2>Exports</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Account</th>
              <th>Kind</th>
              <th>Subject</th>
              <th>Offered to</th>
              <th>Imported by</th>
            </tr>
          </thead>
          <tbody>
            {nodes.flatMap((n) =>
              n.exports.map((x, i) => {
                const by = edges.filter((e) => e.from === n.name && e.kind === x.kind && e.allowed).map((e) => e.to);
                return (
                  <tr key={`${n.name}-${i}`}>
                    <td>
                      <Link to={`/accounts/${encodeURIComponent(n.name)}`}>{n.name}</Link>
                    </td>
                    <td>{x.kind}</td>
                    <td className="mono">{x.subject}</td>
                    <td>{x.public ? 'any account' : (accounts[n.name]?.exports?.[i]?.accounts ?? []).join(', ')}</td>
                    <td>{by.length ? [...new Set(by)].join(', ') : <span className="muted">nobody</span>}</td>
                  </tr>
                );
              }),
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
