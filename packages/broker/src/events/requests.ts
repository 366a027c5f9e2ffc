import type {
  AccountStatzOptions,
  AccountzOptions,
  ConnState,
  ConnzOptions,
  EventFilterOptions,
  GatewayzOptions,
  HealthzOptions,
  LeafzOptions,
  RoutezOptions,
  SubszOptions,
} from '@switchboard/shared';

/** A request body that does not decode: answered with a 400 error, as nats-server does. */
export class RequestDecodeError extends Error {}

type Body = Record<string, unknown>;
type Kind = 'bool' | 'int' | 'string' | 'strings';

const GO_TYPE: Record<Kind, string> = { bool: 'bool', int: 'int', string: 'string', strings: '[]string' };

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

/** Reads one field with Go's json.Unmarshal type rules (null leaves it unset). */
function field<K extends Kind>(body: Body, key: string, kind: K, struct: string): (K extends 'bool' ? boolean : K extends 'int' ? number : K extends 'string' ? string : string[]) | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  const ok =
    kind === 'bool' ? typeof v === 'boolean' : kind === 'int' ? typeof v === 'number' && Number.isInteger(v) : kind === 'string' ? typeof v === 'string' : Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (!ok) {
    const what = kind === 'int' && typeof v === 'number' ? 'number ' + String(v) : jsonType(v);
    throw new RequestDecodeError(`json: cannot unmarshal ${what} into Go struct field ${struct}.${key} of type ${GO_TYPE[kind]}`);
  }
  return v as never;
}

/** Parses a request payload: empty = {}, otherwise a JSON object. */
export function parseBody(payload: Buffer): Body {
  if (payload.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch (e) {
    throw new RequestDecodeError((e as Error).message);
  }
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new RequestDecodeError(`json: cannot unmarshal ${jsonType(v)} into Go value of type server.EventFilterOptions`);
  return v as Body;
}

export function filterOptions(body: Body, struct: string): EventFilterOptions {
  const f: EventFilterOptions = {};
  const name = field(body, 'server_name', 'string', struct);
  const cluster = field(body, 'cluster', 'string', struct);
  const host = field(body, 'host', 'string', struct);
  const tags = field(body, 'tags', 'strings', struct);
  const domain = field(body, 'domain', 'string', struct);
  if (name) f.server_name = name;
  if (cluster) f.cluster = cluster;
  if (host) f.host = host;
  if (tags) f.tags = tags;
  if (domain) f.domain = domain;
  return f;
}

const STATES: ConnState[] = ['open', 'closed', 'any'];

export function connzRequest(body: Body): ConnzOptions {
  const S = 'ConnzEventOptions';
  const o: ConnzOptions = {};
  const sort = field(body, 'sort', 'string', S);
  if (sort) o.sort = sort;
  o.auth = field(body, 'auth', 'bool', S);
  if (field(body, 'subscriptions', 'bool', S)) o.subs = true;
  if (field(body, 'subscriptions_detail', 'bool', S)) o.subs = 'detail';
  o.offset = field(body, 'offset', 'int', S);
  o.limit = field(body, 'limit', 'int', S);
  o.cid = field(body, 'cid', 'int', S);
  o.mqttClient = field(body, 'mqtt_client', 'string', S);
  const state = field(body, 'state', 'int', S);
  if (state !== undefined) o.state = STATES[state] ?? 'open';
  o.user = field(body, 'user', 'string', S);
  o.acc = field(body, 'acc', 'string', S);
  o.filterSubject = field(body, 'filter_subject', 'string', S);
  return o;
}

export function subszRequest(body: Body): SubszOptions {
  const S = 'SubszEventOptions';
  return {
    offset: field(body, 'offset', 'int', S),
    limit: field(body, 'limit', 'int', S),
    subs: field(body, 'subscriptions', 'bool', S),
    acc: field(body, 'account', 'string', S),
    test: field(body, 'test', 'string', S),
  };
}

export function routezRequest(body: Body): RoutezOptions {
  const S = 'RoutezEventOptions';
  const detail = field(body, 'subscriptions_detail', 'bool', S);
  const subs = field(body, 'subscriptions', 'bool', S);
  return { subs: detail ? 'detail' : subs === true };
}

export function gatewayzRequest(body: Body): GatewayzOptions {
  const S = 'GatewayzEventOptions';
  return { name: field(body, 'name', 'string', S), accounts: field(body, 'accounts', 'bool', S), accountName: field(body, 'account_name', 'string', S) };
}

export function leafzRequest(body: Body): LeafzOptions {
  const S = 'LeafzEventOptions';
  return { subs: field(body, 'subscriptions', 'bool', S), account: field(body, 'account', 'string', S) };
}

export function accountzRequest(body: Body): AccountzOptions {
  return { acc: field(body, 'account', 'string', 'AccountzEventOptions') };
}

export function accountStatzRequest(body: Body): AccountStatzOptions {
  const S = 'AccountStatzEventOptions';
  return { accounts: field(body, 'accounts', 'strings', S), includeUnused: field(body, 'include_unused', 'bool', S) };
}

export function healthzRequest(body: Body): HealthzOptions {
  const S = 'HealthzEventOptions';
  return { jsEnabledOnly: field(body, 'js-enabled-only', 'bool', S), jsServerOnly: field(body, 'js-server-only', 'bool', S) };
}

/** `$SYS.REQ.ACCOUNT.NSUBS` body. */
export function nsubsRequest(body: Body): { acc: string; subject: string; queue: string | null } {
  const S = 'accNumSubsReq';
  // Go's []byte travels as base64.
  const q = field(body, 'queue', 'string', S);
  return { acc: field(body, 'acc', 'string', S) ?? '', subject: field(body, 'subject', 'string', S) ?? '', queue: q ? Buffer.from(q, 'base64').toString('utf8') : null };
}
