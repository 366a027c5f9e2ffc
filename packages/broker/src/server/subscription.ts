import type { Client } from './client.js';

/** One SUB of one connection. */
export class Subscription {
  /** Messages delivered so far. */
  nm = 0;
  /** Auto-unsubscribe after this many (0 = none). */
  max = 0;
  /** Set once removed, so deliveries racing a removal are dropped. */
  closed = false;

  constructor(
    readonly client: Client,
    readonly subject: string,
    readonly queue: string | null,
    readonly sid: string,
  ) {}
}
