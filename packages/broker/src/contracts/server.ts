import type { Options } from '@switchboard/shared';
import type { Logger } from '../log/logger.js';
import type { AccountRef } from './account.js';
import type { ClientView, ConnectionView } from './connection.js';

export interface ServerStats {
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  slowConsumers: number;
  totalConnections: number;
}

/** The server as modules see it: what monitoring and events read, and the few things they may ask. */
export interface ServerView {
  readonly serverId: string;
  /** server_name, or the id. */
  readonly name: string;
  readonly opts: Options;
  readonly logger: Logger;
  /** The bound client port (after start). */
  readonly port: number;
  readonly startTime: Date;
  readonly configLoadTime: Date;
  readonly isRunning: boolean;
  /** Totals of closed connections (open ones count their own). */
  readonly stats: Readonly<ServerStats>;
  readonly clients: ReadonlyMap<number, ClientView>;
  readonly accounts: ReadonlyMap<string, AccountRef>;
  readonly globalAccount: AccountRef;
  /** Whether clients must authenticate (any authenticator requires it). */
  authRequired(): boolean;
  authTimeoutSeconds(): number;
  /** Finds or creates an account. */
  getOrCreateAccount(name: string): AccountRef;
  /** Re-reads every account source and rebuilds exports and imports. */
  refreshAccounts(): void;
  /** Rebuilds the INFO every client gets (after auth or TLS settings changed). */
  rebuildInfo(): void;
  /**
   * Delivers a message published in `account` (by `from`, null for the server's own) to every
   * matching subscription; with `noForward`, import subscriptions are skipped. Returns whether
   * anything received it.
   */
  deliverMessage(from: ConnectionView | null, account: AccountRef, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number, noForward?: boolean): boolean;
}
