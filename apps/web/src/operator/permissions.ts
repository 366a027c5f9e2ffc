/*
 * The text fields of a user's (or a scoped signing key's) permissions and limits, parsed into
 * the API's shape with a message naming the field; and a one-line summary for display. Pure
 * (unit tested); the server validates again and names the field in its 400.
 */
import { CONNECTION_TYPES, goDurationNanos, isCidr, isTimeZone, type UserPermissionLimits, type UserPermissionLimitsInput } from '@switchboard/shared';

export interface PermText {
  pubAllow: string;
  pubDeny: string;
  subAllow: string;
  subDeny: string;
  subs: string;
  payload: string;
  data: string;
  respMax: string;
  respTtl: string;
  src: string;
  times: string;
  locale: string;
  bearer: boolean;
  connectionTypes: string[];
}

export const emptyPermText = (): PermText => ({
  pubAllow: '',
  pubDeny: '',
  subAllow: '',
  subDeny: '',
  subs: '',
  payload: '',
  data: '',
  respMax: '',
  respTtl: '',
  src: '',
  times: '',
  locale: '',
  bearer: false,
  connectionTypes: [],
});

/** One entry a line (commas also separate); blanks dropped. */
export function entries(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export type ParsedPerm = { ok: true; value: UserPermissionLimitsInput } | { ok: false; error: string };

const limit = (t: string): number | undefined => {
  const v = t.trim().toLowerCase();
  if (v === '' || v === 'unlimited' || v === '-1') return -1;
  return /^\d+$/.test(v) ? Number(v) : undefined;
};

/** `08:00-17:00` or `08:00:00-17:00:00`, one window a line. */
export function parseTimes(text: string): { ok: true; value: { start: string; end: string }[] } | { ok: false; error: string } {
  const out: { start: string; end: string }[] = [];
  const norm = (t: string) => (/^\d{2}:\d{2}$/.test(t) ? `${t}:00` : t);
  for (const [i, line] of text.split('\n').entries()) {
    const t = line.trim();
    if (!t) continue;
    const m = /^(\d{2}:\d{2}(?::\d{2})?)\s*-\s*(\d{2}:\d{2}(?::\d{2})?)$/.exec(t);
    const ok = (s: string) => /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(s);
    if (!m || !ok(norm(m[1]!)) || !ok(norm(m[2]!))) return { ok: false, error: `line ${i + 1}: write a window as HH:MM-HH:MM (or HH:MM:SS-HH:MM:SS), e.g. 08:00-17:30` };
    out.push({ start: norm(m[1]!), end: norm(m[2]!) });
  }
  return { ok: true, value: out };
}

export function parsePermText(t: PermText): ParsedPerm {
  const subs = limit(t.subs);
  const payload = limit(t.payload);
  const data = limit(t.data);
  if (subs === undefined) return { ok: false, error: 'Max subscriptions: a whole number, or empty for unlimited' };
  if (payload === undefined) return { ok: false, error: 'Max payload: a whole number of bytes, or empty for unlimited' };
  if (data === undefined) return { ok: false, error: 'Max data: a whole number of bytes, or empty for unlimited' };
  const src = entries(t.src);
  const badSrc = src.find((s) => !isCidr(s));
  if (badSrc) return { ok: false, error: `Source networks: "${badSrc}" is not a network in CIDR notation (like 10.0.0.0/8 or 192.168.1.10/32)` };
  const times = parseTimes(t.times);
  if (!times.ok) return { ok: false, error: `Time windows, ${times.error}` };
  const locale = t.locale.trim();
  if (locale && !isTimeZone(locale)) return { ok: false, error: `Time zone: "${locale}" is not an IANA time zone (like UTC or Europe/Berlin)` };
  let resp: UserPermissionLimitsInput['resp'];
  if (t.respMax.trim() || t.respTtl.trim()) {
    const max = t.respMax.trim() ? Number(t.respMax.trim()) : 1;
    if (!Number.isInteger(max) || max < 1) return { ok: false, error: 'Reply messages: a whole number, at least 1' };
    const ttl = t.respTtl.trim();
    if (ttl && goDurationNanos(ttl) === undefined) return { ok: false, error: 'Reply window: a duration like 500ms, 30s, 2m or 1h' };
    resp = { max, ...(ttl ? { ttl } : {}) };
  }
  return {
    ok: true,
    value: {
      pubAllow: entries(t.pubAllow),
      pubDeny: entries(t.pubDeny),
      subAllow: entries(t.subAllow),
      subDeny: entries(t.subDeny),
      subs,
      payload,
      data,
      ...(resp ? { resp } : {}),
      src,
      times: times.value,
      ...(locale ? { locale } : {}),
      bearer: t.bearer,
      connectionTypes: t.connectionTypes.filter((c): c is (typeof CONNECTION_TYPES)[number] => (CONNECTION_TYPES as readonly string[]).includes(c)),
    },
  };
}

/** A short description of what a user (or a scope) may do. */
export function permSummary(p: Omit<UserPermissionLimits, 'pubAllow' | 'subAllow'> & { pubAllow?: string[]; subAllow?: string[] }): string {
  const parts: string[] = [];
  const list = (xs: string[] | undefined) => (xs && xs.length ? xs.join(', ') : undefined);
  if (list(p.pubAllow)) parts.push(`pub ${list(p.pubAllow)}`);
  if (list(p.pubDeny)) parts.push(`pub deny ${list(p.pubDeny)}`);
  if (list(p.subAllow)) parts.push(`sub ${list(p.subAllow)}`);
  if (list(p.subDeny)) parts.push(`sub deny ${list(p.subDeny)}`);
  if (p.subs !== -1) parts.push(`≤${p.subs} subs`);
  if (p.payload !== -1) parts.push(`payload ≤${p.payload} B`);
  if (p.data !== -1) parts.push(`data ≤${p.data} B`);
  if (p.resp) parts.push(`replies ${p.resp.max}${p.resp.ttl ? ` within ${p.resp.ttl}` : ''}`);
  if (p.src.length) parts.push(`from ${p.src.join(', ')}`);
  if (p.times.length) parts.push(`at ${p.times.map((t) => `${t.start}–${t.end}`).join(', ')}${p.locale ? ` ${p.locale}` : ''}`);
  if (p.bearer) parts.push('bearer');
  if (p.connectionTypes.length) parts.push(`via ${p.connectionTypes.join(', ')}`);
  return parts.join(' · ') || 'everything allowed';
}

/** The payload of an activation token (not verified: the server checks it), to fill in an import. */
export function activationOf(token: string): { account: string; subject: string; kind: 'stream' | 'service'; sub: string } | undefined {
  try {
    const part = token.trim().split('.')[1];
    if (!part) return undefined;
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const p = JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))) as { iss?: string; sub?: string; nats?: { subject?: string; kind?: string; type?: string; issuer_account?: string } };
    const kind = p.nats?.kind ?? (p.nats?.type === 'service' || p.nats?.type === 'stream' ? p.nats.type : undefined);
    if (!p.nats?.subject || (kind !== 'stream' && kind !== 'service')) return undefined;
    return { account: p.nats.issuer_account || p.iss || '', subject: p.nats.subject, kind, sub: p.sub ?? '' };
  } catch {
    return undefined;
  }
}
