import type { Client } from './client.js';

/**
 * Receives a message for an internal subscription (service and stream imports, the system
 * account's handlers) instead of a socket. Returns whether the message was delivered onward.
 */
export type InternalHandler = (
  sub: Subscription,
  from: Client | null,
  subject: string,
  reply: string,
  hdr: number,
  buf: Buffer,
  start: number,
  end: number,
) => boolean;

/** One SUB of one connection, or an internal subscription with a handler. */
export class Subscription {
  /** Messages delivered so far. */
  nm = 0;
  /** Auto-unsubscribe after this many (0 = none). */
  max = 0;
  /** Set once removed, so deliveries racing a removal are dropped. */
  closed = false;
  /** Internal subscriptions: called instead of a client delivery (client is then null). */
  handler: InternalHandler | null = null;
  /** Set on import subscriptions, which pass messages on to another account. */
  forwards = false;

  constructor(
    readonly client: Client | null,
    readonly subject: string,
    readonly queue: string | null,
    readonly sid: string,
  ) {}

  static internal(subject: string, sid: string, handler: InternalHandler, queue: string | null = null, forwards = false): Subscription {
    const sub = new Subscription(null, subject, queue, sid);
    sub.handler = handler;
    sub.forwards = forwards;
    return sub;
  }
}
