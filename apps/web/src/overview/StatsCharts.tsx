import type { ReactElement } from 'react';
import { Area, AreaChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StatsPoint } from '@switchboard/shared';
import { byteTicks, formatByteRate, formatBytes, formatClock, formatCount, formatPercent, formatPercentTick, formatRate, formatTime, timeAxisFormatter } from '../lib/format';
import { usePalette, type Palette } from '../lib/theme';

/** The STATSZ charts of one server over a window of `spanMs`: rates of msgs/bytes in and out, then gauges. */
export function StatsCharts({ points, spanMs }: { points: StatsPoint[]; spanMs: number }) {
  const c = usePalette();
  const last = points.at(-1);
  const axis = { tick: { fontSize: 11, fill: c.muted }, stroke: c.axis };
  const tick = timeAxisFormatter(spanMs);
  const xAxis = <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={tick} {...axis} minTickGap={40} />;
  // Tooltips name the day too when the window spans one.
  const label = (t: unknown) => (spanMs >= 12 * 3600_000 ? formatTime(Number(t)) : formatClock(Number(t)));
  const tooltip = tooltipStyle(c);
  const grid = <CartesianGrid stroke={c.grid} />;
  const legend = <Legend wrapperStyle={{ color: c.ink }} />;
  // Byte axes step in round binary units; recharts would pick decimal steps ("29 MiB, 57 MiB").
  const maxOf = (f: (p: StatsPoint) => number) => points.reduce((m, p) => Math.max(m, f(p)), 0);
  const byteRateTicks = byteTicks(maxOf((p) => Math.max(p.inBytesRate, p.outBytesRate)));
  const memTicks = byteTicks(maxOf((p) => p.mem));
  return (
    <div className="grid cols-2" data-testid="stats-charts">
      <ChartBox
        title="Messages / s"
        latest={last && `in ${formatRate(last.inMsgsRate)} · out ${formatRate(last.outMsgsRate)}`}
        testid="chart-msgs"
        points={points.length}
        attrs={{ 'data-peak-in-rate': maxOf((p) => p.inMsgsRate), 'data-latest-in-rate': last?.inMsgsRate ?? 0, 'data-first-t': points[0]?.t ?? 0 }}
      >
        <AreaChart data={points}>
          {grid}
          {xAxis}
          <YAxis tickFormatter={(v: number) => formatRate(v)} {...axis} width={60} />
          <Tooltip labelFormatter={label} formatter={(v) => formatRate(Number(v))} {...tooltip} />
          {legend}
          <Area type="linear" dataKey="inMsgsRate" name="in" stroke={c.in} fill={c.in} fillOpacity={0.15} isAnimationActive={false} />
          <Area type="linear" dataKey="outMsgsRate" name="out" stroke={c.out} fill={c.out} fillOpacity={0.15} isAnimationActive={false} />
        </AreaChart>
      </ChartBox>
      <ChartBox title="Bytes / s" latest={last && `in ${formatByteRate(last.inBytesRate)} · out ${formatByteRate(last.outBytesRate)}`} testid="chart-bytes" points={points.length}>
        <AreaChart data={points}>
          {grid}
          {xAxis}
          <YAxis tickFormatter={(v: number) => formatByteRate(v)} {...axis} width={76} ticks={byteRateTicks} domain={[0, byteRateTicks.at(-1)!]} />
          <Tooltip labelFormatter={label} formatter={(v) => formatByteRate(Number(v))} {...tooltip} />
          {legend}
          <Area type="linear" dataKey="inBytesRate" name="in" stroke={c.in} fill={c.in} fillOpacity={0.15} isAnimationActive={false} />
          <Area type="linear" dataKey="outBytesRate" name="out" stroke={c.out} fill={c.out} fillOpacity={0.15} isAnimationActive={false} />
        </AreaChart>
      </ChartBox>
      {(
        [
          ['connections', 'Connections', formatCount, formatCount, c.connections],
          ['subscriptions', 'Subscriptions', formatCount, formatCount, c.subscriptions],
          ['slowConsumers', 'Slow consumers (total)', formatCount, formatCount, c.slow],
          ['cpu', 'CPU', formatPercent, formatPercentTick, c.cpu],
          ['mem', 'Memory (RSS)', formatBytes, formatBytes, c.mem],
        ] as const
      ).map(([k, title, fmt, tickFmt, color]) => (
        <ChartBox key={k} title={title} latest={last && fmt(last[k])} testid={`chart-${k}`} points={points.length}>
          <LineChart data={points}>
            {grid}
            {xAxis}
            <YAxis
              tickFormatter={(v: number) => tickFmt(v)}
              {...axis}
              width={k === 'mem' ? 64 : 48}
              allowDecimals={k === 'cpu'}
              {...(k === 'mem' ? { ticks: memTicks, domain: [0, memTicks.at(-1)!] } : {})}
            />
            <Tooltip labelFormatter={label} formatter={(v) => fmt(Number(v))} {...tooltip} />
            <Line type={k === 'cpu' || k === 'mem' ? 'linear' : 'stepAfter'} dataKey={k} name={title} stroke={color} dot={false} isAnimationActive={false} />
          </LineChart>
        </ChartBox>
      ))}
    </div>
  );
}

function tooltipStyle(c: Palette) {
  return {
    contentStyle: { background: c.panel, borderColor: c.line, color: c.ink },
    labelStyle: { color: c.ink },
    itemStyle: { color: c.ink },
    cursor: { stroke: c.axis },
  };
}

function ChartBox({ title, latest, children, testid, points, attrs }: { title: string; latest?: string; children: ReactElement; testid: string; points: number; attrs?: Record<`data-${string}`, number> }) {
  return (
    <figure className="panel" style={{ margin: 0 }} data-testid={testid} data-points={points} {...attrs}>
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
