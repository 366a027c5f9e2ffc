/*
 * The console's forms ↔ the JSON inside NATS JWTs, both ways, for what a user may do (a user
 * JWT's permissions and limits, a scoped signing key's template) and for account signing keys.
 * Key names are the Go jwt library's (nats-server reads those): `times_location` for the zone
 * of `times` (the JS library's type calls it `locale`, which nats-server would ignore), `resp.ttl`
 * in nanoseconds. Pure functions; no I/O.
 */
import type { User } from '@nats-io/jwt';
import { goDurationNanos, type ManagedAccount, type UserPermissionLimits } from '@switchboard/shared';

type Json = Record<string, unknown>;

const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const num = (v: unknown, dflt: number): number => (typeof v === 'number' ? v : dflt);

/** Nanoseconds as the shortest Go duration text (`1h30m`, `5s`, `250ms`). */
export function nanosText(ns: number): string {
  if (ns <= 0) return '0s';
  const units: Array<[string, number]> = [
    ['h', 3600e9],
    ['m', 60e9],
    ['s', 1e9],
    ['ms', 1e6],
    ['us', 1e3],
    ['ns', 1],
  ];
  let rest = ns;
  let out = '';
  for (const [u, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out;
}

/** The `nats` part of a user JWT (or a scope template) for the form's fields. */
export function userNatsFrom(p: UserPermissionLimits): Partial<User> & Json {
  const perm = (allow: string[], deny: string[]) => ({ ...(allow.length ? { allow } : {}), ...(deny.length ? { deny } : {}) });
  const n: Partial<User> & Json = { pub: perm(p.pubAllow, p.pubDeny), sub: perm(p.subAllow, p.subDeny), subs: p.subs, data: p.data, payload: p.payload };
  if (p.resp) n.resp = { max: p.resp.max, ttl: p.resp.ttl ? goDurationNanos(p.resp.ttl)! : 0 };
  if (p.src.length) n.src = p.src;
  if (p.times.length) n.times = p.times.map((t) => ({ start: t.start, end: t.end }));
  if (p.locale) n.times_location = p.locale;
  if (p.bearer) n.bearer_token = true;
  if (p.connectionTypes.length) n.allowed_connection_types = [...p.connectionTypes];
  return n;
}

/** The form's fields from the `nats` part of a user JWT or a scope template. */
export function userFormFrom(n: Json): UserPermissionLimits {
  const pub = (n.pub as Json | undefined) ?? {};
  const sub = (n.sub as Json | undefined) ?? {};
  const resp = n.resp as Json | undefined;
  const times = Array.isArray(n.times) ? (n.times as Json[]).map((t) => ({ start: String(t.start ?? ''), end: String(t.end ?? '') })) : [];
  const src = Array.isArray(n.src) ? strs(n.src) : typeof n.src === 'string' && n.src !== '' ? n.src.split(',').map((s) => s.trim()) : [];
  const locale = typeof n.times_location === 'string' && n.times_location !== '' ? n.times_location : undefined;
  const ttl = resp && typeof resp.ttl === 'number' && resp.ttl > 0 ? nanosText(resp.ttl) : undefined;
  return {
    pubAllow: strs(pub.allow),
    pubDeny: strs(pub.deny),
    subAllow: strs(sub.allow),
    subDeny: strs(sub.deny),
    subs: num(n.subs, -1),
    payload: num(n.payload, -1),
    data: num(n.data, -1),
    ...(resp ? { resp: { max: num(resp.max, 1), ...(ttl ? { ttl } : {}) } } : {}),
    src,
    times,
    ...(locale ? { locale } : {}),
    bearer: n.bearer_token === true,
    connectionTypes: strs(n.allowed_connection_types).filter((t): t is UserPermissionLimits['connectionTypes'][number] =>
      ['STANDARD', 'WEBSOCKET', 'LEAFNODE', 'LEAFNODE_WS', 'MQTT', 'MQTT_WS'].includes(t),
    ),
  };
}

/** Whether any permission or limit field of the form is set (scoped users must have none). */
export function setUserFields(p: UserPermissionLimits): string[] {
  const set: string[] = [];
  for (const k of ['pubAllow', 'pubDeny', 'subAllow', 'subDeny', 'src', 'times', 'connectionTypes'] as const) if (p[k].length) set.push(k);
  for (const k of ['subs', 'payload', 'data'] as const) if (p[k] !== -1) set.push(k);
  if (p.resp) set.push('resp');
  if (p.locale) set.push('locale');
  if (p.bearer) set.push('bearer');
  return set;
}

export type SigningKeyEntry = { key: string; role?: string; template?: UserPermissionLimits };

/** An account JWT's `signing_keys`: plain keys (strings) and scoped ones (`user_scope` objects). */
export function signingKeyEntries(nats: Json): SigningKeyEntry[] {
  const out: SigningKeyEntry[] = [];
  for (const k of (nats.signing_keys as unknown[] | undefined) ?? []) {
    if (typeof k === 'string') out.push({ key: k });
    else if (k && typeof k === 'object' && typeof (k as Json).key === 'string') {
      const s = k as Json;
      out.push({
        key: String(s.key),
        role: typeof s.role === 'string' ? s.role : '',
        template: userFormFrom((s.template as Json | undefined) ?? {}),
      });
    }
  }
  return out;
}

/** The scope object of a scoped account signing key, as nsc writes it (jwt v2 `UserScope`). */
export function scopeEntry(key: string, role: string, template: UserPermissionLimits): Json {
  return { kind: 'user_scope', key, role, template: userNatsFrom(template) };
}

export type ManagedSigningKey = ManagedAccount['signingKeys'][number];
