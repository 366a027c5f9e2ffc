/*
 * What a role may see. The one place every /api response (a preSerialization hook of the API
 * plugin) and every live event (EventHub) passes through on its way to a browser.
 *
 * The rule: admins see everything — they edit the conf file, whose text holds the secrets anyway.
 * Viewers never see a secret: values under a secret key (password, token, seed, secret…), the
 * old/new values of a config change whose path ends in such a key, anything shaped like an nkey
 * seed or a bcrypt hash (also inside longer strings), and conf file text (`text` is left out; a
 * schema that requires it fills in '').
 */
import { isSecretKey, isSecretPath, REDACTED, scrubSecretValues, type Role } from '@switchboard/shared';

/** A config change (`{ path, kind, old?, new? }`) as the broker's diff makes them. */
function isChange(v: Record<string, unknown>): boolean {
  return typeof v.path === 'string' && typeof v.kind === 'string' && ('old' in v || 'new' in v);
}

/** A deep copy of `v` with every secret replaced (see the rule above). */
export function redactSecrets(v: unknown): unknown {
  if (typeof v === 'string') return scrubSecretValues(v);
  if (Array.isArray(v)) return v.map(redactSecrets);
  if (v === null || typeof v !== 'object') return v;
  const src = v as Record<string, unknown>;
  const secretChange = isChange(src) && isSecretPath(src.path as string);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(src)) {
    if (k === 'text' && typeof x === 'string') continue;
    let value: unknown;
    if (secretChange && (k === 'old' || k === 'new')) value = REDACTED;
    else if (isSecretKey(k) && x !== undefined && x !== null && typeof x !== 'object') value = REDACTED;
    else value = redactSecrets(x);
    // defineProperty: user data (an account named `__proto__`) stays an own key.
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The payload as `role` may see it (no role — not logged in — sees what a viewer sees). */
export function viewFor<T>(role: Role | null | undefined, payload: T): T {
  return role === 'admin' ? payload : (redactSecrets(payload) as T);
}
