import type { Socket } from 'node:net';
import type { ConnectOptions } from '../protocol/connect.js';
import type { ClosedReason } from '../protocol/errors.js';
import type { AccountRef } from './account.js';
import type { ClientBinding, ClientPermissions } from './auth.js';
import type { Subscription } from './subscription.js';

/**
 * What a connection speaks (nats-server's client kinds). Each kind is the connection base plus
 * its own op table and handlers; only CLIENT exists so far.
 */
export type ConnectionKind = 'CLIENT' | 'ROUTER' | 'GATEWAY' | 'LEAF';

/** Any connection, as the rest of the broker sees it. */
export interface ConnectionView {
  readonly kind: ConnectionKind;
  readonly cid: number;
  readonly host: string;
  readonly port: number;
  readonly start: Date;
  /** `host:port - cid:N` (and more once known), the prefix of its log lines. */
  readonly label: string;
  readonly inMsgs: number;
  readonly outMsgs: number;
  readonly inBytes: number;
  readonly outBytes: number;
  /** Last inbound activity (ms since the epoch). */
  readonly lastActivity: number;
  /** Round-trip time in ms (0 until measured). */
  readonly rtt: number;
  /** Bytes waiting to reach the peer. */
  readonly pendingBytes: number;
  readonly closed: boolean;
  readonly closeReason: ClosedReason | undefined;
  readonly stop: Date | undefined;
  close(reason: ClosedReason): void;
}

/** A client connection, as modules (auth, events, monitor) see and steer it. */
export interface ClientView extends ConnectionView {
  readonly kind: 'CLIENT';
  /** The socket in use (the TLS socket once client TLS took over). */
  readonly socket: Socket;
  /** What the client sent in CONNECT (nats-server's defaults before). */
  readonly opts: ConnectOptions;
  readonly connectReceived: boolean;
  readonly account: AccountRef;
  readonly perms: ClientPermissions | null;
  /** Authenticated user name or nkey, for monitoring. */
  readonly user: string | undefined;
  readonly subs: ReadonlyMap<string, Subscription>;
  /** Binds account, permissions and user (authentication, and again on an auth reload). */
  bind(binding: ClientBinding): void;
  /** `-ERR 'Authorization Violation'` and close. */
  authViolation(): void;
  sendErr(text: string): void;
  unsubscribe(sub: Subscription): void;
  /** `User "<name>"` as nats-server writes it in violation logs. */
  userLabel(): string;
}
