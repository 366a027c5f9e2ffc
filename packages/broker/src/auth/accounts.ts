/** Accounts that users are bound to must exist before the first CONNECT (nats-server configureAccounts). */
import type { Options } from '@switchboard/shared';
import type { Account } from '../accounts/account.js';

/** What this needs of a server: its account map and the one way accounts get created. */
export interface AccountHost {
  readonly accounts: Map<string, Account>;
  getOrCreateAccount(name: string): Account;
}

/**
 * Makes sure every configured account exists (existing ones keep their sublist and clients).
 * Accounts are never dropped here: on reload, clients whose user left an account are closed
 * by the auth reload, and the accounts engine owns the rest of an account's life.
 */
export function configureAccounts(host: AccountHost, opts: Pick<Options, 'accounts'>): void {
  for (const name of Object.keys(opts.accounts ?? {})) host.getOrCreateAccount(name);
}
