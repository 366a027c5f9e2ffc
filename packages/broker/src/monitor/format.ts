/** Formatting helpers shared by the monitoring views, matching nats-server's JSON. */

/** RFC 3339 UTC time (millisecond precision). */
export function rfc3339(t: Date | number): string {
  return (typeof t === 'number' ? new Date(t) : t).toISOString();
}

/** nats-server's uptime/idle strings: `1y2d3h4m5s`, `3h4m5s`, `4m5s`, `5s` (whole seconds). */
export function uptimeString(ms: number): string {
  const tsecs = Math.max(0, Math.floor(ms / 1000));
  const tmins = Math.floor(tsecs / 60);
  const thrs = Math.floor(tmins / 60);
  const tdays = Math.floor(thrs / 24);
  const tyrs = Math.floor(tdays / 365);
  if (tyrs > 0) return `${tyrs}y${tdays % 365}d${thrs % 24}h${tmins % 60}m${tsecs % 60}s`;
  if (tdays > 0) return `${tdays}d${thrs % 24}h${tmins % 60}m${tsecs % 60}s`;
  if (thrs > 0) return `${thrs}h${tmins % 60}m${tsecs % 60}s`;
  if (tmins > 0) return `${tmins}m${tsecs % 60}s`;
  return `${tsecs}s`;
}

function withFraction(value: number, unit: number, digits: number): string {
  const whole = Math.floor(value / unit);
  const rest = value % unit;
  if (rest === 0) return String(whole);
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** A Go `time.Duration` string for `ns` nanoseconds: `0s`, `850ns`, `1.5µs`, `3.2ms`, `1m2.5s`, `1h0m0s`. */
export function goDuration(ns: number): string {
  let u = Math.round(Math.abs(ns));
  const sign = ns < 0 ? '-' : '';
  if (u === 0) return '0s';
  if (u < 1_000) return `${sign}${u}ns`;
  if (u < 1_000_000) return `${sign}${withFraction(u, 1_000, 3)}µs`;
  if (u < 1_000_000_000) return `${sign}${withFraction(u, 1_000_000, 6)}ms`;
  const frac = u % 1_000_000_000;
  u = Math.floor(u / 1_000_000_000);
  const h = Math.floor(u / 3600);
  const m = Math.floor((u % 3600) / 60);
  const s = u % 60;
  const secs = frac === 0 ? `${s}s` : `${s}.${String(frac).padStart(9, '0').replace(/0+$/, '')}s`;
  if (h > 0) return `${sign}${h}h${m}m${secs}`;
  if (m > 0) return `${sign}${m}m${secs}`;
  return `${sign}${secs}`;
}

/** Milliseconds to Go nanoseconds. */
export function msToNs(ms: number): number {
  return Math.round(ms * 1_000_000);
}
