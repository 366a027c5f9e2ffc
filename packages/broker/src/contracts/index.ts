/**
 * The contracts between the broker core and its modules: types only (plus one const enum).
 * Modules import these, never the core; the core implements them.
 */
export { ConnectionKind, type ConnectionView, type ClientView } from './connection.js';
export type { Subscription, InternalHandler, InternalSubscriptionSpec } from './subscription.js';
export type { AccountRef, AccountDefinition, AccountSource } from './account.js';
export type { ClientPermissions, ClientBinding, AuthResult, Authenticator } from './auth.js';
export type { ServerView, ServerStats } from './server.js';
export type { BrokerModule, ChangeSet, InterestChange } from './module.js';
