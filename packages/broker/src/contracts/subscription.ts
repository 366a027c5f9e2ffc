import type { ConnectionView } from './connection.js';

/**
 * Receives a message for an internal subscription (imports, the system account's handlers)
 * instead of a connection. `buf[start, end)` holds headers (first `hdr` bytes, -1 = none) and
 * payload. Returns whether the message was delivered onward.
 */
export type InternalHandler = (
  sub: Subscription,
  from: ConnectionView | null,
  subject: string,
  reply: string,
  hdr: number,
  buf: Buffer,
  start: number,
  end: number,
) => boolean;

/** One entry of an account's sublist: a connection's SUB, or an internal subscription. */
export interface Subscription {
  readonly subject: string;
  readonly queue: string | null;
  readonly sid: string;
  /** The connection that owns it; null for an internal subscription. */
  readonly conn: ConnectionView | null;
  /** Internal subscriptions: called instead of a delivery to a connection. */
  readonly handler: InternalHandler | null;
  /**
   * Whether other servers may learn of it (routes and gateways send `RS+`/`RS-`). True for
   * client subscriptions, stream-import forwarding, the exporter's `_R_.<prefix>.>` responses
   * and $SYS handlers; false for service-import subscriptions, which are served on the
   * requester's own server (advertising them would deliver twice).
   */
  readonly advertise: boolean;
  /** Passes messages on to another account (imports); skipped for a message that came through a stream import. */
  readonly forwards: boolean;
  /** Messages delivered so far. */
  readonly nm: number;
  /** Auto-unsubscribe after this many (0 = none). */
  readonly max: number;
  readonly closed: boolean;
}

/** An internal subscription to place in an account (`AccountRef.addInternalSub`). */
export interface InternalSubscriptionSpec {
  subject: string;
  queue?: string | null;
  /** Shown as the sid in /subsz. */
  sid: string;
  handler: InternalHandler;
  advertise: boolean;
  forwards?: boolean;
}
