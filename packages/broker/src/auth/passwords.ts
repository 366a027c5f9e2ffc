/**
 * Password and token checks (nats-server auth.go: isBcrypt, comparePasswords), with
 * constant-time comparison of plain secrets.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { isBcrypt } from '@switchboard/shared';
import { bcryptCompare } from './bcrypt-pool.js';

export { isBcrypt };

/** Equality of two secrets without an early exit: both are hashed to equal-length digests first. */
export function constantTimeEquals(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/*
 * bcrypt costs ~170 ms at cost 11. CONNECTs verify it in the worker pool (`comparePasswordsAsync`,
 * the connection's parsing waits meanwhile), so no client waits for another's check; reload
 * re-checks synchronously. Successful verifications are remembered, keyed by an HMAC (random
 * per-process key) of hash and password, so reconnects and reloads stay cheap. Only successes
 * are kept; a wrong password always pays the full bcrypt cost, as in nats-server.
 */
const CACHE_MAX = 1024;
const cacheKey = randomBytes(32);
const verified = new Set<string>();

function verifiedKey(hash: string, password: string): string {
  return createHmac('sha256', cacheKey).update(hash).update('\0').update(password).digest('base64');
}

function remember(key: string): void {
  if (verified.size >= CACHE_MAX) verified.clear();
  verified.add(key);
}

/** Checks a client-supplied secret against the configured one (plain or bcrypt), on this thread. */
export function comparePasswords(serverSecret: string, clientSecret: string | undefined): boolean {
  const given = clientSecret ?? '';
  if (!isBcrypt(serverSecret)) return constantTimeEquals(serverSecret, given);
  const key = verifiedKey(serverSecret, given);
  if (verified.has(key)) return true;
  let ok = false;
  try {
    ok = bcrypt.compareSync(given, serverSecret);
  } catch {
    ok = false;
  }
  if (ok) remember(key);
  return ok;
}

/**
 * As `comparePasswords`, but a bcrypt check that is not already known runs in the worker pool:
 * the result is then a Promise.
 */
export function comparePasswordsAsync(serverSecret: string, clientSecret: string | undefined): boolean | Promise<boolean> {
  const given = clientSecret ?? '';
  if (!isBcrypt(serverSecret)) return constantTimeEquals(serverSecret, given);
  const key = verifiedKey(serverSecret, given);
  if (verified.has(key)) return true;
  return bcryptCompare(given, serverSecret).then((ok) => {
    if (ok) remember(key);
    return ok;
  });
}

/** Default bcrypt cost of `nats server passwd`. */
export const BCRYPT_COST = 11;

/** A bcrypt hash in Go's `$2a$` flavour, as `nats server passwd` prints. */
export function hashPassword(password: string, cost = BCRYPT_COST): string {
  const salt = bcrypt.genSaltSync(cost).replace(/^\$2b\$/, '$2a$');
  return bcrypt.hashSync(password, salt);
}
