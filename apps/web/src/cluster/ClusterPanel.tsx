/*
 * The cluster as this server sees it: itself and its route peers (from /routez, polled every 2 s),
 * each with the route's state and traffic, and the /routez detail of each route. Peers are named
 * from the STATSZ the console hears (/api/servers): nats-server 2.9's /routez gives only the id.
 * A route this page saw and the server no longer lists is shown as lost, with when it was last up.
 */
import { Fragment, useMemo, useRef, useState } from 'react';
import type { RouteInfo } from '@switchboard/shared';
import { ErrorBox, Empty, Loading } from '../components/states';
import { formatBytes, formatClock, formatCount, formatTime } from '../lib/format';
import { useRoutezQuery } from '../gateways/useGateways';
import { routePeers } from '../gateways/model';
import { LinkMap } from '../gateways/LinkMap';
import { useServersQuery, useVarzQuery } from '../overview/useOverview';

export function ClusterPanel() {
  const routes = useRoutezQuery();
  const varz = useVarzQuery();
  const servers = useServersQuery();
  const seen = useRef(new Map<string, number>());
  const [open, setOpen] = useState<string | null>(null);
  // Every id -> name heard while the page is open (the list keeps only a name's latest id; a lost peer keeps its name).
  const known = useRef(new Map<string, string>());
  const names = useMemo(() => {
    for (const s of servers.data?.servers ?? []) known.current.set(s.serverId, s.name);
    return new Map(known.current);
  }, [servers.data]);
  const cluster = (varz.data?.cluster ?? {}) as { name?: string; urls?: string[]; addr?: string; cluster_port?: number };
  const peers = useMemo(() => (routes.data ? routePeers(routes.data, names, seen.current, routes.dataUpdatedAt) : []), [routes.data, routes.dataUpdatedAt, names]);
  const me = varz.data?.server_name ?? routes.data?.server_id ?? 'this server';
  return (
    <section className="panel" aria-labelledby="cluster-h" data-testid="cluster-panel">
      <h2 id="cluster-h" style={{ marginTop: 0 }}>
        Cluster {cluster.name ? <span className="muted">“{cluster.name}”</span> : null}
      </h2>
      {routes.isPending ? (
        <Loading />
      ) : routes.error && !routes.data ? (
        <ErrorBox action="load /routez" error={routes.error} onRetry={() => void routes.refetch()} />
      ) : peers.length === 0 ? (
        <Empty>
          No routes: {cluster.cluster_port ? `this server listens for routes on port ${cluster.cluster_port} but no other server is connected` : 'this server is not clustered'}
          {cluster.urls?.length ? ` (configured routes: ${cluster.urls.join(', ')})` : ''}.
        </Empty>
      ) : (
        <>
          {routes.error && <div className="alert warn">Could not refresh /routez: {routes.error.message}. Showing the last answer ({formatClock(routes.dataUpdatedAt)}).</div>}
          <LinkMap
            testid="cluster-map"
            label={`Cluster map: ${me} and ${peers.length} route peer(s)`}
            center={{ id: 'self', label: me, sub: 'this server', state: 'up' }}
            nodes={peers.map((p) => ({
              id: p.id,
              label: p.name ?? `${p.id.slice(0, 10)}…`,
              sub: p.state === 'connected' ? `in ${formatCount(p.route?.in_msgs)} · out ${formatCount(p.route?.out_msgs)} msgs` : `lost at ${formatClock(p.lastSeen)}`,
              state: p.state === 'connected' ? 'up' : 'down',
            }))}
          />
          <div className="table-wrap">
            <table data-testid="routes-table">
              <caption className="sr-only">Routes</caption>
              <thead>
                <tr>
                  <th>Peer</th>
                  <th>State</th>
                  <th>Address</th>
                  <th>Direction</th>
                  <th>Uptime</th>
                  <th className="num">Msgs in/out</th>
                  <th className="num">Bytes in/out</th>
                  <th className="num">Subs</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {peers.map((p) => (
                  <Fragment key={p.id}>
                    <tr data-testid="route-row" data-peer={p.name ?? p.id} data-state={p.state} data-in-msgs={p.route?.in_msgs ?? 0} data-out-msgs={p.route?.out_msgs ?? 0}>
                      <td>
                        <strong>{p.name ?? '(name not heard)'}</strong>
                        <div className="mono small muted">{p.id.slice(0, 16)}…</div>
                      </td>
                      <td>
                        <span className={`badge ${p.state === 'connected' ? 'ok' : 'bad'}`}>{p.state === 'connected' ? 'connected' : 'disconnected'}</span>
                        {p.state === 'lost' && <div className="small muted">last up {formatClock(p.lastSeen)}</div>}
                      </td>
                      <td className="mono">{p.route ? `${p.route.ip}:${p.route.port}` : '—'}</td>
                      <td>{p.route ? (p.route.did_solicit ? 'solicited by this server' : 'accepted') : '—'}</td>
                      <td>{p.route?.uptime ?? '—'}</td>
                      <td className="num" data-testid="route-msgs">
                        {p.route ? `${formatCount(p.route.in_msgs)} / ${formatCount(p.route.out_msgs)}` : '—'}
                      </td>
                      <td className="num">{p.route ? `${formatBytes(p.route.in_bytes)} / ${formatBytes(p.route.out_bytes)}` : '—'}</td>
                      <td className="num">{p.route ? formatCount(p.route.subscriptions) : '—'}</td>
                      <td>
                        {p.route && (
                          <button type="button" aria-expanded={open === p.id} onClick={() => setOpen(open === p.id ? null : p.id)} aria-label={`Route detail for ${p.name ?? p.id}`}>
                            {open === p.id ? 'Hide' : 'Detail'}
                          </button>
                        )}
                      </td>
                    </tr>
                    {open === p.id && p.route && (
                      <tr>
                        <td colSpan={9}>
                          <RouteDetail r={p.route} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
          <p className="small muted">From /routez every 2 s (last {formatClock(routes.dataUpdatedAt)}). Configured route URLs: {cluster.urls?.length ? cluster.urls.join(', ') : 'none (routes were accepted or gossiped)'}.</p>
        </>
      )}
    </section>
  );
}

function perms(p: { allow?: string[]; deny?: string[] } | undefined): string {
  if (!p) return 'all';
  const parts = [p.allow?.length ? `allow ${p.allow.join(', ')}` : '', p.deny?.length ? `deny ${p.deny.join(', ')}` : ''].filter(Boolean);
  return parts.join('; ') || 'all';
}

/** Every /routez field of one route. */
function RouteDetail({ r }: { r: RouteInfo }) {
  const rows: [string, string][] = [
    ['rid', String(r.rid)],
    ['remote_id', r.remote_id],
    ['did_solicit', String(r.did_solicit)],
    ['is_configured', String(r.is_configured)],
    ['ip:port', `${r.ip}:${r.port}`],
    ['start', formatTime(r.start)],
    ['last_activity', formatTime(r.last_activity)],
    ['rtt', r.rtt ?? '—'],
    ['uptime', r.uptime],
    ['idle', r.idle],
    ['pending_size', formatBytes(r.pending_size)],
    ['in_msgs / in_bytes', `${formatCount(r.in_msgs)} / ${formatBytes(r.in_bytes)}`],
    ['out_msgs / out_bytes', `${formatCount(r.out_msgs)} / ${formatBytes(r.out_bytes)}`],
    ['subscriptions', formatCount(r.subscriptions)],
    ['import (may receive)', perms(r.import)],
    ['export (may send)', perms(r.export)],
  ];
  return (
    <dl className="kv" data-testid="route-detail" style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '2px 12px', margin: 0 }}>
      {rows.map(([k, v]) => (
        <Fragment key={k}>
          <dt className="muted small">{k}</dt>
          <dd className="mono small" style={{ margin: 0, overflowWrap: 'anywhere' }}>
            {v}
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}
