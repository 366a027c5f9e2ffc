/**
 * Reload diff: compares two resolved option sets and says, per change, whether it can be applied
 * to a running server (hot) or needs a restart — following nats-server 2.9.10's reload rules
 * (`server/reload.go: diffOptions`, protocol.md §9). As in nats-server, a reload with any
 * non-hot change should be refused as a whole.
 */
import type { Options } from '@switchboard/shared';
import { hideSecrets, isSecretPath, listUsers, REDACTED } from '@switchboard/shared';

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface Change {
  /** Model path: `maxPayload`, `cluster.routes`, `accounts.A`, `passthrough.leafnodes`. */
  path: string;
  kind: ChangeKind;
  old: unknown;
  new: unknown;
  hot: boolean;
  reason?: string;
}

/**
 * Model paths that a running server applies on reload. Paths not listed (and not special-cased
 * in `classify`) need a restart.
 */
export const HOT_RELOADABLE: readonly string[] = [
  'debug',
  'trace',
  'traceVerbose',
  'logtime',
  'logFile',
  'syslog',
  'remoteSyslog',
  'tls',
  'authorization',
  'authTimeout',
  'accounts',
  'mappings',
  'serverTags',
  'cluster.name',
  'cluster.advertise',
  'cluster.noAdvertise',
  'cluster.connectRetries',
  'cluster.routes',
  'cluster.authorization',
  'cluster.tls',
  'cluster.permissions',
  'maxConnections',
  'pidFile',
  'portsFileDir',
  'maxControlLine',
  'maxPayload',
  'pingInterval',
  'pingMax',
  'writeDeadline',
  'clientAdvertise',
  'connectErrorReports',
  'reconnectErrorReports',
  'maxTracedMsgLen',
  // Operator mode: a reload re-reads the preloads and pinned accounts, and a URL resolver's TLS.
  'resolverTls',
  'resolverPreload',
  'resolverPinnedAccounts',
];

/** Model paths whose change needs a restart (informational; anything not hot needs one). */
export const RESTART_REQUIRED: readonly string[] = [
  'host',
  'port',
  'serverName',
  'cluster.host',
  'cluster.port',
  'gateway',
  'httpHost',
  'httpPort',
  'httpsPort',
  'httpBasePath',
  'maxPending',
  'maxSubscriptions',
  'maxSubTokens',
  'lameDuckDuration',
  'lameDuckGracePeriod',
  'noHeaderSupport',
  'systemAccount',
  'noSystemAccount',
  'noAuthUser',
  'disableSublistCache',
  'profPort',
  'logSizeLimit',
  'passthrough',
  'operator',
  'trustedKeys',
];

const HOT = new Set(HOT_RELOADABLE);
/** Top-level fields compared one level deeper (per key). */
const NESTED = new Set(['cluster', 'accounts', 'passthrough']);

/** Whether a model path (or its top-level block) is hot-reloadable by the general rules. */
export function isHotReloadable(path: string): boolean {
  if (HOT.has(path)) return true;
  const [head] = path.split('.');
  return head === 'accounts' || head === 'authorization' || head === 'tls';
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );
}
const equal = (a: unknown, b: unknown): boolean => stable(a) === stable(b);

function classify(path: string, oldV: unknown, newV: unknown, newOpts: Options): { hot: boolean; reason?: string } {
  if (path === 'port' && (newV === -1 || newV === 0)) {
    return { hot: true, reason: 'a random port keeps the current listener' };
  }
  if (path === 'noAuthUser') {
    if (typeof oldV === 'string' && oldV !== '' && (newV === undefined || newV === '')) {
      const stillThere = listUsers(newOpts).some((u) => u.user === oldV);
      if (!stillThere) return { hot: true, reason: 'no_auth_user removed together with its user' };
    }
    return { hot: false, reason: 'no_auth_user changes need a restart' };
  }
  if (path === 'systemAccount') {
    if (oldV === '$SYS' && (newV === undefined || newV === '')) return { hot: true };
    return { hot: false, reason: 'the system account can not change at runtime' };
  }
  if (path === 'operator' || path === 'trustedKeys') return { hot: false, reason: 'the trusted operators can not change at runtime' };
  if (path === 'resolver') return classifyResolver(oldV as Options['resolver'], newV as Options['resolver']);
  if (path === 'passthrough.server_tags') return { hot: true };
  if (isHotReloadable(path)) return { hot: true };
  if (path.startsWith('passthrough.')) return { hot: false, reason: `${path.slice(12)} is not implemented; restart to change it` };
  if (path.startsWith('gateway')) return { hot: false, reason: 'gateway settings are not reloadable' };
  if (path === 'cluster.host' || path === 'cluster.port') return { hot: false, reason: 'the cluster listener can not move at runtime' };
  return { hot: false, reason: `${path} is not reloadable` };
}

/**
 * nats-server refuses moving to or from an account resolver; it swaps a resolver of the same
 * kind in place. A directory resolver keeps running on its directory (nats-server would swap
 * in one that never starts), so changing one needs a restart here.
 */
function classifyResolver(oldV: Options['resolver'], newV: Options['resolver']): { hot: boolean; reason?: string } {
  if (!oldV || !newV) return { hot: false, reason: 'config reload does not support moving to or from an account resolver' };
  if (oldV.type !== newV.type) return { hot: false, reason: 'the account resolver type can not change at runtime' };
  if (oldV.type === 'url' || oldV.type === 'memory') return { hot: true };
  return { hot: false, reason: 'the directory resolver can not change at runtime' };
}

/** Lists the differences between two resolved option sets, each marked hot or restart. */
export function diffOptions(oldOpts: Options, newOpts: Options): Change[] {
  const changes: Change[] = [];
  const push = (path: string, o: unknown, n: unknown): void => {
    if (equal(o, n)) return;
    const kind: ChangeKind = o === undefined ? 'added' : n === undefined ? 'removed' : 'changed';
    changes.push({ path, kind, old: o, new: n, ...classify(path, o, n, newOpts) });
  };
  const keys = new Set([...Object.keys(oldOpts), ...Object.keys(newOpts)]) as Set<keyof Options>;
  for (const k of keys) {
    const o = oldOpts[k] as unknown;
    const n = newOpts[k] as unknown;
    if (NESTED.has(k) && (o === undefined || typeof o === 'object') && (n === undefined || typeof n === 'object')) {
      const ro = (o ?? {}) as Record<string, unknown>;
      const rn = (n ?? {}) as Record<string, unknown>;
      // Own keys only: an account named `constructor` is not Object's constructor.
      const own = (r: Record<string, unknown>, key: string) => (Object.hasOwn(r, key) ? r[key] : undefined);
      for (const sk of new Set([...Object.keys(ro), ...Object.keys(rn)])) push(`${k}.${sk}`, own(ro, sk), own(rn, sk));
      continue;
    }
    push(k, o, n);
  }
  return changes;
}

/** The restart-requiring changes, if any: a reload should be refused when this is non-empty. */
export function blockingChanges(changes: Change[]): Change[] {
  return changes.filter((c) => !c.hot);
}

/** A value for a log line or message; secrets never (console viewers and log files read these). */
function show(v: unknown, path: string): string {
  if (v === undefined) return '(unset)';
  if (isSecretPath(path)) return JSON.stringify(REDACTED);
  const shown = hideSecrets(v);
  const s = typeof shown === 'string' ? JSON.stringify(shown) : stable(shown);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** One line for logs and the console: `maxPayload: 1048576 → 2097152 (applied on reload)`. */
export function explainChange(c: Change): string {
  const what = c.kind === 'added' ? `set to ${show(c.new, c.path)}` : c.kind === 'removed' ? `removed (was ${show(c.old, c.path)})` : `${show(c.old, c.path)} → ${show(c.new, c.path)}`;
  const how = c.hot ? 'applied on reload' : 'requires a restart';
  return `${c.path}: ${what} (${how}${c.reason ? `: ${c.reason}` : ''})`;
}

/** nats-server's wording for a refused reload. */
export function reloadRefusal(c: Change): string {
  return `config reload not supported for ${c.path}: old=${show(c.old, c.path)}, new=${show(c.new, c.path)}`;
}
