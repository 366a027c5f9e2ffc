import { STATS_WINDOWS } from '@switchboard/shared';
import { Table, type Column } from '../components/Table';
import { ErrorBox, Loading, Empty } from '../components/states';
import { useEventsStatus } from '../lib/events';
import { formatBytes, formatCount, formatDuration, formatPercent } from '../lib/format';
import { clusterVerdict, healthVerdict, type HealthVerdict } from './health';
import type { ServerRowData } from './servers';
import { StatsCharts } from './StatsCharts';
import { WINDOWS, type WindowId } from './stats';
import { pickParam, useUrlState } from '../lib/urlState';
import { useHealthzQuery, useServers, useStatsQuery, useStatsEvents, useVarzQuery } from './useOverview';
import { useSummedStats } from '../cluster/summedStats';

type Row = ServerRowData & { health: HealthVerdict };

/** Servers silent for longer than this are not listed (history kept; a restart keeps the row: rows are by name). */
const GONE_MS = 10 * 60_000;
export function OverviewPage() {
  // The window and the picked server live in the URL: a reload or a shared link shows the same charts.
  const [params, setParams] = useUrlState({ window: '5m', charts: 'server' });
  const window = pickParam<WindowId>(params, 'window', WINDOWS.map((w) => w.id), '5m');
  const picked = params.get('server') ?? undefined;
  useStatsEvents();
  const varz = useVarzQuery();
  const healthz = useHealthzQuery();
  const { query: serversQuery, servers: heardServers } = useServers();
  // Rows and charts are by history key (the server's name), which a restart keeps.
  const serverId = picked ?? heardServers.find((s) => s.local)?.id;
  const stats = useStatsQuery(serverId, window);
  // Servers silent for long are history, not the cluster now.
  const listedAt = Date.now();
  const servers = heardServers.filter((s) => s.local || listedAt - s.lastSeen <= GONE_MS);
  const gone = heardServers.filter((s) => !servers.includes(s));
  // Charts of the picked server, or of every listed server summed (?charts=sum).
  const summed = pickParam(params, 'charts', ['server', 'sum'], 'server') === 'sum' && servers.length > 1;
  const sum = useSummedStats(summed ? servers.map((s) => s.id) : [], window, summed);
  const live = useEventsStatus();
  const now = Date.now();

  const firstSlow = new Map<string, number>();
  if (stats.data && serverId) firstSlow.set(serverId, stats.data.points[0]?.slowConsumers ?? 0);

  const rows: Row[] = servers.map((s) => {
    const local = s.local;
    const st = s.msg?.statsz;
    const gwConfigured = local ? ((varz.data?.gateway.gateways as { name: string }[] | undefined) ?? []).map((g) => g.name) : undefined;
    return {
      ...s,
      health: healthVerdict({
        name: s.name,
        now,
        lastSeen: s.lastSeen,
        healthz: local ? healthz.data : undefined,
        slowConsumers: st?.slow_consumers,
        slowConsumersBefore: firstSlow.get(s.id) ?? st?.slow_consumers,
        cpu: st?.cpu,
        cores: st?.cores,
        gatewaysConfigured: gwConfigured && st ? gwConfigured : undefined,
        gatewaysConnected: st ? (st.gateways ?? []).map((g) => g.name) : undefined,
      }),
    };
  });
  const verdicts = rows.map((r) => ({ name: r.name, health: r.health }));
  // Before any STATSZ is recorded, judge the local server from /healthz.
  if (verdicts.length === 0 && varz.data) verdicts.push({ name: varz.data.server_name, health: healthVerdict({ name: varz.data.server_name, now, healthz: healthz.data }) });
  const overall = clusterVerdict(verdicts);

  const columns: Column<Row>[] = [
    {
      key: 'name',
      label: 'Server',
      render: (r) => (
        <>
          <strong>{r.name}</strong> {r.local && <span className="badge">this console</span>}
        </>
      ),
    },
    {
      key: 'health',
      label: 'Health',
      render: (r) => (
        <span className={`badge ${r.health.verdict === 'healthy' ? 'ok' : r.health.verdict === 'degraded' ? 'warn' : 'bad'}`} title={r.health.reasons.join('\n')}>
          {r.health.verdict}
        </span>
      ),
    },
    { key: 'cluster', label: 'Cluster', render: (r) => r.msg?.server.cluster ?? '—' },
    { key: 'ver', label: 'Version', render: (r) => r.msg?.server.ver ?? (r.local ? varz.data?.version : undefined) ?? '—' },
    { key: 'uptime', label: 'Uptime', render: (r) => (r.msg ? formatDuration(now - Date.parse(r.msg.statsz.start)) : r.local ? (varz.data?.uptime ?? '—') : '—') },
    { key: 'conns', label: 'Conns', num: true, render: (r) => formatCount(r.msg?.statsz.connections) },
    { key: 'subs', label: 'Subs', num: true, render: (r) => formatCount(r.msg?.statsz.subscriptions) },
    { key: 'slow', label: 'Slow cons.', num: true, render: (r) => formatCount(r.msg?.statsz.slow_consumers) },
    { key: 'cpu', label: 'CPU', num: true, render: (r) => formatPercent(r.msg?.statsz.cpu) },
    { key: 'mem', label: 'Mem', num: true, render: (r) => formatBytes(r.msg?.statsz.mem) },
    { key: 'routes', label: 'Routes', num: true, render: (r) => (r.msg ? (r.msg.statsz.routes?.length ?? 0) : r.local ? varz.data?.routes : '—') },
    { key: 'gws', label: 'Gateways', num: true, render: (r) => (r.msg ? (r.msg.statsz.gateways?.length ?? 0) : r.local ? varz.data?.remotes : '—') },
    { key: 'seen', label: 'Last heard', render: (r) => (r.lastSeen ? `${Math.max(0, Math.round((now - r.lastSeen) / 1000))} s ago` : '—') },
  ];

  return (
    <div>
      <div className="page-head">
        <h1>Overview</h1>
        <span className={`badge ${live === 'open' ? 'ok' : live === 'error' ? 'bad' : ''}`} title="live updates from /api/events" data-testid="live-status">
          {live === 'open' ? 'live' : live === 'connecting' ? 'connecting…' : live === 'error' ? 'live updates interrupted, retrying' : 'not live'}
        </span>
      </div>

      <section className="panel verdict" aria-label="Health verdict" data-testid="verdict">
        <div className={`big ${overall.verdict}`}>{overall.verdict === 'healthy' ? 'Healthy' : overall.verdict === 'degraded' ? 'Degraded' : 'Down'}</div>
        <ul>
          {overall.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      </section>

      {varz.error && <ErrorBox action="load /varz" error={varz.error} onRetry={() => void varz.refetch()} />}

      <h2>Servers</h2>
      {serversQuery.isPending ? (
        <Loading />
      ) : serversQuery.error && !serversQuery.data ? (
        <ErrorBox action="list the servers" error={serversQuery.error} onRetry={() => void serversQuery.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>No STATSZ recorded yet from the system account.</Empty>
      ) : (
        <Table caption="Servers" columns={columns} rows={rows} rowKey={(r) => r.id} onRowClick={(r) => setParams({ server: r.local ? undefined : r.id, charts: undefined })} selectedKey={serverId} />
      )}
      {gone.length > 0 && (
        <p className="muted" data-testid="gone-servers">
          Not heard for over {GONE_MS / 60_000} minutes, left out (history kept): {gone.map((g) => g.name).join(', ')}
        </p>
      )}

      <div className="row" style={{ marginTop: 20 }}>
        <h2 style={{ margin: 0, flex: 1 }}>
          Activity {summed ? <span className="muted">— all {rows.length} servers summed</span> : stats.data && rows.length > 1 && <span className="muted">— {rows.find((r) => r.id === serverId)?.name}</span>}
        </h2>
        {rows.length > 1 && (
          <div className="segmented" role="group" aria-label="Charts of">
            <button type="button" aria-pressed={!summed} onClick={() => setParams({ charts: 'server' })}>
              Per server
            </button>
            <button type="button" aria-pressed={summed} onClick={() => setParams({ charts: 'sum' })}>
              All summed
            </button>
          </div>
        )}
        <div className="segmented" role="group" aria-label="Chart window">
          {WINDOWS.map((w) => (
            <button key={w.id} type="button" aria-pressed={window === w.id} onClick={() => setParams({ window: w.id })}>
              {w.label}
            </button>
          ))}
        </div>
      </div>
      <div style={{ marginTop: 10 }}>
        {summed ? (
          sum.pending ? (
            <Loading what="Loading STATSZ history" />
          ) : sum.error ? (
            <ErrorBox action="load the STATSZ history" error={sum.error} onRetry={sum.refetch} />
          ) : (
            <StatsCharts points={sum.points} spanMs={STATS_WINDOWS[window].spanMs} />
          )
        ) : !serverId || stats.isPending ? (
          <Loading what="Loading STATSZ history" />
        ) : stats.error ? (
          <ErrorBox action="load the STATSZ history" error={stats.error} onRetry={() => void stats.refetch()} />
        ) : (
          <StatsCharts points={stats.data.points} spanMs={STATS_WINDOWS[window].spanMs} />
        )}
      </div>
    </div>
  );
}
