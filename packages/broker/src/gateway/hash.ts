import { createHash } from 'node:crypto';

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `size` base62 characters from SHA-256 of `name` (nats-server getHashSize): cluster and server hashes of `_GR_.` replies. */
export function gwHash(name: string, size = 6): string {
  const b = createHash('sha256').update(name).digest();
  let s = '';
  for (let i = 0; i < size; i++) s += DIGITS[b[i] % 62];
  return s;
}

/** The first 4 hex characters of SHA-256 of `name`: the legacy `$GR.<hash>.` reply prefix. */
export function gwOldHash(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 4);
}

export const GW_REPLY_PREFIX = '_GR_.';
/** `_GR_.` + cluster hash + `.` + server hash + `.` */
export const GW_SUBJECT_OFFSET = 5 + 6 + 1 + 6 + 1;
export const OLD_GW_REPLY_PREFIX = '$GR.';
export const OLD_GW_SUBJECT_OFFSET = 4 + 5;

/** A `_GR_.<cluster>.<server>.<subject>` subject (long enough to hold the hashes and a subject). */
export function isGwRoutedReply(s: string): boolean {
  return s.length > GW_SUBJECT_OFFSET && s.startsWith(GW_REPLY_PREFIX);
}

export function isOldGwRoutedReply(s: string): boolean {
  return s.length > OLD_GW_SUBJECT_OFFSET && s.startsWith(OLD_GW_REPLY_PREFIX);
}
