/**
 * The accounts module: the config file's `accounts` block as an account source. It checks the
 * block's exports and imports before a configuration is used, hands the definitions to the
 * core's account registry, and has the registry rebuild them when the block changes on reload.
 */
import type { Options } from '@switchboard/shared';
import { validateAccountRules } from '../config/account-rules.js';
import type { AccountDefinition, AccountSource, BrokerModule, ServerView } from '../contracts/index.js';

export class AccountsModule implements BrokerModule, AccountSource {
  readonly name = 'accounts';
  readonly reloadKeys = ['accounts'] as const;

  constructor(private readonly server: ServerView) {}

  validate(next: Options): string[] {
    return validateAccountRules(next);
  }

  definitions(): AccountDefinition[] {
    return Object.entries(this.server.opts.accounts ?? {}).map(([name, a]) => ({ name, exports: a.exports ?? [], imports: a.imports ?? [] }));
  }

  reload(): void {
    this.server.refreshAccounts();
  }
}
