/*
 * Credentials made in the browser, as the CLI makes them (`switchboard passwd`,
 * `switchboard nk -gen user`): bcrypt hashes of passwords (cost 11, Go's `$2a$` form, which
 * nats-server and Switchboard both check), and user nkey pairs of which only the public key goes
 * into the config. The libraries load on first use, so that the dashboard's first load stays lean.
 */
import { isBcrypt } from '@switchboard/shared';
import type { AccountForm, UserForm } from './form';

export { isBcrypt };
export const BCRYPT_COST = 11;

/** A bcrypt hash of `password` in the `$2a$` form (bcryptjs makes `$2b$`: same algorithm). */
export async function hashPassword(password: string, cost = BCRYPT_COST): Promise<string> {
  const { default: bcrypt } = await import('bcryptjs');
  const salt = (await bcrypt.genSalt(cost)).replace(/^\$2b\$/, '$2a$');
  return bcrypt.hash(password, salt);
}

/** Whether saving this user hashes its password: bcrypt is chosen and the value is not a hash yet. */
export function needsHash(u: Pick<UserForm, 'auth' | 'store' | 'password'>): boolean {
  return u.auth === 'password' && u.store === 'bcrypt' && u.password !== '' && !isBcrypt(u.password);
}

/** The form with each password that `needsHash` replaced by its hash (the others unchanged). */
export async function hashFormPasswords(form: AccountForm, hash: (pw: string) => Promise<string> = hashPassword): Promise<AccountForm> {
  const users = await Promise.all(form.users.map(async (u) => (needsHash(u) ? { ...u, password: await hash(u.password) } : u)));
  return { ...form, users };
}

export interface UserKeyPair {
  /** The public key (U…, 56 characters): what the config keeps. */
  publicKey: string;
  /** The seed (SU…): the user's secret, shown once and kept nowhere. */
  seed: string;
}

/** A new user nkey pair (Ed25519), as `nk -gen user -pubout` prints it. */
export async function generateUserKeyPair(): Promise<UserKeyPair> {
  const { createUser } = await import('@nats-io/nkeys');
  const kp = createUser();
  try {
    return { publicKey: kp.getPublicKey(), seed: new TextDecoder().decode(kp.getSeed()) };
  } finally {
    kp.clear();
  }
}
