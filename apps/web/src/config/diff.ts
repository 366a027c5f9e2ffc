/*
 * What an edit changes, path by path, and whether each change applies on reload ("hot") or needs
 * a restart (protocol §9). The server's own review is authoritative when it gives one; this is
 * what the console shows otherwise, and what it uses to describe an edit before sending it.
 */

export type ChangeEffect = 'hot' | 'restart';

export interface Change {
  /** Dotted path, e.g. `accounts.A.exports`. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
  effect: ChangeEffect;
  /** Why it needs a restart, when the server says. */
  reason?: string;
}

const HOT_TOP = new Set([
  'debug', 'trace', 'traceVerbose', 'logtime', 'logFile', 'syslog', 'remoteSyslog', 'tls', 'authorization',
  'accounts', 'serverTags', 'maxConnections', 'pidFile', 'portsFileDir', 'maxControlLine', 'maxPayload',
  'pingInterval', 'pingMax', 'writeDeadline', 'clientAdvertise', 'connectErrorReports', 'reconnectErrorReports',
  'maxTracedMsgLen', 'authTimeout', 'mappings',
]);
const COLD_CLUSTER = new Set(['host', 'port']);

/** Whether a change at `path` applies by hot reload. */
export function effectOf(path: string): ChangeEffect {
  const [top, sub] = path.split('.');
  if (top === 'cluster') return sub !== undefined && COLD_CLUSTER.has(sub) ? 'restart' : sub === undefined ? 'restart' : 'hot';
  return HOT_TOP.has(top ?? '') ? 'hot' : 'restart';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Changes between two option objects. Objects are walked key by key down to `depth` levels
 * (accounts.NAME.exports stays one change); arrays and scalars are compared whole.
 */
export function diffOptions(before: Record<string, unknown>, after: Record<string, unknown>, depth = 3): Change[] {
  const out: Change[] = [];
  const walk = (a: unknown, b: unknown, path: string[], level: number) => {
    if (equal(a, b)) return;
    if (isPlainObject(a) && isPlainObject(b) && level < depth) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const k of keys) walk(a[k], b[k], [...path, k], level + 1);
      return;
    }
    const p = path.join('.');
    const kind = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
    const c: Change = { path: p, kind, effect: effectOf(p) };
    if (a !== undefined) c.before = a;
    if (b !== undefined) c.after = b;
    out.push(c);
  };
  walk(before, after, [], 0);
  return out;
}

export function needsRestart(changes: { effect: ChangeEffect }[]): boolean {
  return changes.some((c) => c.effect === 'restart');
}
