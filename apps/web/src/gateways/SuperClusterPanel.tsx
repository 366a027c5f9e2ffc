/*
 * The super cluster as this server sees it: its cluster, every remote cluster and the gateway link
 * to each (from /gatewayz?accs=true and /varz gateway, polled every 2 s): outbound state, inbound
 * connections, interest mode per account, messages and bytes in/out. See model.ts for the states.
 */
import { useMemo, useRef } from 'react';
import { ErrorBox, Empty, Loading } from '../components/states';
import { formatBytes, formatClock, formatCount } from '../lib/format';
import { useVarzQuery } from '../overview/useOverview';
import { LinkMap, type MapState } from './LinkMap';
import { gatewayLinks, varzGateway, type GatewayLink, type GatewayLinkState } from './model';
import { useGatewayRemotesQuery, useGatewayzQuery } from './useGateways';

const STATE_TEXT: Record<GatewayLinkState, string> = { connected: 'connected', 'not-connected': 'not connected (retrying)', lost: 'down (retrying)' };
const STATE_CLASS: Record<GatewayLinkState, string> = { connected: 'ok', 'not-connected': 'warn', lost: 'bad' };
const MAP_STATE: Record<GatewayLinkState, MapState> = { connected: 'up', 'not-connected': 'down', lost: 'down' };

/** Why a link is not up, as the server's gateway module says (attempts and its last error). */
function DialStatus({ status }: { status: { state: string; attempts: number; lastError: string | null } | undefined }) {
  if (!status) return null;
  return (
    <div className="small muted" data-testid="gateway-dial">
      {status.state}
      {status.attempts > 0 ? `, ${formatCount(status.attempts)} attempt${status.attempts === 1 ? '' : 's'}` : ''}
      {status.lastError ? (
        <>
          {' '}
          — last error: <span className="mono" data-testid="gateway-last-error">{status.lastError}</span>
        </>
      ) : null}
    </div>
  );
}

function modes(list: GatewayLink['accounts']): string {
  return list.map((a) => `${a.name}: ${a.mode}${a.noInterest ? ` (${a.noInterest} no-interest)` : ''}`).join(', ');
}

export function SuperClusterPanel() {
  const gw = useGatewayzQuery();
  const dialing = useGatewayRemotesQuery();
  const remoteStatus = useMemo(() => new Map((dialing.data?.remotes ?? []).map((r) => [r.name, r])), [dialing.data]);
  const varz = useVarzQuery();
  const seen = useRef(new Map<string, number>());
  const vg = useMemo(() => varzGateway(varz.data?.gateway), [varz.data]);
  const links = useMemo(() => (gw.data ? gatewayLinks(gw.data, vg, seen.current, gw.dataUpdatedAt) : []), [gw.data, gw.dataUpdatedAt, vg]);
  const me = gw.data?.name || vg.name;
  return (
    <section className="panel" aria-labelledby="gw-h" data-testid="supercluster-panel">
      <h2 id="gw-h" style={{ marginTop: 0 }}>
        Super cluster {me ? <span className="muted">— this cluster is “{me}”</span> : null}
      </h2>
      {gw.isPending ? (
        <Loading />
      ) : gw.error && !gw.data ? (
        <ErrorBox action="load /gatewayz" error={gw.error} onRetry={() => void gw.refetch()} />
      ) : !me ? (
        <Empty>Gateways are not configured on this server: it is in no super cluster. The gateway block below joins one (applies at the next restart).</Empty>
      ) : links.length === 0 ? (
        <Empty>Gateway “{me}” listens on port {gw.data?.port ?? '?'}; no remote cluster is configured or connected yet.</Empty>
      ) : (
        <>
          {gw.error && <div className="alert warn">Could not refresh /gatewayz: {gw.error.message}. Showing the last answer ({formatClock(gw.dataUpdatedAt)}).</div>}
          <LinkMap
            testid="supercluster-map"
            label={`Super cluster map: ${me} and ${links.length} remote cluster(s)`}
            center={{ id: 'self', label: me, sub: 'this cluster', state: 'up' }}
            nodes={links.map((l) => ({ id: l.remote, label: l.remote, sub: STATE_TEXT[l.outbound], state: MAP_STATE[l.outbound] }))}
          />
          <div className="table-wrap">
            <table data-testid="gateways-table">
              <caption className="sr-only">Gateway links</caption>
              <thead>
                <tr>
                  <th>Remote cluster</th>
                  <th>Outbound link</th>
                  <th className="num">Inbound</th>
                  <th>Address</th>
                  <th>Uptime / RTT</th>
                  <th className="num">Msgs in/out</th>
                  <th className="num">Bytes in/out</th>
                  <th>Interest mode per account</th>
                </tr>
              </thead>
              <tbody>
                {links.map((l) => (
                  <tr key={l.remote} data-testid="gateway-row" data-remote={l.remote} data-state={l.outbound} data-in-msgs={l.inMsgs} data-out-msgs={l.outMsgs}>
                    <td>
                      <strong>{l.remote}</strong> {l.configured ? <span className="badge">configured</span> : <span className="badge">discovered</span>}
                      {l.urls.length > 0 && <div className="mono small muted">{l.urls.join(' ')}</div>}
                    </td>
                    <td>
                      <span className={`badge ${STATE_CLASS[l.outbound]}`} data-testid="gateway-state">
                        {STATE_TEXT[l.outbound]}
                      </span>
                      {l.outbound === 'lost' && l.lastSeen && <div className="small muted">last up {formatClock(l.lastSeen)}</div>}
                      {l.outbound !== 'connected' && <DialStatus status={remoteStatus.get(l.remote)} />}
                    </td>
                    <td className="num">{l.inbound}</td>
                    <td className="mono">{l.address ?? '—'}</td>
                    <td>{l.uptime ? `${l.uptime}${l.rtt ? ` / ${l.rtt}` : ''}` : '—'}</td>
                    <td className="num" data-testid="gateway-msgs">
                      {formatCount(l.inMsgs)} / {formatCount(l.outMsgs)}
                    </td>
                    <td className="num">
                      {formatBytes(l.inBytes)} / {formatBytes(l.outBytes)}
                    </td>
                    <td className="small">
                      {l.accounts.length ? <div>out: {modes(l.accounts)}</div> : null}
                      {l.inboundAccounts.length ? <div>in: {modes(l.inboundAccounts)}</div> : null}
                      {!l.accounts.length && !l.inboundAccounts.length && '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="small muted">From /gatewayz?accs=true and /varz every 2 s (last {formatClock(gw.dataUpdatedAt)}). Traffic sums this server’s outbound and inbound connections to each cluster.</p>
        </>
      )}
    </section>
  );
}
