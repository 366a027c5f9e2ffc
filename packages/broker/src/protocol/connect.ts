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

function typeOk(t: FieldType, v: unknown): boolean {
  switch (t) {
    case 'bool':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'int':
      // A Go int (64-bit): an integral JSON number. (JSON.parse hides the literal, so 1.0 passes here.)
      return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER;
    case 'perm':
      return typeof v === 'object' && !Array.isArray(v);
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
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const name = Object.hasOwn(CONNECT_FIELDS, key) ? key : key.toLowerCase();
    const t = Object.hasOwn(CONNECT_FIELDS, name) ? CONNECT_FIELDS[name] : undefined;
    if (t === undefined || value === null) continue;
    if (!typeOk(t, value)) throw new ProtocolError('protocol', `invalid CONNECT: field ${key} has the wrong type`);
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
