/** `authorization` blocks, users and permissions (nats-server `parseAuthorization`, `parseUsers`, `parseUserPermissions`). */
import { isValidSubject, type Authorization, type Permissions, type ResponsePermission, type SimpleAuthorization, type SubjectPermission, type User } from '@switchboard/shared';
import { parseDurationMs } from './duration.js';
import { each, typeName, validPublicKey, type Mapper } from './model-mapper.js';
import type { ConfEntry, ConfNode, Pos } from './parser.js';

// -- permissions -------------------------------------------------------------------------------

function parseSubjects(mp: Mapper, node: ConfNode, pos: Pos, key: string): string[] | undefined {
  const list = mp.strings({ node, pos, key });
  if (!list) return undefined;
  for (const s of list) {
    if (isValidSubject(s)) continue;
    const parts = s.trim().split(/\s+/);
    if (parts.length !== 2) {
      mp.error(pos, `subject "${s}" is not a valid subject`);
      return undefined;
    }
    if (!isValidSubject(parts[0]!)) {
      mp.error(pos, `subject "${parts[0]}" is not a valid subject`);
      return undefined;
    }
  }
  return list;
}

function parseSubjectPermission(mp: Mapper, e: ConfEntry): SubjectPermission | undefined {
  const v = e.value;
  if (v.type !== 'map') {
    const allow = parseSubjects(mp, v, e.keyPos, e.key);
    return allow ? { allow } : undefined;
  }
  if (v.entries.size === 0) return undefined;
  const p: SubjectPermission = {};
  each(v, (k, se) => {
    if (k === 'allow') {
      const s = parseSubjects(mp, se.value, se.keyPos, se.key);
      if (s) p.allow = s;
    } else if (k === 'deny') {
      const s = parseSubjects(mp, se.value, se.keyPos, se.key);
      if (s) p.deny = s;
    } else {
      mp.unknown(se, `Unknown field name "${se.key}" parsing subject permissions, only 'allow' or 'deny' are permitted`);
    }
  });
  return p;
}

function parseAllowResponses(mp: Mapper, e: ConfEntry): ResponsePermission | undefined {
  const v = e.value;
  const rp: ResponsePermission = { maxMsgs: 1, expires: 2 * 60 * 1000 };
  if (v.type === 'bool') return v.value ? rp : undefined;
  if (v.type !== 'map') {
    mp.error(e.keyPos, 'error parsing response permissions, expected a boolean or a map');
    return undefined;
  }
  each(v, (k, re) => {
    if (['max', 'max_msgs', 'max_messages', 'max_responses'].includes(k)) {
      const n = mp.int(re);
      if (n !== undefined && n !== 0) rp.maxMsgs = n;
    } else if (['expires', 'expiration', 'ttl'].includes(k)) {
      if (re.value.type !== 'string') {
        mp.error(re.keyPos, 'error parsing expires, not a duration string');
        return;
      }
      const d = parseDurationMs(re.value.value as string);
      if ('error' in d) mp.error(re.keyPos, `error parsing expires: ${d.error}`);
      else if (d.ms !== 0) rp.expires = d.ms;
    } else mp.unknown(re, `Unknown field "${re.key}" parsing permissions`);
  });
  return rp;
}

export function parsePermissions(mp: Mapper, e: ConfEntry): Permissions | undefined {
  if (e.value.type !== 'map') {
    mp.error(e.keyPos, `Expected permissions to be a map/struct, got ${typeName(e.value)}`);
    return undefined;
  }
  const p: Permissions = {};
  each(e.value, (k, pe) => {
    if (k === 'pub' || k === 'publish' || k === 'import') {
      const s = parseSubjectPermission(mp, pe);
      if (s) p.publish = s;
    } else if (k === 'sub' || k === 'subscribe' || k === 'export') {
      const s = parseSubjectPermission(mp, pe);
      if (s) p.subscribe = s;
    } else if (k === 'publish_allow_responses' || k === 'allow_responses') {
      const r = parseAllowResponses(mp, pe);
      if (r) p.allowResponses = r;
    } else mp.unknown(pe, `Unknown field "${pe.key}" parsing permissions`);
  });
  return p;
}

// -- users and authorization -------------------------------------------------------------------

const CONNECTION_TYPES = new Set(['STANDARD', 'WEBSOCKET', 'LEAFNODE', 'MQTT']);

export function parseUsers(mp: Mapper, e: ConfEntry): User[] | undefined {
  if (e.value.type !== 'array') {
    mp.error(e.keyPos, `Expected users field to be an array, got ${typeName(e.value)}`);
    return undefined;
  }
  const users: User[] = [];
  for (const item of e.value.items) {
    if (item.type !== 'map') {
      mp.error(item.pos, `Expected user entry to be a map/struct, got ${typeName(item)}`);
      continue;
    }
    const u: User = {};
    each(item, (k, ue) => {
      if (k === 'nkey') u.nkey = mp.str(ue);
      else if (k === 'user' || k === 'username') u.user = mp.str(ue);
      else if (k === 'pass' || k === 'password') u.password = mp.str(ue);
      else if (k === 'permission' || k === 'permissions' || k === 'authorization') {
        const p = parsePermissions(mp, ue);
        if (p) u.permissions = p;
      } else if (k === 'allowed_connection_types' || k === 'connection_types' || k === 'clients') {
        const list = mp.strings(ue);
        if (!list) return;
        const bad = list.filter((t) => !CONNECTION_TYPES.has(t.toUpperCase()));
        if (bad.length) mp.error(ue.keyPos, `invalid connection types [${bad.map((b) => `"${b}"`).join(' ')}]`);
        else u.allowedConnectionTypes = list.map((t) => t.toUpperCase()) as User['allowedConnectionTypes'];
      } else mp.unknown(ue);
    });
    for (const key of Object.keys(u) as (keyof User)[]) if (u[key] === undefined) delete u[key];
    if (!u.nkey && !u.user) {
      mp.error(item.pos, 'User entry requires a user');
      continue;
    }
    if (u.nkey) {
      if (!validPublicKey(u.nkey, 'U')) {
        mp.error(item.pos, 'Not a valid public nkey for a user');
        continue;
      }
      if (u.user || u.password) {
        mp.error(item.pos, 'Nkey users do not take usernames or passwords');
        continue;
      }
    }
    users.push(u);
  }
  return users;
}

export function parseAuthorization(mp: Mapper, e: ConfEntry): { auth: Authorization; timeout?: number } | undefined {
  const m = mp.map(e, 'authorization');
  if (!m) return undefined;
  const auth: Authorization = {};
  let timeout: number | undefined;
  each(m, (k, ae) => {
    if (k === 'user' || k === 'username') auth.user = mp.str(ae);
    else if (k === 'pass' || k === 'password') auth.password = mp.str(ae);
    else if (k === 'token') auth.token = mp.str(ae);
    else if (k === 'timeout') {
      // nats-server silently takes 1s for a timeout that is not a number.
      timeout = ae.value.type === 'integer' || ae.value.type === 'float' ? (ae.value.value as number) : 1;
    } else if (k === 'users') {
      const u = parseUsers(mp, ae);
      if (u) auth.users = u;
    } else if (k === 'default_permission' || k === 'default_permissions' || k === 'permissions') {
      const p = parsePermissions(mp, ae);
      if (p) auth.defaultPermissions = p;
    } else mp.unknown(ae);
  });
  for (const key of Object.keys(auth) as (keyof Authorization)[]) if (auth[key] === undefined) delete auth[key];
  return { auth, timeout };
}

export function parseSimpleAuth(mp: Mapper, e: ConfEntry, what: 'Cluster' | 'Gateway'): SimpleAuthorization | undefined {
  const r = parseAuthorization(mp, e);
  if (!r) return undefined;
  if (r.auth.users) {
    mp.error(e.keyPos, `${what} authorization does not allow multiple users`);
    return undefined;
  }
  if (r.auth.token !== undefined) {
    mp.error(e.keyPos, `${what} authorization does not support tokens`);
    return undefined;
  }
  const out: SimpleAuthorization = {};
  if (r.auth.user !== undefined) out.user = r.auth.user;
  if (r.auth.password !== undefined) out.password = r.auth.password;
  if (r.timeout !== undefined) out.timeout = r.timeout;
  return out;
}
