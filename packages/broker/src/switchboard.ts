/**
 * The composition root: the one place that wires the core and the modules. Everything outside
 * the broker package gets a server from `createServer`.
 *
 * Module order is part of the design (hooks run in this order, shutdown in reverse):
 *   1. accounts — the config's account definitions; on reload the registry is rebuilt first,
 *      so later modules see new accounts;
 *   1b. operator — operator mode only (`operator` / `trusted`): the JWT accounts (a second
 *      account source, fed by the resolver) and the authenticator asked first (user JWTs);
 *   2. auth     — the config's users, nkeys, tokens and client TLS; re-checks clients after the
 *      accounts exist;
 *   3. monitor  — closed-connection and per-account records, before events reads them;
 *   4. cluster  — routes (only when a cluster port is configured); before events, so events
 *      shuts down first and its SHUTDOWN still crosses the routes;
 *   5. gateway  — links to other clusters (super clusters): watches the interest seam, and
 *      forwards messages that entered here through the core's `Delivery.forwarder`; it shuts
 *      down after events, so the SHUTDOWN event still reaches the other clusters;
 *   6. events   — the system account and $SYS; shuts down first, so SHUTDOWN is the last event;
 *   7. messages — the console's internal client (publish, request, subscribe in any account);
 *   8. the caller's extra modules (`deps.modules`), e.g. a test probe.
 * In operator mode the operator module (JWT accounts and users) registers after accounts and
 * before auth, as an account source and as the authenticator asked first.
 */
import { resolveOptions, type OptionsInput } from '@switchboard/shared';
import { AccountsModule } from './accounts/module.js';
import { AuthModule } from './auth/authenticator.js';
import { ClusterModule } from './cluster/index.js';
import type { BrokerModule, GatewayStatus } from './contracts/index.js';
import { Server, type ServerDeps } from './core/server.js';
import { SystemEvents } from './events/system.js';
import { GatewayModule } from './gateway/module.js';
import { MessageTools } from './messages/tools.js';
import { isOperatorMode, loadOperatorMode, validateOperatorMode } from './jwt/options.js';
import { OperatorModule } from './operator/module.js';
import { MonitorModule, type MonitoredServer } from './monitor/module.js';

export interface SwitchboardDeps extends ServerDeps {
  /** More modules, registered after the built-in ones (in this order). */
  modules?: BrokerModule[];
}

/** A server with its modules: what `createServer` returns. */
export class Switchboard extends Server implements MonitoredServer {
  readonly accountsModule: AccountsModule;
  /** Authentication and client TLS. */
  readonly auth: AuthModule;
  /** Monitoring records (closed connections, per-account counts, HTTP request counts). */
  readonly monitor: MonitorModule;
  /** The system account, $SYS events and the in-process $SYS API (subscribe, request). */
  readonly events: SystemEvents;
  /** Operator mode (JWT accounts and users); null when the options do not ask for it. */
  readonly operator: OperatorModule | null;
  /** Routes, when the options configure a cluster port; null otherwise. */
  readonly clusterModule: ClusterModule | null;
  /** Gateways (super clusters); its status is what /gatewayz and /varz show. */
  readonly gateway: GatewayModule;
  /** The console's message tools: publish, request and subscribe inside an account. */
  readonly messages: MessageTools;

  /** Use `createServer`. */
  constructor(input: OptionsInput = {}, deps: SwitchboardDeps = {}) {
    const [opts, serverDeps] = withOperatorSystemAccount(input, deps);
    super(opts, serverDeps);
    this.accountsModule = new AccountsModule(this);
    // nats-server's start checks (operator mode: resolver required, no config users, …).
    const startErrors = [...this.accountsModule.validate(this.opts), ...ClusterModule.check(this.opts), ...validateOperatorMode(this.opts)];
    if (startErrors.length > 0) throw new Error(startErrors.join('\n'));
    this.operator = isOperatorMode(this.opts) ? new OperatorModule(this) : null;
    // Throws (AuthConfigError, TlsConfigError) on settings nats-server refuses.
    this.auth = new AuthModule(this);
    this.monitor = new MonitorModule(this);
    this.clusterModule = ClusterModule.enabled(this.opts) ? new ClusterModule(this) : null;
    this.cluster = this.clusterModule;
    this.events = new SystemEvents(this);
    // Throws on a gateway block nats-server refuses (no name, no port, a remote without URL) or one with TLS.
    this.gateway = new GatewayModule(this);
    this.messages = new MessageTools(this);
    const op = this.operator !== null ? [this.operator] : [];
    const cluster = this.clusterModule === null ? [] : [this.clusterModule];
    for (const m of [this.accountsModule, ...op, this.auth, this.monitor, ...cluster, this.gateway, this.events, this.messages, ...(deps.modules ?? [])]) this.register(m);
    this.addAccountSource(this.accountsModule);
    if (this.operator !== null) {
      this.addAccountSource(this.operator.accounts);
      this.addAuthenticator(this.operator);
    }
    this.addAuthenticator(this.auth);
    this.refreshAccounts();
    this.rebuildInfo();
  }

  /** The gateway subsystem's status for monitoring; null without a gateway block. */
  get gateways(): GatewayStatus | null {
    return this.gateway.enabled ? this.gateway : null;
  }

  /** Starts listening; in operator mode a URL resolver must answer first (nats-server's start probe). */
  override async start(): Promise<void> {
    if (this.operator !== null) await this.operator.probeResolver();
    await super.start();
  }
}

/**
 * In operator mode the system account may come from the operator JWT only; it is laid over the
 * options (and the command-line overrides, so a reload derives the same) for the modules that
 * read `system_account`.
 */
function withOperatorSystemAccount(input: OptionsInput, deps: SwitchboardDeps): [OptionsInput, SwitchboardDeps] {
  let opts;
  try {
    opts = resolveOptions(input);
  } catch {
    return [input, deps];
  }
  if (!isOperatorMode(opts) || opts.systemAccount !== undefined) return [input, deps];
  let sys: string | undefined;
  try {
    sys = loadOperatorMode(opts).systemAccount;
  } catch {
    return [input, deps];
  }
  if (sys === undefined) return [input, deps];
  return [{ ...input, systemAccount: sys }, { ...deps, overrides: { ...(deps.overrides ?? {}), systemAccount: sys } }];
}

/**
 * A Switchboard server for `options` (nats-server's, as the config model), with its modules.
 * Throws when the options are unusable (invalid accounts rules, auth or TLS settings).
 */
export function createServer(options: OptionsInput = {}, deps: SwitchboardDeps = {}): Switchboard {
  return new Switchboard(options, deps);
}
