/**
 * Operator mode keys (nats-server 2.9.10 `processConfigFileLine`): `operator` (and its aliases),
 * `trusted`, `resolver`, `resolver_tls`, `resolver_preload` and `resolver_pinned_accounts`,
 * with nats-server's value types, messages and error positions. As in nats-server, the operator
 * JWT is read (file or inline) and its signature checked while the file is parsed, and every
 * preloaded account JWT must decode; the rules that need the whole configuration (operators
 * need a resolver, forbid configured accounts and users, …) run when a server starts
 * (`jwt/options.ts: validateOperatorMode`).
 */
import { statSync } from 'node:fs';
import type { ResolverOptions, TlsOptions } from '@switchboard/shared';
import { decodeAccountJwt, isValidPublicKey } from '../jwt/claims.js';
import { readOperatorJwt } from '../jwt/creds.js';
import { formatDurationMs, parseGoDuration } from './duration.js';
import type { Mapper } from './model-mapper.js';
import { parseTls } from './model-network.js';
import type { ConfEntry, ConfNode } from './parser.js';

/** The Go type name nats-server prints for a conf value (`%T`). */
export function goTypeName(n: ConfNode): string {
  switch (n.type) {
    case 'integer':
      return 'int64';
    case 'float':
      return 'float64';
    case 'bool':
      return 'bool';
    case 'string':
      return 'string';
    case 'datetime':
      return 'time.Time';
    case 'array':
      return '[]interface {}';
    default:
      return 'map[string]interface {}';
  }
}

/** `operator` / `operators` / `root(s)` / `root_operator(s)`: one file path or inline JWT. */
export function parseOperator(mp: Mapper, e: ConfEntry): string | undefined {
  if (e.value.type !== 'string') {
    mp.error(e.keyPos, `error parsing operators: unsupported type ${goTypeName(e.value)}`);
    return undefined;
  }
  const value = e.value.value as string;
  try {
    readOperatorJwt(value);
  } catch (err) {
    mp.error(e.keyPos, `error parsing operator JWT: ${(err as Error).message}`);
    return undefined;
  }
  return value;
}

/** `trusted` / `trusted_keys`: a key or a list of public operator keys. */
export function parseTrusted(mp: Mapper, e: ConfEntry): string[] | undefined {
  const v = e.value;
  let keys: string[];
  let pos = e.keyPos;
  if (v.type === 'string') keys = [v.value as string];
  else if (v.type === 'array') {
    keys = [];
    for (const it of v.items) {
      pos = it.pos;
      if (it.type === 'string') keys.push(it.value as string);
      else mp.error(it.pos, `error parsing trusted: unsupported type in array ${goTypeName(it)}`);
    }
  } else {
    mp.error(e.keyPos, `error parsing trusted: unsupported type ${goTypeName(v)}`);
    return undefined;
  }
  let ok = true;
  for (const key of keys) {
    if (!isValidPublicKey(key, 'O')) {
      mp.error(pos, `trust key "${key}" required to be a valid public operator nkey`);
      ok = false;
    }
  }
  return ok ? keys : undefined;
}

const MEM_RESOLVER = /(MEM|MEMORY)\s*/i;
const URL_RESOLVER = /(?:URL)(?:\(\s*"?([^\s"]*)"?\s*\))?\s*/i;
const GENERIC_RESOLVER_ERROR = 'error parsing account resolver, should be MEM or  URL("url") or a map containing dir and type state=[FULL|CACHE])';

/** Go `url.Parse` failures that matter here: control characters, bad escapes, a missing scheme before `:`. */
export function goUrlParses(u: string): boolean {
  const s = u.trim();
  if (/[\x00-\x1f\x7f]/.test(s)) return false;
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) return false;
  if (s.startsWith(':')) return false;
  return true;
}

/** `resolver`: `MEM`/`MEMORY`, `URL("…")`, or `{ type: full|cache, dir, … }`. */
export function parseResolver(mp: Mapper, e: ConfEntry): ResolverOptions | undefined {
  const v = e.value;
  if (v.type === 'string') {
    const s = v.value as string;
    // nats-server tests MEM first, anywhere in the text.
    if (MEM_RESOLVER.test(s)) return { type: 'memory' };
    const m = URL_RESOLVER.exec(s);
    if (m) {
      const url = m[1] ?? '';
      if (!goUrlParses(url)) {
        mp.error(e.keyPos, `error parsing account resolver url [${JSON.stringify(url.trim())}]`);
        return undefined;
      }
      return { type: 'url', url };
    }
    mp.error(e.keyPos, GENERIC_RESOLVER_ERROR);
    return undefined;
  }
  if (v.type !== 'map') {
    mp.error(e.keyPos, `error parsing operator resolver, wrong type ${goTypeName(v)}`);
    return undefined;
  }
  const entry = (k: string): ConfEntry | undefined => v.entries.get(k);
  // Go reads the keys in this order and stops at the first value of the wrong type (a panic).
  const typed = <T>(k: string, want: ConfNode['type'], goWant: string): T | undefined | null => {
    const en = entry(k);
    if (!en) return undefined;
    if (en.value.type !== want) {
      mp.error(en.keyPos, `interface conversion: interface {} is ${goTypeName(en.value)}, not ${goWant}`);
      return null;
    }
    return (en.value as { value: unknown }).value as T;
  };
  const dir = typed<string>('dir', 'string', 'string');
  if (dir === null) return undefined;
  const type = typed<string>('type', 'string', 'string');
  if (type === null) return undefined;
  const del = typed<boolean>('allow_delete', 'bool', 'bool');
  if (del === null) return undefined;
  const limit = typed<number>('limit', 'integer', 'int64');
  if (limit === null) return undefined;
  const durations: Record<string, number> = {};
  for (const k of ['ttl', 'interval', 'timeout']) {
    const text = typed<string>(k, 'string', 'string');
    if (text === null) return undefined;
    if (text === undefined) continue;
    const d = parseGoDuration(text);
    if ('error' in d) {
      mp.error(e.keyPos, d.error);
      return undefined;
    }
    durations[k] = d.ns / 1e6;
  }
  if (!dir) {
    mp.error(e.keyPos, 'dir has no value and needs to point to a directory');
    return undefined;
  }
  try {
    const st = statSync(dir);
    if (!st.isDirectory() || (st.mode & 0o200) === 0) {
      mp.error(e.keyPos, 'dir needs to point to an accessible directory');
      return undefined;
    }
  } catch {
    // A missing directory is created when the server starts.
  }
  const kind = (type ?? '').toUpperCase();
  const ttl = durations.ttl ?? 0;
  const interval = durations.interval ?? 0;
  const problems: string[] = [];
  if (kind === 'CACHE') {
    if (interval !== 0) problems.push('CACHE does not accept sync');
    if (del) problems.push('CACHE does not accept allow_delete');
  } else if (kind === 'FULL') {
    if (ttl !== 0) problems.push('FULL does not accept ttl');
  } else {
    mp.error(e.keyPos, GENERIC_RESOLVER_ERROR);
    return undefined;
  }
  if (durations.timeout !== undefined && durations.timeout <= 0) problems.push(`Fetch timeout ${formatDurationMs(durations.timeout)} is too smal`);
  for (const p of problems) mp.error(e.keyPos, p);
  if (problems.length) return undefined;
  const out: ResolverOptions = { type: kind === 'CACHE' ? 'cache' : 'full', dir };
  if (del !== undefined) out.allowDelete = del;
  if (durations.interval !== undefined) out.interval = Math.round(durations.interval);
  if (limit !== undefined) out.limit = limit;
  if (durations.ttl !== undefined) out.ttl = Math.round(durations.ttl);
  if (durations.timeout !== undefined) out.timeout = Math.max(1, Math.round(durations.timeout));
  return out;
}

export function parseResolverTls(mp: Mapper, e: ConfEntry): TlsOptions | undefined {
  return parseTls(mp, e, true);
}

/** `resolver_preload { <account key>: <account JWT> }`: every JWT must decode. */
export function parseResolverPreload(mp: Mapper, e: ConfEntry): Record<string, string> | undefined {
  const v = e.value;
  if (v.type !== 'map') {
    mp.error(e.keyPos, 'preload should be a map of account_public_key:account_jwt');
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const pe of v.entries.values()) {
    if (pe.value.type !== 'string') {
      mp.error(pe.keyPos, 'preload map value should be a string JWT');
      continue;
    }
    const jwt = pe.value.value as string;
    try {
      decodeAccountJwt(jwt);
    } catch {
      mp.error(pe.keyPos, 'invalid account JWT');
      continue;
    }
    out[pe.key] = jwt;
  }
  return out;
}

/** `resolver_pinned_accounts`: an account key or a list (checked when the server starts). */
export function parsePinnedAccounts(mp: Mapper, e: ConfEntry): string[] | undefined {
  const v = e.value;
  if (v.type === 'string') return [v.value as string];
  if (v.type !== 'array') {
    mp.error(e.keyPos, `error parsing resolver_pinned_accounts: unsupported type ${goTypeName(v)}`);
    return undefined;
  }
  const out: string[] = [];
  for (const it of v.items) {
    if (it.type === 'string') out.push(it.value as string);
    else mp.error(it.pos, `error parsing resolver_pinned_accounts: unsupported type in array ${goTypeName(it)}`);
  }
  return out;
}
