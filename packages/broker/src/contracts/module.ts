import type { Options } from '@switchboard/shared';
import type { Change } from '../config/diff.js';
import type { AccountRef } from './account.js';
import type { ClientView } from './connection.js';
import type { Subscription } from './subscription.js';

/** What a reload changed, for the modules whose keys it touches. */
export interface ChangeSet {
  readonly prev: Options;
  readonly next: Options;
  readonly changes: readonly Change[];
  /** Whether any change is at one of these top-level option keys (or below it). */
  touches(...keys: string[]): boolean;
}

/** One sublist insert or remove. */
export interface InterestChange {
  readonly account: AccountRef;
  readonly sub: Subscription;
  readonly added: boolean;
}

/**
 * A subsystem plugged into the core by the composition root (auth, accounts, monitor, events;
 * later routes, gateways, a JWT resolver). Every hook is optional; modules are called in
 * registration order, which `createServer` fixes and documents.
 */
export interface BrokerModule {
  readonly name: string;
  /** Top-level option keys this module applies on reload; `reload` runs only when one changed. */
  readonly reloadKeys?: readonly (keyof Options)[];
  /** Problems that make `next` unusable for this module (checked at construction and before a reload). */
  validate?(next: Options): string[];
  /** The server is listening (before `Server is ready`). */
  start?(): void;
  /** The server is shutting down (before connections are closed). */
  shutdown?(): void;
  reload?(changes: ChangeSet): void;
  /** A client's CONNECT was accepted. */
  clientConnected?(client: ClientView): void;
  /** A client closed (once per connection, whether or not it had connected). */
  clientClosed?(client: ClientView): void;
  /** A CONNECT was refused by authentication. */
  clientAuthFailed?(client: ClientView): void;
  /** A subscription was added to or removed from an account's sublist; internal ones included. */
  interestChanged?(change: InterestChange): void;
}
