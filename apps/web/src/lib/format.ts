/*
 * Human formats for the numbers and times the console shows, one rule everywhere:
 * - counts: exact with thousands separators below 10,000 ("9,876"), then three significant
 *   digits with an SI unit ("12.3K", "4.56M");
 * - bytes: IEC units with a space ("512 B", "1.5 KiB", "20 MiB");
 * - rates: the same, followed by "/s" ("1.2K/s", "3.4 MiB/s");
 * - times: 24-hour, year-month-day ("2026-01-02 13:04:05"), local time zone.
 * Separators are fixed (en-US grouping) so that a number reads the same on every screen.
 */

const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const EMPTY = '–';

function finite(n: number | undefined): n is number {
  return n !== undefined && Number.isFinite(n);
}

/** Three significant digits, keeping at least the integer part ("1.23", "12.3", "123"). */
function threeDigits(v: number): string {
  const a = Math.abs(v);
  return v.toFixed(a < 10 ? 2 : a < 100 ? 1 : 0);
}

export function formatCount(n: number | undefined): string {
  if (!finite(n)) return EMPTY;
  const a = Math.abs(n);
  if (a < 10) return Number.isInteger(n) ? String(n) : n.toFixed(1);
  if (a < 10_000) return GROUPED.format(n);
  const units = ['K', 'M', 'G', 'T', 'P'];
  let v = n;
  let i = -1;
  while (Math.abs(v) >= 999.5 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${threeDigits(v)}${units[i]}`;
}

export function formatBytes(n: number | undefined): string {
  if (!finite(n)) return EMPTY;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${GROUPED.format(Math.round(v))} B`;
  return `${v.toFixed(Math.abs(v) < 10 ? 1 : 0)} ${units[i]}`;
}

/** A per-second rate of a count: "1.2K/s". */
export function formatRate(n: number | undefined): string {
  return finite(n) ? `${formatCount(n)}/s` : EMPTY;
}

/** A per-second rate of bytes: "3.4 MiB/s". */
export function formatByteRate(n: number | undefined): string {
  return finite(n) ? `${formatBytes(n)}/s` : EMPTY;
}

export function formatPercent(n: number | undefined): string {
  if (!finite(n)) return EMPTY;
  return `${n.toFixed(n < 10 ? 1 : 0)}%`;
}

/** `1d2h3m4s` style, like nats-server's uptime strings. */
export function formatDuration(ms: number): string {
  let s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  let out = '';
  if (d) out += `${d}d`;
  if (d || h) out += `${h}h`;
  if (d || h || m) out += `${m}m`;
  return `${out}${s}s`;
}

const two = (n: number) => String(n).padStart(2, '0');

function toDate(t: number | string | undefined): Date | undefined {
  if (t === undefined) return undefined;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** "2026-01-02" (local). */
function day(d: Date): string {
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** "13:04:05" (local, 24-hour). */
export function formatClock(t: number): string {
  const d = new Date(t);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** "2026-01-02 13:04:05" (local, 24-hour); unparsable input is shown as given. */
export function formatTime(t: number | string | undefined): string {
  const d = toDate(t);
  if (!d) return t === undefined ? EMPTY : String(t);
  return `${day(d)} ${formatClock(d.getTime())}`;
}

/**
 * Tick labels of a time axis spanning `spanMs`: seconds for minutes-long windows, minutes for an
 * hour, the date with the time for a day or more (the axis then crosses midnight).
 */
export function timeAxisFormatter(spanMs: number): (t: number) => string {
  if (spanMs >= 12 * 3600_000) {
    return (t) => {
      const d = new Date(t);
      return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
    };
  }
  if (spanMs > 15 * 60_000) {
    return (t) => {
      const d = new Date(t);
      return `${two(d.getHours())}:${two(d.getMinutes())}`;
    };
  }
  return formatClock;
}

/** Percent axis ticks as exact as the tick is ("20%", "0.5%", "0.15%"), never rounded onto a neighbour. */
export function formatPercentTick(v: number): string {
  return `${Number.parseFloat(v.toFixed(2))}%`;
}

/**
 * Ticks of a bytes axis from 0 past `max`, on round steps of a binary unit (1, 2 or 5 × 10ⁿ
 * KiB, MiB…), so that labels read "0 B, 50 MiB, 100 MiB" rather than "29 MiB, 57 MiB".
 */
export function byteTicks(max: number, count = 4): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, 1, 2, 3, 4];
  const unit = 1024 ** Math.min(5, Math.max(0, Math.floor(Math.log(max) / Math.log(1024))));
  const raw = max / unit / count;
  let step = 1;
  for (let decade = 1; ; decade *= 10) {
    const s = [1, 2, 5].map((m) => m * decade).find((x) => x >= raw);
    if (s !== undefined) {
      step = s;
      break;
    }
  }
  const n = Math.max(1, Math.ceil(max / (step * unit)));
  return Array.from({ length: n + 1 }, (_, i) => i * step * unit);
}
