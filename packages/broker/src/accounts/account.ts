import { Sublist } from '../subjects/sublist.js';
import type { Subscription } from '../server/subscription.js';

/** The global account every client without an account binding belongs to. */
export const GLOBAL_ACCOUNT = '$G';
/** Default name of the system account. */
export const SYSTEM_ACCOUNT = '$SYS';

/** An isolated subject space: its own sublist and its own clients. */
export class Account {
  readonly sublist = new Sublist<Subscription>();
  /** Number of client connections bound to this account (local). */
  numClients = 0;

  constructor(readonly name: string) {}
}
