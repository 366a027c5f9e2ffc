/**
 * Per-account interest state of a gateway connection (nats-server gateway.go `outsie`/`insie`).
 *
 * Outbound side (we send messages, the peer tells us what it wants): in optimistic mode we send
 * everything except subjects the peer answered with `RS-` (`ni`), or nothing for an account it
 * answered with `A-` (a null entry); queue interest is always explicit (`RS+ acc subj queue w`).
 * After the peer's "all subs start" command RS+/RS- fill the sublist; after "complete" `ni` is
 * dropped and only the sublist counts (interest-only).
 *
 * Inbound side (the peer sends, we tell it what we want): the RS- we sent per subject (`ni`),
 * or a null entry for an A-; interest-only once we sent all our subscriptions.
 */
import { Sublist } from '../subjects/sublist.js';

export type InterestMode = 'Optimistic' | 'Transitioning' | 'Interest-Only';

/** A subscription a peer announced with RS+ (kept only in the connection's per-account sublist). */
export class RemoteSub {
  constructor(
    readonly subject: string,
    readonly queue: string | null,
    public weight: number,
  ) {}
}

/** What the peer (receiving our messages) told us about one account. */
export class OutInterest {
  mode: InterestMode = 'Optimistic';
  /** Subjects the peer has no interest in (RS-); null once interest-only. */
  ni: Set<string> | null = new Set();
  readonly sl = new Sublist<RemoteSub>({ cache: true });
  qsubs = 0;
}

/** What we told the peer (sending us messages) about one account. */
export class InInterest {
  /** Subjects we sent RS- for (optimistic mode); null in or on the way to interest-only. */
  ni: Set<string> | null;
  mode: InterestMode = 'Optimistic';

  constructor(ni: Set<string> | null) {
    this.ni = ni;
  }
}
