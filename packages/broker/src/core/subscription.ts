import type { ConnectionView, InternalHandler, Subscription } from '../contracts/index.js';

/**
 * The one subscription class: a connection's SUB, or an internal subscription with a handler.
 * (One class keeps the delivery loop monomorphic.)
 */
export class Sub implements Subscription {
  /** Messages delivered so far. */
  nm = 0;
  /** Auto-unsubscribe after this many (0 = none). */
  max = 0;
  /** Set once removed, so deliveries racing a removal are dropped. */
  closed = false;
  /** A remote queue subscription's weight (members on that server, from `RS+`); 1 for local ones. */
  qw = 1;

  constructor(
    readonly conn: ConnectionView | null,
    readonly subject: string,
    readonly queue: string | null,
    readonly sid: string,
    readonly handler: InternalHandler | null,
    readonly advertise: boolean,
    readonly forwards: boolean,
  ) {}
}
