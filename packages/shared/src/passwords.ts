/** What a configured password looks like (nats-server auth.go: isBcrypt). */

const BCRYPT_PREFIX = /^\$2[abxy]\$\d{2}\$/;

/** A configured password or token is a bcrypt hash when it looks like one (`$2a$11$…`). */
export function isBcrypt(secret: string): boolean {
  return secret.startsWith('$') && BCRYPT_PREFIX.test(secret);
}
