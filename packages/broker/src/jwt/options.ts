/**
 * Operator mode from the options model: the effective settings a server runs with (operator
 * JWTs decoded, the system account and resolver they imply) and the checks nats-server 2.9.10
 * makes when a server starts (`validateTrustedOperators`, `validateNoAuthUser`,
 * `configureResolver`) — the ones `-t` does not make.
 */
import type { Options, ResolverOptions } from '@switchboard/shared';
import { decodeAccountJwt, isValidPublicKey, type OperatorClaims } from './claims.js';
import { readOperatorJwt } from './creds.js';
import { buildTrust, type TrustContext } from './trust.js';
import { parseServerVersion } from './validate.js';

/** The nats-server version Switchboard speaks for (`assert_server_version` is checked against it). */
export const SERVER_VERSION = '2.9.10';

type OperatorOptions = Pick<
  Options,
  'operator' | 'trustedKeys' | 'resolver' | 'resolverPreload' | 'resolverPinnedAccounts' | 'systemAccount' | 'accounts' | 'authorization' | 'noAuthUser'
>;

/** Whether the options ask for operator mode (JWT authentication): an operator or trusted keys. */
export function isOperatorMode(opts: Pick<Options, 'operator' | 'trustedKeys'>): boolean {
  return opts.operator !== undefined || (opts.trustedKeys?.length ?? 0) > 0;
}

/** The resolver a server runs with: the configured one, else the single operator's `account_server_url` + `/accounts`. */
export type EffectiveResolver = ResolverOptions & { fromOperator?: boolean };

export interface OperatorMode {
  operators: OperatorClaims[];
  /** The operator JWTs as read (decoration removed). */
  operatorJwts: string[];
  trust: TrustContext;
  /** `system_account`, else the operator's `system_account`. */
  systemAccount?: string;
  resolver?: EffectiveResolver;
  preload: Record<string, string>;
}

/**
 * The effective operator mode settings, as nats-server derives them while parsing (the
 * operator's system account and account server URL fill in what the file leaves out).
 */
export function loadOperatorMode(opts: OperatorOptions, readFile?: (path: string) => string): OperatorMode {
  const operators: OperatorClaims[] = [];
  const operatorJwts: string[] = [];
  if (opts.operator !== undefined) {
    const r = readOperatorJwt(opts.operator, readFile);
    operators.push(r.claims);
    operatorJwts.push(r.jwt);
  }
  let resolver: EffectiveResolver | undefined = opts.resolver;
  let systemAccount = opts.systemAccount;
  if (operators.length === 1) {
    const op = operators[0]!;
    // nsc appends "/accounts" when pushing; an empty URL still makes a (useless) URL resolver.
    if (!resolver) resolver = { type: 'url', url: `${op.nats.accountServerUrl.trim()}/accounts`, fromOperator: true };
    if (!systemAccount && op.nats.systemAccount !== '') systemAccount = op.nats.systemAccount;
  }
  const trust = buildTrust({
    operators,
    ...(opts.trustedKeys ? { trustedKeys: opts.trustedKeys } : {}),
    ...(opts.resolverPinnedAccounts ? { pinnedAccounts: opts.resolverPinnedAccounts } : {}),
    ...(systemAccount ? { systemAccount } : {}),
  });
  return { operators, operatorJwts, trust, ...(systemAccount ? { systemAccount } : {}), ...(resolver ? { resolver } : {}), preload: { ...(opts.resolverPreload ?? {}) } };
}

/**
 * The checks nats-server makes on operator mode when a server starts, in its order, with its
 * messages; the first one is what nats-server reports. Empty when fine (or not operator mode).
 */
export function validateOperatorMode(opts: OperatorOptions, readFile?: (path: string) => string): string[] {
  if (!isOperatorMode(opts)) return [];
  let mode: OperatorMode;
  try {
    mode = loadOperatorMode(opts, readFile);
  } catch (e) {
    return [`error parsing operator JWT: ${(e as Error).message}`];
  }
  const errors: string[] = [];
  const ops = mode.operators;
  if (ops.length > 0) {
    if (!mode.resolver) errors.push('operators require an account resolver to be configured');
    else if (Object.keys(opts.accounts ?? {}).length > 0) errors.push('operators do not allow Accounts to be configured directly');
    else if ((opts.authorization?.users?.length ?? 0) > 0) errors.push('operators do not allow users to be configured directly');
    else if ((opts.trustedKeys?.length ?? 0) > 0) errors.push("conflicting options for 'TrustedKeys' and 'TrustedOperators'");
    else if (mode.systemAccount) {
      const nonEmpty = ops.some((op) => op.nats.systemAccount !== '');
      const found = ops.some((op) => op.nats.systemAccount === mode.systemAccount);
      if (nonEmpty && !found) errors.push('system_account in config and operator JWT must be identical');
    } else if (ops[0]!.nats.systemAccount === '' && (mode.resolver.type === 'full' || mode.resolver.type === 'cache')) {
      errors.push('using nats based account resolver - the system account needs to be specified in configuration or the operator jwt');
    }
    if (errors.length === 0) errors.push(...checkAssertedVersions(ops));
    if (errors.length === 0) {
      for (const key of opts.resolverPinnedAccounts ?? []) {
        if (!isValidPublicKey(key, 'A')) {
          errors.push(`pinned account key "${key}" is not a valid public account nkey`);
          break;
        }
      }
    }
    if (errors.length === 0 && opts.noAuthUser) errors.push('no_auth_user not compatible with Trusted Operator');
  }
  if (errors.length === 0 && mode.resolver && Object.keys(mode.preload).length > 0) {
    if (mode.resolver.type === 'url') errors.push('resolver preloads only available for writeable resolver types MEM/DIR/CACHE_DIR');
    else {
      for (const [k, v] of Object.entries(mode.preload)) {
        try {
          decodeAccountJwt(v);
        } catch (e) {
          errors.push(`preload account error for "${k}": ${(e as Error).message}`);
          break;
        }
      }
    }
  }
  return errors;
}

function checkAssertedVersions(ops: OperatorClaims[]): string[] {
  const srv = parseServerVersion(SERVER_VERSION) as { major: number; minor: number; update: number };
  for (const op of ops) {
    const v = parseServerVersion(op.nats.assertServerVersion);
    if ('error' in v) return [`operator ${op.sub} expects version ${op.nats.assertServerVersion} got error instead: ${v.error}`];
    if (v.major > srv.major) return [`operator ${op.sub} expected major version ${v.major} > server major version ${srv.major}`];
    if (srv.major > v.major) continue;
    if (v.minor > srv.minor) return [`operator ${op.sub} expected minor version ${v.minor} > server minor version ${srv.minor}`];
    if (srv.minor > v.minor) continue;
    if (v.update > srv.update) return [`operator ${op.sub} expected update version ${v.update} > server update version ${srv.update}`];
  }
  return [];
}

/**
 * Why a server must not start with these options in operator mode: nats-server's own start
 * checks (empty when fine, or not operator mode).
 */
export function operatorModeStartErrors(opts: OperatorOptions): string[] {
  return isOperatorMode(opts) ? validateOperatorMode(opts) : [];
}
