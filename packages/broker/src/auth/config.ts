/**
 * The authentication model derived from Options (nats-server auth.go: configureAuthorization,
 * buildNkeysAndUsersFromOptions; opts.go: applyDefaultPermissions).
 */
import type { Options, Permissions, User } from '@switchboard/shared';
import { GLOBAL_ACCOUNT } from '../protocol/accounts.js';
import { isBcrypt } from './passwords.js';
import { normalizePermissions } from './permissions.js';

/** A configured user (by name or nkey) with its account and effective permissions. */
export interface AuthUser {
  name?: string;
  password?: string;
  nkey?: string;
  account: string;
  permissions?: Permissions;
  allowedConnectionTypes?: string[];
}

export interface AuthConfig {
  /** Clients must authenticate (INFO auth_required, CONNECT expected first). */
  required: boolean;
  /** Users by name (authorization.users and account users), or null when none are configured. */
  users: Map<string, AuthUser> | null;
  /** Nkey users by public key, or null. */
  nkeys: Map<string, AuthUser> | null;
  /** authorization.token. */
  token?: string;
  /** Single authorization.user / password. */
  user?: string;
  password?: string;
  noAuthUser?: string;
  /** A nonce goes into INFO (nkey users exist; later: operator mode). */
  nonce: boolean;
  /** Configured passwords that are not bcrypt hashes (for the startup warning). */
  plaintext: boolean;
}

export class AuthConfigError extends Error {}

/** Builds the auth model; throws AuthConfigError for settings nats-server refuses. */
export function buildAuthConfig(o: Options): AuthConfig {
  const auth = o.authorization;
  let users: Map<string, AuthUser> | null = null;
  let nkeys: Map<string, AuthUser> | null = null;
  let plaintext = auth?.password !== undefined && !isBcrypt(auth.password);

  const add = (u: User, account: string, defaults: Permissions | undefined) => {
    const entry: AuthUser = {
      account,
      permissions: normalizePermissions(u.permissions ?? defaults),
      allowedConnectionTypes: u.allowedConnectionTypes,
    };
    if (u.nkey !== undefined && u.nkey !== '') {
      entry.nkey = u.nkey;
      nkeys ??= new Map();
      if (nkeys.has(u.nkey)) throw new AuthConfigError(`Duplicate nkey "${u.nkey}" detected`);
      nkeys.set(u.nkey, entry);
    } else {
      entry.name = u.user ?? '';
      entry.password = u.password ?? '';
      if (!isBcrypt(entry.password)) plaintext = true;
      users ??= new Map();
      if (users.has(entry.name)) throw new AuthConfigError(`Duplicate user "${entry.name}" detected`);
      users.set(entry.name, entry);
    }
  };

  if (auth?.users !== undefined) {
    users ??= new Map();
    for (const u of auth.users) add(u, u.account ?? GLOBAL_ACCOUNT, auth.defaultPermissions);
  }
  for (const [name, acc] of Object.entries(o.accounts ?? {})) {
    for (const u of acc.users ?? []) add(u, name, acc.defaultPermissions);
  }
  const required = users !== null || nkeys !== null || !!auth?.user || !!auth?.token;
  if (o.noAuthUser !== undefined && o.noAuthUser !== '') {
    if (users === null) throw new AuthConfigError(`no_auth_user: "${o.noAuthUser}" present, but users are not defined`);
    if (!(users as Map<string, AuthUser>).has(o.noAuthUser)) {
      throw new AuthConfigError(`no_auth_user: "${o.noAuthUser}" not present as user in authorization block or account configuration`);
    }
  }
  return {
    required,
    users,
    nkeys,
    token: auth?.token || undefined,
    user: auth?.user || undefined,
    password: auth?.password,
    noAuthUser: o.noAuthUser || undefined,
    nonce: nkeys !== null && (nkeys as Map<string, AuthUser>).size > 0,
    plaintext,
  };
}
