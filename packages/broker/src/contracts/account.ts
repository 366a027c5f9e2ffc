import type { Export, Import } from '@switchboard/shared';
import type { ReadonlySublist } from '../subjects/sublist.js';
import type { InternalSubscriptionSpec, Subscription } from './subscription.js';

/** An account as modules see it: its subject space (read-only) and the one way to add interest. */
export interface AccountRef {
  readonly name: string;
  readonly sublist: ReadonlySublist<Subscription>;
  /** Client connections bound to it. */
  readonly numClients: number;
  /**
   * Places an internal subscription. Like every sublist change it passes the interest seam
   * (`BrokerModule.interestChanged`).
   */
  addInternalSub(spec: InternalSubscriptionSpec): Subscription;
  /** Removes a subscription placed with addInternalSub (again through the interest seam). */
  removeSub(sub: Subscription): void;
}

/** What defines an account beyond its name: its exports and imports (later: limits). */
export interface AccountDefinition {
  readonly name: string;
  readonly exports: readonly Export[];
  readonly imports: readonly Import[];
}

/**
 * Where the core gets account definitions. Today the config file (the accounts module); a JWT
 * resolver will be another source, resolving accounts on demand (so `lookup` may be async).
 */
export interface AccountSource {
  /** The accounts this source defines now; applied at start and on `ServerView.refreshAccounts()`. */
  definitions(): Iterable<AccountDefinition>;
  /** One account by name, for sources that resolve on demand; undefined when unknown. */
  lookup?(name: string): AccountDefinition | undefined | Promise<AccountDefinition | undefined>;
}
