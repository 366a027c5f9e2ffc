/*
 * What a role may see. The one place every /api response (a preSerialization hook of the API
 * plugin) and every live event (EventHub) passes through on its way to a browser.
 *
 * The rule: admins see everything — they edit the conf file, whose text holds the secrets anyway.
 * Viewers never see a secret: values under a secret key (password, token, seed, secret…), the
 * old/new values of a config change whose path ends in such a key, anything shaped like an nkey
 * seed or a bcrypt hash (also inside longer strings), and conf file text (`text`, shown as '').
 */
import type { Role } from '@switchboard/shared';

export const REDACTED = '[REDACTED]';

/** Keys whose values are secrets, in the model (camelCase) and in conf passthrough (snake_case). */
const SECRET_KEY = /^(pass|password|.*token|.*seed|.*secret|private_?key|credentials_?text)$/i;
/** An nkey seed (S + type + base32) and a bcrypt hash, anywhere in a string. */
const SECRET_VALUES = [/\bS[UAONCXP][A-Z2-7]{56}\b/g, /\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}/g];

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function isSecretPath(path: string): boolean {
  const last = path.split('.').pop() ?? '';
  return isSecretKey(last);
}

function scrubString(s: string): string {
  let out = s;
  for (const re of SECRET_VALUES) out = out.replace(re, REDACTED);
  return out;
}

/** A config change (`{ path, kind, old?, new? }`) as the broker's diff makes them. */
function isChange(v: Record<string, unknown>): boolean {
  return typeof v.path === 'string' && typeof v.kind === 'string' && ('old' in v || 'new' in v);
}

/** A deep copy of `v` with every secret replaced (see the rule above). */
export function redactSecrets(v: unknown): unknown {
  if (typeof v === 'string') return scrubString(v);
  if (Array.isArray(v)) return v.map(redactSecrets);
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return v;
  const src = v as Record<string, unknown>;
  const secretChange = isChange(src) && isSecretPath(src.path as string);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(src)) {
    let value: unknown;
    if ((secretChange && (k === 'old' || k === 'new')) || (isSecretKey(k) && x !== undefined && x !== null && typeof x !== 'object')) value = REDACTED;
    else if (k === 'text' && typeof x === 'string') value = '';
    else value = redactSecrets(x);
    // defineProperty: user data (account names like `__proto__`) stays an own key.
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The payload as `role` may see it (null role: not logged in, treated as a viewer). */
export function viewFor<T>(role: Role | null | undefined, payload: T): T {
  return role === 'admin' ? payload : (redactSecrets(payload) as T);
}
