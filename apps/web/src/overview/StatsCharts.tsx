import type { ReactElement } from 'react';
import { Area, AreaChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StatsPoint } from '@switchboard/shared';
import { formatBytes, formatClock, formatCount, formatPercent } from '../lib/format';

const IN = '#2457c5';
const OUT = '#c2410c';

/** The STATSZ charts of one server: rates of msgs/bytes in and out, then gauges. */
export function StatsCharts({ points }: { points: StatsPoint[] }) {
  const last = points.at(-1);
  const axis = { tick: { fontSize: 11 }, stroke: '#8a94a6' };
  const xAxis = <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={formatClock} {...axis} minTickGap={40} />;
  const label = (t: unknown) => formatClock(Number(t));
  return (
    <div className="grid cols-2" data-testid="stats-charts">
      <ChartBox title="Messages / s" latest={last && `in ${formatCount(last.inMsgsRate)} · out ${formatCount(last.outMsgsRate)}`} testid="chart-msgs" points={points.length}>
        <AreaChart data={points}>
          <CartesianGrid stroke="#eef0f4" />
          {xAxis}
          <YAxis tickFormatter={(v: number) => formatCount(v)} {...axis} width={48} />
          <Tooltip labelFormatter={label} formatter={(v) => formatCount(Number(v))} />
          <Legend />
          <Area type="linear" dataKey="inMsgsRate" name="in" stroke={IN} fill={IN} fillOpacity={0.15} isAnimationActive={false} />
          <Area type="linear" dataKey="outMsgsRate" name="out" stroke={OUT} fill={OUT} fillOpacity={0.15} isAnimationActive={false} />
        </AreaChart>
      </ChartBox>
      <ChartBox title="Bytes / s" latest={last && `in ${formatBytes(last.inBytesRate)} · out ${formatBytes(last.outBytesRate)}`} testid="chart-bytes" points={points.length}>
        <AreaChart data={points}>
          <CartesianGrid stroke="#eef0f4" />
          {xAxis}
          <YAxis tickFormatter={(v: number) => formatBytes(v)} {...axis} width={64} />
          <Tooltip labelFormatter={label} formatter={(v) => formatBytes(Number(v))} />
          <Legend />
          <Area type="linear" dataKey="inBytesRate" name="in" stroke={IN} fill={IN} fillOpacity={0.15} isAnimationActive={false} />
          <Area type="linear" dataKey="outBytesRate" name="out" stroke={OUT} fill={OUT} fillOpacity={0.15} isAnimationActive={false} />
        </AreaChart>
      </ChartBox>
      {(
        [
          ['connections', 'Connections', formatCount, '#15803d'],
          ['subscriptions', 'Subscriptions', formatCount, '#7e22ce'],
          ['slowConsumers', 'Slow consumers (total)', formatCount, '#b3261e'],
          ['cpu', 'CPU', formatPercent, '#0e7490'],
          ['mem', 'Memory (RSS)', formatBytes, '#a16207'],
        ] as const
      ).map(([k, title, fmt, color]) => (
        <ChartBox key={k} title={title} latest={last && fmt(last[k])} testid={`chart-${k}`} points={points.length}>
          <LineChart data={points}>
            <CartesianGrid stroke="#eef0f4" />
            {xAxis}
            <YAxis tickFormatter={(v: number) => fmt(v)} {...axis} width={k === 'mem' ? 64 : 48} allowDecimals={k === 'cpu'} />
            <Tooltip labelFormatter={label} formatter={(v) => fmt(Number(v))} />
            <Line type={k === "cpu" || k === "mem" ? "linear" : "stepAfter"} dataKey={k} name={title} stroke={color} dot={false} isAnimationActive={false} />
          </LineChart>
        </ChartBox>
      ))}
    </div>
  );
}

function ChartBox({ title, latest, children, testid, points }: { title: string; latest?: string; children: ReactElement; testid: string; points: number }) {
  return (
    <figure className="panel" style={{ margin: 0 }} data-testid={testid} data-points={points}>
      <figcaption className="chart-title">
        <span>{title}</span>
        <span className="muted">{latest ?? '—'}</span>
      </figcaption>
      <div className="chart-box">
        {points === 0 ? (
          <div className="empty">Waiting for STATSZ samples…</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            {children}
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}
