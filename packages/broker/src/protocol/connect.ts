/**
 * Decoding of the CONNECT (and client INFO) JSON the way nats-server's encoding/json does it
 * into its ClientOpts struct: keys match field names case-insensitively, the last duplicate
 * wins, `null` leaves a field unchanged, a value of the wrong type is an error (the server then
 * closes the connection without an -ERR), and unknown keys are ignored.
 */
import { ProtocolError } from './parser.js';

/** What a client sent in CONNECT, over nats-server's defaults (verbose, pedantic, echo all true). */
export interface ConnectOptions {
  verbose: boolean;
  pedantic: boolean;
  tls_required: boolean;
  echo: boolean;
  headers: boolean;
  no_responders: boolean;
  protocol: number;
  name?: string;
  lang?: string;
  version?: string;
  user?: string;
  pass?: string;
  auth_token?: string;
  nkey?: string;
  sig?: string;
  jwt?: string;
  account?: string;
  new_account?: boolean;
}

/** The CONNECT options of a connection before its CONNECT arrives (nats-server's defaults). */
export function defaultConnectOptions(): ConnectOptions {
  return { verbose: true, pedantic: true, tls_required: false, echo: true, headers: false, no_responders: false, protocol: 0 };
}

type FieldType = 'bool' | 'string' | 'int' | 'perm';

/** The CONNECT fields nats-server 2.9.10 knows (ClientOpts json tags) and their Go types. */
const CONNECT_FIELDS: Record<string, FieldType> = {
  echo: 'bool',
  verbose: 'bool',
  pedantic: 'bool',
  tls_required: 'bool',
  nkey: 'string',
  jwt: 'string',
  sig: 'string',
  auth_token: 'string',
  user: 'string',
  pass: 'string',
  name: 'string',
  lang: 'string',
  version: 'string',
  protocol: 'int',
  account: 'string',
  new_account: 'bool',
  headers: 'bool',
  no_responders: 'bool',
  import: 'perm',
  export: 'perm',
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Whether a field's JSON value (its literal text `raw`, parsed as `v`) unmarshals into the Go
 * type. A Go int takes only an integer literal within int64: `1.0`, `1e0` and 2^63 fail (the
 * connection is then closed), 9007199254740993 passes (and is then refused as a protocol).
 */
function typeOk(t: FieldType, raw: string, v: unknown): boolean {
  switch (t) {
    case 'bool':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'int': {
      if (!/^-?(0|[1-9][0-9]*)$/.test(raw)) return false;
      const n = BigInt(raw);
      return n >= INT64_MIN && n <= INT64_MAX;
    }
    case 'perm':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
  }
}

const WS = new Set([' ', '\t', '\n', '\r']);

function skipWs(s: string, i: number): number {
  while (i < s.length && WS.has(s[i])) i++;
  return i;
}

/** The index after the JSON string starting at s[i] (a quote). */
function skipString(s: string, i: number): number {
  i++;
  while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The index after the JSON value starting at s[i]. */
function skipValue(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return skipString(s, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    while (i < s.length) {
      const d = s[i];
      if (d === '"') {
        i = skipString(s, i);
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  while (i < s.length && s[i] !== ',' && s[i] !== '}' && s[i] !== ']' && !WS.has(s[i])) i++;
  return i;
}

/** The top-level members of a JSON object text (already known to be valid), in order, with each value's literal text. */
function members(json: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let i = skipWs(json, 0) + 1;
  for (;;) {
    i = skipWs(json, i);
    if (i >= json.length || json[i] === '}') return out;
    const keyEnd = skipString(json, i);
    const key = JSON.parse(json.slice(i, keyEnd)) as string;
    i = skipWs(json, keyEnd) + 1;
    i = skipWs(json, i);
    const valueEnd = skipValue(json, i);
    out.push([key, json.slice(i, valueEnd)]);
    i = skipWs(json, valueEnd);
    if (json[i] === ',') i++;
  }
}

/**
 * Parses CONNECT JSON into the known fields present, under their canonical names.
 * Throws ProtocolError('protocol') when nats-server's json.Unmarshal would fail.
 */
export function decodeConnect(json: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new ProtocolError('protocol', `invalid CONNECT: ${(e as Error).message}`);
  }
  const out: Record<string, unknown> = {};
  if (parsed === null) return out;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ProtocolError('protocol', 'invalid CONNECT: not an object');
  // Members in the order sent (the last duplicate wins, whatever its case), with their literal text.
  for (const [key, raw] of members(json)) {
    const name = Object.hasOwn(CONNECT_FIELDS, key) ? key : key.toLowerCase();
    const t = Object.hasOwn(CONNECT_FIELDS, name) ? CONNECT_FIELDS[name] : undefined;
    if (t === undefined || raw === 'null') continue;
    const value: unknown = t === 'int' ? Number(raw) : JSON.parse(raw);
    if (!typeOk(t, raw, value)) throw new ProtocolError('protocol', `invalid CONNECT: field ${key} has the wrong type`);
    out[name] = value;
  }
  return out;
}

/** Checks a client's INFO argument as nats-server does (it must unmarshal into its Info struct). */
export function checkClientInfo(json: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new ProtocolError('protocol', `invalid INFO: ${(e as Error).message}`);
  }
  if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) throw new ProtocolError('protocol', 'invalid INFO: not an object');
}
