/**
 * The account resolver's `$SYS` request handlers as plain functions: given the request subject
 * and payload (and the resolver store to act on), they perform the store effect and return what
 * to reply, with nats-server 2.9.10's texts and order of checks (accounts.go `DirAccResolver.Start`,
 * `CacheDirAccResolver.Start`, `respondToUpdate`, `handleListRequest`, `handleDeleteRequest`;
 * events.go `accountClaimUpdate`). The integration subscribes them in the system account and
 * publishes the replies; replies built here leave out the `server` object that nats-server adds
 * to JSON replies (`withServer` adds it in nats-server's key order).
 */
import { decodeAccountJwt, decodeGenericJwt, isValidPublicKey } from './claims.js';
import type { DirJwtStore } from './dir-store.js';
import { validateAccountClaims } from './validate.js';

/** Subjects the resolver answers on (`*` = an account public key). */
export const RESOLVER_SUBJECTS = {
  /** Pushed account update (old form). */
  updateOld: '$SYS.ACCOUNT.*.CLAIMS.UPDATE',
  /** Pushed account update (request form). */
  update: '$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE',
  /** Pushed account update, account taken from the JWT (full and cache resolvers). */
  claimsUpdate: '$SYS.REQ.CLAIMS.UPDATE',
  /** Lookup of one account's JWT (full resolver); the reply is the bare JWT. */
  lookup: '$SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP',
  /** Sync between full resolvers (queue group `responder`). */
  pack: '$SYS.REQ.CLAIMS.PACK',
  list: '$SYS.REQ.CLAIMS.LIST',
  delete: '$SYS.REQ.CLAIMS.DELETE',
} as const;

/** The queue group nats-server uses for `$SYS.REQ.CLAIMS.PACK`. */
export const PACK_QUEUE = 'responder';

/** `{"data": {...}}` or `{"error": {...}}` of `respondToUpdate`. */
export type ResolverReply =
  | { data: { account?: string; code: 200; message: string } }
  | { error: { account?: string; code: 500; description: string } };

export interface HandlerResult<R> {
  /** What to send to the request's reply subject (undefined = nothing). */
  reply?: R;
  /** nats-server's log line for the request. */
  log?: { level: 'debug' | 'error'; message: string };
}

/** The operator keys a resolver accepts (`getOperatorKeys`: the first operator only). */
export interface OperatorKeys {
  /** The first operator's identity key. */
  operator: string;
  /** Its identity key (unless strict) and its signing keys. */
  keys: ReadonlySet<string>;
  strict: boolean;
}

/** nats-server `getOperatorKeys`. */
export function operatorKeysOf(op: { sub: string; nats: { signingKeys: string[]; strictSigningKeyUsage: boolean } }): OperatorKeys {
  const keys = new Set<string>(op.nats.signingKeys);
  if (!op.nats.strictSigningKeyUsage) keys.add(op.sub);
  return { operator: op.sub, keys, strict: op.nats.strictSigningKeyUsage };
}

/** nats-server `respondToUpdate`. */
export function respond(account: string, message: string, err?: string): HandlerResult<ResolverReply> {
  const acc = account !== '' ? { account } : {};
  if (err === undefined) {
    return { reply: { data: { ...acc, code: 200, message } }, log: { level: 'debug', message: account ? `${message} - ${account}` : message } };
  }
  return {
    reply: { error: { ...acc, code: 500, description: `${message} - ${err}` } },
    log: { level: 'error', message: account ? `${message} - ${account} - ${err}` : `${message} - ${err}` },
  };
}

/** A JSON reply with the `server` object nats-server puts in it, keys in Go's (sorted) order. */
export function withServer(reply: ResolverReply | { data: string[] }, server: unknown): string {
  return JSON.stringify({ ...reply, server });
}

/** The account of an update subject (`$SYS.REQ.ACCOUNT.<a>.CLAIMS.UPDATE` / `$SYS.ACCOUNT.<a>.CLAIMS.UPDATE`). */
export function accountOfUpdateSubject(subject: string): string | undefined {
  const tk = subject.split('.');
  if (tk.length === 6) return tk[3];
  if (tk.length === 5) return tk[2];
  return undefined;
}

/** jwt `claimValidate`: blocking errors (time checks do not block a pushed update). */
function claimValidate(jwt: ReturnType<typeof decodeAccountJwt>, now: number): string | undefined {
  const vr = validateAccountClaims(jwt, now);
  return vr.isBlocking(false) ? `validation errors: [${vr.errors().join(' ')}]` : undefined;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export interface DirUpdateContext {
  store: DirJwtStore;
  operator: OperatorKeys;
  /** Cache resolvers only store accounts the server has loaded. */
  isLoaded?: (account: string) => boolean;
  now?: number;
}

/**
 * A pushed update on `$SYS.REQ.ACCOUNT.<acc>.CLAIMS.UPDATE` or `$SYS.ACCOUNT.<acc>.CLAIMS.UPDATE`
 * to a full or cache resolver. Stores the JWT (the store's change callback then updates a loaded
 * account). Note: as in nats-server, the issuer is not checked against the operator here; a JWT
 * from an untrusted issuer is stored but refused when the account is used.
 */
export function dirUpdateBySubject(ctx: DirUpdateContext, subject: string, payload: string): HandlerResult<ResolverReply> {
  const pubKey = accountOfUpdateSubject(subject);
  if (pubKey === undefined) return { log: { level: 'debug', message: `jwt update${ctx.store.type === 'cache' ? ' cache' : ''} skipped due to bad subject "${subject}"` } };
  const cache = ctx.store.type === 'cache';
  const what = cache ? 'jwt update cache' : 'jwt update';
  let claim;
  try {
    claim = decodeAccountJwt(payload);
  } catch (e) {
    return respond(cache ? pubKey : 'n/a', `${what} resulted in error`, errText(e));
  }
  const now = ctx.now ?? Date.now();
  if (!cache) {
    const invalid = claimValidate(claim, now);
    if (invalid) return respond(claim.sub, 'jwt validation failed', invalid);
  }
  if (claim.sub !== pubKey) return respond(pubKey, `${what} resulted in error`, 'subject does not match jwt content');
  if (claim.iss === ctx.operator.operator && ctx.operator.strict) return respond(pubKey, `${what} resulted in error`, 'operator requires issuer to be a signing key');
  if (cache) {
    if (!(ctx.isLoaded?.(pubKey) ?? false)) return respond(pubKey, 'jwt update cache skipped');
    const invalid = claimValidate(claim, now);
    if (invalid) return respond(claim.sub, 'jwt update cache validation failed', invalid);
  }
  try {
    ctx.store.save(pubKey, payload);
  } catch (e) {
    return respond(pubKey, `${what} resulted in error`, errText(e));
  }
  return respond(pubKey, cache ? 'jwt updated cache' : 'jwt updated');
}

/** A pushed update on `$SYS.REQ.CLAIMS.UPDATE` (account taken from the JWT's subject). */
export function dirClaimsUpdate(ctx: DirUpdateContext, payload: string): HandlerResult<ResolverReply> {
  const cache = ctx.store.type === 'cache';
  const what = cache ? 'jwt update cache' : 'jwt update';
  let claim;
  try {
    claim = decodeAccountJwt(payload);
  } catch (e) {
    return respond('n/a', `${what} resulted in error`, errText(e));
  }
  if (claim.iss === ctx.operator.operator && ctx.operator.strict) return respond(claim.sub, `${what} resulted in error`, 'operator requires issuer to be a signing key');
  if (cache && !(ctx.isLoaded?.(claim.sub) ?? false)) return respond(claim.sub, 'jwt update cache skipped');
  const invalid = claimValidate(claim, ctx.now ?? Date.now());
  if (invalid) return respond(claim.sub, cache ? 'jwt update cache validation failed' : 'jwt validation failed', invalid);
  try {
    ctx.store.save(claim.sub, payload);
  } catch (e) {
    return respond(claim.sub, `${what} resulted in error`, errText(e));
  }
  return respond(claim.sub, cache ? 'jwt updated cache' : 'jwt updated');
}

/** `$SYS.REQ.ACCOUNT.<acc>.CLAIMS.LOOKUP` (full resolver): the stored JWT, or no reply. */
export function dirLookup(store: DirJwtStore, subject: string, hasReply: boolean): HandlerResult<string> {
  if (!hasReply) return {};
  const tk = subject.split('.');
  if (tk.length !== 6) return {};
  try {
    return { reply: store.load(tk[3]!) };
  } catch (e) {
    return { log: { level: 'error', message: `Merging resulted in error: ${errText(e)}` } };
  }
}

/**
 * `$SYS.REQ.CLAIMS.PACK` (full resolver): with the requester's store hash as payload, the
 * messages to send back: nothing but the empty end marker when the hashes match, else one
 * `pubkey|jwt` message per account and then the empty end marker.
 */
export function dirPack(store: DirJwtStore, theirHash: Uint8Array, hasReply: boolean): HandlerResult<string[]> {
  if (!hasReply) return {};
  const ours = store.hash();
  if (Buffer.from(theirHash).equals(ours)) return { reply: [''], log: { level: 'debug', message: `pack request matches hash ${ours.toString('hex')}` } };
  try {
    return { reply: [...store.pack(1), ''], log: { level: 'debug', message: `pack request hash ${Buffer.from(theirHash).toString('hex')} - finished responding with hash ${ours.toString('hex')}` } };
  } catch (e) {
    return { log: { level: 'error', message: `pack request error: ${errText(e)}` } };
  }
}

/** A reply to our own pack request: merge it (an empty message ends the stream). */
export function dirMergePackReply(store: DirJwtStore, msg: string): HandlerResult<never> {
  if (msg === '') return { log: { level: 'debug', message: `Merging Finished and resulting in: ${store.hash().toString('hex')}` } };
  const before = store.hash().toString('hex');
  try {
    store.merge(msg);
  } catch (e) {
    return { log: { level: 'error', message: `Merging resulted in error: ${errText(e)}` } };
  }
  return { log: { level: 'debug', message: `Merging succeeded and changed ${before} to ${store.hash().toString('hex')}` } };
}

/** `$SYS.REQ.CLAIMS.LIST` (full and cache): `{"data": [account ids]}`. */
export function dirList(store: DirJwtStore, hasReply: boolean): HandlerResult<{ data: string[] }> {
  if (!hasReply) return {};
  try {
    const ids = store.list();
    return { reply: { data: ids }, log: { level: 'debug', message: `list request responded with ${ids.length} account ids` } };
  } catch (e) {
    return { log: { level: 'error', message: `list request error: ${errText(e)}` } };
  }
}

/**
 * `$SYS.REQ.CLAIMS.DELETE` (full with `allow_delete`, cache): the payload is a generic JWT
 * self-signed by the operator (or one of its signing keys) with `nats.accounts: [keys]`. The
 * system account can not be deleted. Deleting calls the store's delete callback, which must
 * disable the account and disconnect its clients.
 */
export function dirDelete(ctx: { store: DirJwtStore; operator: OperatorKeys; systemAccount?: string }, payload: string): HandlerResult<ResolverReply> {
  let subj = '';
  let accIds: string[] = [];
  let err: string | undefined;
  try {
    const gk = decodeGenericJwt(payload);
    subj = gk.sub;
    const list = gk.nats.accounts;
    if (ctx.store.deleteType === 'none') err = 'delete must be enabled in server config';
    else if (subj !== gk.iss) err = 'not self signed';
    else if (!ctx.operator.keys.has(gk.iss)) err = 'not trusted';
    else if (list === undefined) err = 'malformed request';
    else if (!Array.isArray(list)) err = 'malformed request';
    else {
      for (const entry of list) {
        if (typeof entry !== 'string' || entry === '' || !isValidPublicKey(entry, 'A')) {
          err = 'malformed request';
          break;
        }
        if (entry === ctx.systemAccount) {
          err = 'not allowed to delete system account';
          break;
        }
      }
      if (!err) accIds = list as string[];
    }
  } catch (e) {
    err = errText(e);
  }
  if (err !== undefined) return respond('', `delete accounts request by ${subj} failed`, err);
  const errs: string[] = [];
  let passed = 0;
  for (const acc of accIds) {
    try {
      ctx.store.delete(acc);
      passed++;
    } catch (e) {
      errs.push(errText(e));
    }
  }
  if (errs.length === 0) return respond('', `deleted ${passed} accounts`);
  return respond('', `deleted ${passed} accounts, failed for ${errs.length}`, errs.join('\n'));
}

/**
 * A pushed update to a server with a memory or URL resolver (events.go `accountClaimUpdate`):
 * only an account the server has loaded is updated (`apply` returns nats-server's error text
 * when the update is refused, e.g. `account validation failed` for an untrusted issuer).
 */
export function accountClaimUpdate(
  subject: string,
  payload: string,
  hooks: { isLoaded: (account: string) => boolean; apply: (account: string, jwt: string) => string | undefined },
): HandlerResult<ResolverReply> {
  const pubKey = accountOfUpdateSubject(subject);
  if (pubKey === undefined) return { log: { level: 'debug', message: `Received account claims update on bad subject "${subject}"` } };
  if (payload.length === 0) return respond(pubKey, 'jwt update error', 'request body is empty');
  let claim;
  try {
    claim = decodeAccountJwt(payload);
  } catch (e) {
    return respond(pubKey, 'jwt update resulted in error', errText(e));
  }
  if (claim.sub !== pubKey) return respond(pubKey, 'jwt update resulted in error', 'subject does not match jwt content');
  if (!hooks.isLoaded(pubKey)) return respond(pubKey, 'jwt update skipped');
  const err = hooks.apply(pubKey, payload);
  if (err !== undefined) return respond(pubKey, 'jwt update resulted in error', err);
  return respond(pubKey, 'jwt updated');
}
