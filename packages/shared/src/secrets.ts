/*
 * What counts as a secret in a config model or conf passthrough block, for everything that shows
 * config values to people: the broker's reload log lines, the console's viewer responses.
 */

export const REDACTED = '[REDACTED]';

/** Keys whose values are secrets, in the model (camelCase) and in conf passthrough (snake_case). */
const SECRET_KEY = /^(pass|password|.*token|.*seed|.*secret|private_?key)$/i;
/** An nkey seed (S + key type + base32) and a bcrypt hash, anywhere in a string. */
const SECRET_VALUES = [/\bS[UAONCXP][A-Z2-7]{56}\b/g, /\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}/g];

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Whether the last segment of a dotted model path (`authorization.password`) is a secret key. */
export function isSecretPath(path: string): boolean {
  return isSecretKey(path.slice(path.lastIndexOf('.') + 1));
}

/** `s` with nkey seeds and bcrypt hashes replaced. */
export function scrubSecretValues(s: string): string {
  let out = s;
  for (const re of SECRET_VALUES) out = out.replace(re, REDACTED);
  return out;
}

/** A deep copy of `v` with the values of secret keys replaced and seeds/hashes scrubbed from strings. */
export function hideSecrets(v: unknown): unknown {
  if (typeof v === 'string') return scrubSecretValues(v);
  if (Array.isArray(v)) return v.map(hideSecrets);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const value = isSecretKey(k) && x !== null && x !== undefined && typeof x !== 'object' ? REDACTED : hideSecrets(x);
    // defineProperty: user data (an account named `__proto__`) stays an own key.
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
