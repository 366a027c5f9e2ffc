/**
 * The contracts between the broker core and its modules: types only. Modules import these,
 * never the core; the core implements them.
 */
export type { ConnectionKind, ConnectionView, ClientView } from './connection.js';
export type { Subscription, InternalHandler, InternalSubscriptionSpec } from './subscription.js';
export type { AccountRef, AccountDefinition, AccountSource } from './account.js';
export type { ClientPermissions, ClientBinding, AuthResult, Authenticator } from './auth.js';
export type { ServerView, ServerStats } from './server.js';
export type { BrokerModule, ChangeSet, InterestChange } from './module.js';
