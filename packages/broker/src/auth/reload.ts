/** Re-applying authentication on a configuration reload (nats-server reload.go: reloadAuthorization). */
import type { Options } from '@switchboard/shared';
import type { ReapplyResult, ServerAuth } from './authenticator.js';
import { buildAuthConfig } from './config.js';
import { buildTlsSetup } from './tls.js';

/** What a reload of auth needs of a server. */
export interface AuthReloadHost {
  readonly auth: ServerAuth;
  readonly opts: Options;
  rebuildInfo(): void;
}

/**
 * Problems that make `next` unusable for authentication (unknown no_auth_user, duplicate
 * users, unreadable TLS files…). Call while planning a reload: a non-empty list means refuse it.
 */
export function validateAuthOptions(next: Options): string[] {
  const errors: string[] = [];
  try {
    buildAuthConfig(next);
  } catch (e) {
    errors.push((e as Error).message);
  }
  if (next.tls !== undefined && (next.tls.certFile !== undefined || next.tls.keyFile !== undefined)) {
    try {
      buildTlsSetup(next.tls);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return errors;
}

/**
 * Applies new options to authentication and to every connected client: rebuilds users, nkeys,
 * TLS and configured accounts, refreshes INFO, then closes clients that no longer authenticate
 * and removes subscriptions that are no longer allowed. `next` defaults to the server's current
 * options (use after `server.opts` was replaced). Throws, changing nothing, if `next` is invalid.
 */
export function reloadAuthorization(server: AuthReloadHost, next: Options = server.opts): ReapplyResult {
  server.auth.configure(next);
  server.rebuildInfo();
  return server.auth.reapply();
}
