/**
 * The composition root: the one place that wires the core and the modules. Everything outside
 * the broker package gets a server from `createServer`.
 *
 * Module order is part of the design (hooks run in this order, shutdown in reverse):
 *   1. accounts — the config's account definitions; on reload the registry is rebuilt first,
 *      so later modules see new accounts;
 *   2. auth     — the config's users, nkeys, tokens and client TLS; re-checks clients after the
 *      accounts exist;
 *   3. monitor  — closed-connection and per-account records, before events reads them;
 *   4. cluster  — routes (only when a cluster port is configured); before events, so events
 *      shuts down first and its SHUTDOWN still crosses the routes;
 *   5. gateway  — links to other clusters (super clusters): watches the interest seam, and
 *      forwards messages that entered here through the core's `Delivery.forwarder`; it shuts
 *      down after events, so the SHUTDOWN event still reaches the other clusters;
 *   6. events   — the system account and $SYS; shuts down first, so SHUTDOWN is the last event;
 *   7. the caller's extra modules (`deps.modules`), e.g. a test probe.
 * A JWT resolver will register as an account source and as an authenticator asked before auth.
 */
import type { OptionsInput } from '@switchboard/shared';
import { AccountsModule } from './accounts/module.js';
import { AuthModule } from './auth/authenticator.js';
import { ClusterModule } from './cluster/index.js';
import type { BrokerModule, GatewayStatus } from './contracts/index.js';
import { Server, type ServerDeps } from './core/server.js';
import { SystemEvents } from './events/system.js';
import { GatewayModule } from './gateway/module.js';
import { operatorModeStartErrors } from './jwt/options.js';
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
  /** Routes, when the options configure a cluster port; null otherwise. */
  readonly clusterModule: ClusterModule | null;
  /** Gateways (super clusters); its status is what /gatewayz and /varz show. */
  readonly gateway: GatewayModule;

  /** Use `createServer`. */
  constructor(input: OptionsInput = {}, deps: SwitchboardDeps = {}) {
    super(input, deps);
    this.accountsModule = new AccountsModule(this);
    // Operator mode (JWT) is refused until it is wired in: nats-server's start checks, then the refusal.
    const startErrors = [...this.accountsModule.validate(this.opts), ...ClusterModule.check(this.opts), ...operatorModeStartErrors(this.opts)];
    if (startErrors.length > 0) throw new Error(startErrors.join('\n'));
    // Throws (AuthConfigError, TlsConfigError) on settings nats-server refuses.
    this.auth = new AuthModule(this);
    this.monitor = new MonitorModule(this);
    this.clusterModule = ClusterModule.enabled(this.opts) ? new ClusterModule(this) : null;
    this.cluster = this.clusterModule;
    this.events = new SystemEvents(this);
    // Throws on a gateway block nats-server refuses (no name, no port, a remote without URL) or one with TLS.
    this.gateway = new GatewayModule(this);
    const cluster = this.clusterModule === null ? [] : [this.clusterModule];
    for (const m of [this.accountsModule, this.auth, this.monitor, ...cluster, this.gateway, this.events, ...(deps.modules ?? [])]) this.register(m);
    this.addAccountSource(this.accountsModule);
    this.addAuthenticator(this.auth);
    this.refreshAccounts();
    this.rebuildInfo();
  }

  /** The gateway subsystem's status for monitoring; null without a gateway block. */
  get gateways(): GatewayStatus | null {
    return this.gateway.enabled ? this.gateway : null;
  }
}

/**
 * A Switchboard server for `options` (nats-server's, as the config model), with its modules.
 * Throws when the options are unusable (invalid accounts rules, auth or TLS settings).
 */
export function createServer(options: OptionsInput = {}, deps: SwitchboardDeps = {}): Switchboard {
  return new Switchboard(options, deps);
}
