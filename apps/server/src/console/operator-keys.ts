/*
 * The operator's keys and JWTs as the console keeps them: the operator, its accounts and the
 * users it issued (table op_entities; seeds in the SeedVault only when chosen), and the JWT
 * work on them — made with @nats-io/jwt and @nats-io/nkeys, checked with the broker's decoder
 * (as the server will check them) before they are kept. No HTTP here.
 */
import { encodeAccount, encodeActivation, encodeGeneric, encodeOperator, encodeUser, type Account, type Operator, type User } from '@nats-io/jwt';
import { createAccount, createOperator, createUser, fromSeed, type KeyPair } from '@nats-io/nkeys';
import { jwt as J } from '@switchboard/broker';
import type {
  IssuedActivation,
  ManagedAccount,
  ManagedExport,
  ManagedUser,
  OperatorAccountLimits,
  OperatorExport,
  OperatorImport,
  OperatorView,
  ShownSeed,
  UserPermissionLimits,
} from '@switchboard/shared';
import type { Db } from './db.js';
import { ApiHttpError, validationFailed } from './errors.js';
import { scopeEntry, setUserFields, signingKeyEntries, userFormFrom, userNatsFrom, type SigningKeyEntry } from './operator-claims.js';
import type { SeedVault } from './seed-vault.js';

export type EntityKind = 'operator' | 'account' | 'user';

/** An activation token the console issued (table op_activations). */
export interface ActivationRow {
  jti: string;
  exporter: string;
  export_type: 'stream' | 'service';
  export_subject: string;
  importer: string;
  subject: string;
  signed_by: string;
  /** The token's iat (unix seconds). */
  issued_at: number;
  expires_at: number | null;
  created_at: number;
}

type Json = Record<string, unknown>;
/** An export's `revocations` (importing account or `*` → unix seconds). */
const exportRevocations = (e: Json): Record<string, number> =>
  e.revocations && typeof e.revocations === 'object' ? Object.fromEntries(Object.entries(e.revocations as Json).filter((x): x is [string, number] => typeof x[1] === 'number')) : {};

export interface EntityRow {
  public_key: string;
  kind: EntityKind;
  parent: string | null;
  name: string;
  jwt: string;
  created_at: number;
  updated_at: number;
  pushed_at: number | null;
  revoked_at: number | null;
}

/** A JWT's payload as written (to re-sign it with a change and keep everything else). */
export interface RawPayload {
  name: string;
  sub: string;
  iss: string;
  iat: number;
  exp?: number;
  nbf?: number;
  nats: Record<string, unknown>;
}

export function rawPayload(token: string): RawPayload {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as RawPayload;
}

const seedText = (kp: KeyPair): string => new TextDecoder().decode(kp.getSeed());
const iso = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString();

/** A JWT of `kind`, its signature and claims checked by the broker's decoder; 422 otherwise. */
export function checkedJwt<K extends 'operator' | 'account' | 'user'>(token: string, kind: K): J.AnyClaims & { kind: K } {
  let c: J.AnyClaims;
  try {
    c = J.decodeJwt(J.parseDecoratedJwt(token).trim());
  } catch (e) {
    throw new ApiHttpError('OPERATOR_INVALID_JWT', `not a valid JWT: ${(e as Error).message}`);
  }
  if (c.kind !== kind) throw new ApiHttpError('OPERATOR_INVALID_JWT', `an ${kind} JWT is needed, this is an ${c.kind} JWT`);
  return c as J.AnyClaims & { kind: K };
}

function keyPairOf(seed: string): KeyPair {
  try {
    return fromSeed(new TextEncoder().encode(seed.trim()));
  } catch (e) {
    throw new ApiHttpError('VALIDATION_FAILED', `not a usable seed: ${(e as Error).message}`);
  }
}

/** Plain (unscoped) signing keys of an account JWT. */
function accountSigningKeys(nats: Record<string, unknown>): string[] {
  const keys = (nats.signing_keys as unknown[] | undefined) ?? [];
  return keys.filter((k): k is string => typeof k === 'string');
}

export class OperatorKeys {
  constructor(
    private readonly db: Db,
    readonly vault: SeedVault,
  ) {}

  // ---- rows --------------------------------------------------------------------------------

  operatorRow(): EntityRow | undefined {
    return this.db.prepare("SELECT * FROM op_entities WHERE kind = 'operator' LIMIT 1").get() as EntityRow | undefined;
  }

  requireOperator(): EntityRow {
    const op = this.operatorRow();
    if (!op) throw new ApiHttpError('OPERATOR_NOT_FOUND');
    return op;
  }

  accountRows(): EntityRow[] {
    return this.db.prepare("SELECT * FROM op_entities WHERE kind = 'account' ORDER BY name, public_key").all() as EntityRow[];
  }

  row(publicKey: string, kind: EntityKind): EntityRow | undefined {
    return this.db.prepare('SELECT * FROM op_entities WHERE public_key = ? AND kind = ?').get(publicKey, kind) as EntityRow | undefined;
  }

  requireAccount(publicKey: string): EntityRow {
    const a = this.row(publicKey, 'account');
    if (!a) throw new ApiHttpError('ACCOUNT_NOT_FOUND', `the console manages no account ${publicKey}`);
    return a;
  }

  userRows(account: string): EntityRow[] {
    return this.db.prepare("SELECT * FROM op_entities WHERE kind = 'user' AND parent = ? ORDER BY created_at, public_key").all(account) as EntityRow[];
  }

  save(r: { publicKey: string; kind: EntityKind; parent?: string; name: string; jwt: string; pushedAt?: number | null; revokedAt?: number | null }): void {
    const now = Date.now();
    this.db
      .prepare(
        `INSERT INTO op_entities (public_key, kind, parent, name, jwt, created_at, updated_at, pushed_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(public_key) DO UPDATE SET name = excluded.name, jwt = excluded.jwt, parent = excluded.parent, updated_at = excluded.updated_at,
           pushed_at = COALESCE(excluded.pushed_at, op_entities.pushed_at), revoked_at = COALESCE(excluded.revoked_at, op_entities.revoked_at)`,
      )
      .run(r.publicKey, r.kind, r.parent ?? null, r.name, r.jwt, now, now, r.pushedAt ?? null, r.revokedAt ?? null);
  }

  markPushed(publicKey: string): void {
    this.db.prepare('UPDATE op_entities SET pushed_at = ? WHERE public_key = ?').run(Date.now(), publicKey);
  }

  markRevoked(publicKey: string, at: number): void {
    this.db.prepare('UPDATE op_entities SET revoked_at = ? WHERE public_key = ?').run(at, publicKey);
  }

  /** Forgets an account, the users it issued and their seeds, and its own (and its signing keys') seeds. */
  forgetAccount(publicKey: string): void {
    this.db.transaction(() => {
      for (const u of this.userRows(publicKey)) this.vault.deleteOwnedBy(u.public_key);
      this.db.prepare("DELETE FROM op_entities WHERE kind = 'user' AND parent = ?").run(publicKey);
      this.vault.deleteOwnedBy(publicKey);
      this.db.prepare('DELETE FROM op_activations WHERE exporter = ?').run(publicKey);
      this.db.prepare("DELETE FROM op_entities WHERE kind = 'account' AND public_key = ?").run(publicKey);
    })();
  }

  /** Forgets the operator and everything under it, seeds included. */
  forgetAll(): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM op_entities').run();
      this.db.prepare('DELETE FROM op_activations').run();
      this.vault.deleteAll();
    })();
  }

  /** Keeps the facts of an issued activation token (not the token's signer seed; the token itself is not needed). */
  recordActivation(r: Omit<ActivationRow, 'created_at'>): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO op_activations (jti, exporter, export_type, export_subject, importer, subject, signed_by, issued_at, expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.jti, r.exporter, r.export_type, r.export_subject, r.importer, r.subject, r.signed_by, r.issued_at, r.expires_at, Date.now());
  }

  activationRows(exporter: string): ActivationRow[] {
    return this.db.prepare('SELECT * FROM op_activations WHERE exporter = ? ORDER BY issued_at, jti').all(exporter) as ActivationRow[];
  }

  // ---- signers -----------------------------------------------------------------------------

  /**
   * The key that signs account JWTs: the seed given (the operator's or one of its signing
   * keys'), else a stored one (a signing key first). Strict operators sign with signing keys only.
   */
  operatorSigner(given?: string, trusted?: ReadonlySet<string>): KeyPair {
    const op = this.requireOperator();
    const nats = rawPayload(op.jwt).nats;
    const signing = ((nats.signing_keys as string[] | undefined) ?? []).filter((k) => typeof k === 'string');
    const strict = nats.strict_signing_key_usage === true;
    const allowed = strict ? signing : [...signing, op.public_key];
    if (given) {
      const kp = keyPairOf(given);
      if (!allowed.includes(kp.getPublicKey())) {
        throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `the seed given is not ${strict ? 'a signing key' : 'the key or a signing key'} of operator ${op.name}`);
      }
      return kp;
    }
    // Keys the running server trusts first: a key added here is not trusted before a restart.
    const order = [...signing, ...(strict ? [] : [op.public_key])];
    if (trusted) order.sort((a, b) => Number(trusted.has(b)) - Number(trusted.has(a)));
    for (const k of order) {
      const seed = this.vault.get(k);
      if (seed) return keyPairOf(seed);
    }
    if (strict && signing.length === 0) {
      throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `operator ${op.name} uses strict signing keys (only signing keys sign accounts) and has none: add an operator signing key first`);
    }
    if (strict) {
      throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `operator ${op.name} uses strict signing keys: only its signing keys sign accounts, and the console stores no seed of one; give a signing key's seed (SO…), not the operator's own`);
    }
    throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `the console stores no seed of operator ${op.name}: give the operator's seed (or a signing key's) to sign the account`);
  }

  /** A stored seed of one of the operator's signing keys (ones the running server trusts first), if any. */
  signingKeySigner(trusted?: ReadonlySet<string>): KeyPair | undefined {
    const op = this.requireOperator();
    const order = ((rawPayload(op.jwt).nats.signing_keys as unknown[] | undefined) ?? []).filter((k): k is string => typeof k === 'string');
    if (trusted) order.sort((a, b) => Number(trusted.has(b)) - Number(trusted.has(a)));
    for (const k of order) {
      const seed = this.vault.get(k);
      if (seed) return keyPairOf(seed);
    }
    return undefined;
  }

  /** The operator's own key (only it signs the operator JWT): the seed given, else the stored one. */
  operatorIdentity(given?: string): KeyPair {
    const op = this.requireOperator();
    if (given) {
      const kp = keyPairOf(given);
      if (kp.getPublicKey() !== op.public_key) throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `the operator JWT is signed by the operator's own key ${op.public_key}; a signing key's seed cannot change it`);
      return kp;
    }
    const seed = this.vault.get(op.public_key);
    if (seed) return keyPairOf(seed);
    throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `the console stores no seed of operator ${op.name} itself: give the operator's own seed (SO…) to change its signing keys`);
  }

  canSignAsOperator(op: EntityRow): boolean {
    const nats = rawPayload(op.jwt).nats;
    const signing = ((nats.signing_keys as string[] | undefined) ?? []).filter((k) => typeof k === 'string');
    return this.vault.stored([...signing, ...(nats.strict_signing_key_usage === true ? [] : [op.public_key])]).length > 0;
  }

  /** The key that signs the account's users: the given seed (identity or a plain signing key), else a stored one. */
  accountSigner(account: EntityRow, given?: string): KeyPair {
    const allowed = [account.public_key, ...accountSigningKeys(rawPayload(account.jwt).nats)];
    if (given) {
      const kp = keyPairOf(given);
      if (!allowed.includes(kp.getPublicKey())) throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `the seed given is not the key or a signing key of account ${account.name}`);
      return kp;
    }
    for (const k of allowed) {
      const seed = this.vault.get(k);
      if (seed) return keyPairOf(seed);
    }
    throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `the console stores no seed of account ${account.name}: give the account's seed to issue users`);
  }

  /**
   * The key that signs a user: `signingKey` (the account's own or one of its signing keys,
   * plain or scoped) with the seed given or stored; without `signingKey`, as accountSigner.
   */
  userSigner(account: EntityRow, given?: string, signingKey?: string): { kp: KeyPair; scope?: SigningKeyEntry } {
    if (!signingKey) return { kp: this.accountSigner(account, given) };
    const entries = signingKeyEntries(rawPayload(account.jwt).nats);
    const entry = entries.find((e) => e.key === signingKey);
    if (signingKey !== account.public_key && !entry) throw validationFailed([{ path: 'body.signingKey', message: `not a signing key of account ${account.name}` }], 'body');
    const scope = entry?.role !== undefined ? entry : undefined;
    if (given) {
      const kp = keyPairOf(given);
      if (kp.getPublicKey() !== signingKey) throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `the seed given is not the seed of signing key ${signingKey}`);
      return { kp, ...(scope ? { scope } : {}) };
    }
    const seed = this.vault.get(signingKey);
    if (!seed) throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `the console stores no seed of signing key ${signingKey}: give its seed to issue the user`);
    return { kp: keyPairOf(seed), ...(scope ? { scope } : {}) };
  }

  canIssue(account: EntityRow): boolean {
    return this.vault.stored([account.public_key, ...accountSigningKeys(rawPayload(account.jwt).nats)]).length > 0;
  }

  // ---- making JWTs -------------------------------------------------------------------------

  /** A new operator with a signing key and a system account (names it in the operator JWT). */
  async createOperator(name: string, storeSeeds: boolean): Promise<{ operatorJwt: string; sysJwt: string; sys: string; seeds: ShownSeed[] }> {
    const op = createOperator();
    const sk = createOperator();
    const sys = createAccount();
    const operatorJwt = await encodeOperator(name, op, { signing_keys: [sk.getPublicKey()], system_account: sys.getPublicKey() });
    const sysJwt = await encodeAccount('SYS', sys, { limits: nscLimits() } as Partial<Account>, { signer: sk });
    checkedJwt(operatorJwt, 'operator');
    checkedJwt(sysJwt, 'account');
    const seeds: ShownSeed[] = [
      { kind: 'operator', name, publicKey: op.getPublicKey(), seed: seedText(op) },
      { kind: 'operator signing key', name, publicKey: sk.getPublicKey(), seed: seedText(sk) },
      { kind: 'system account', name: 'SYS', publicKey: sys.getPublicKey(), seed: seedText(sys) },
    ];
    this.db.transaction(() => {
      this.save({ publicKey: op.getPublicKey(), kind: 'operator', name, jwt: operatorJwt });
      this.save({ publicKey: sys.getPublicKey(), kind: 'account', parent: op.getPublicKey(), name: 'SYS', jwt: sysJwt });
      if (storeSeeds) for (const s of seeds) this.vault.put(s.publicKey, s.kind === 'system account' ? s.publicKey : op.getPublicKey(), s.seed);
    })();
    return { operatorJwt, sysJwt, sys: sys.getPublicKey(), seeds };
  }

  importOperator(token: string, seed: string | undefined, storeSeed: boolean): void {
    const c = checkedJwt(token, 'operator');
    if (seed) {
      const kp = keyPairOf(seed);
      if (kp.getPublicKey() !== c.sub && !c.nats.signingKeys.includes(kp.getPublicKey())) {
        throw new ApiHttpError('OPERATOR_SIGNER_REQUIRED', `the seed is not the key or a signing key of operator ${c.name}`);
      }
    }
    this.db.transaction(() => {
      this.save({ publicKey: c.sub, kind: 'operator', name: c.name, jwt: c.jwt });
      if (seed && storeSeed) this.vault.put(keyPairOf(seed).getPublicKey(), c.sub, seed.trim());
    })();
  }

  /** Signs an account JWT: a new account (no `existing`) or `existing` with the form's fields replaced. */
  async signAccount(
    form: { name: string; limits: OperatorAccountLimits; exports: OperatorExport[]; imports: OperatorImport[] },
    signer: KeyPair,
    existing?: EntityRow,
  ): Promise<{ publicKey: string; jwt: string; seed?: string }> {
    const kp = existing ? undefined : createAccount();
    const publicKey = existing?.public_key ?? kp!.getPublicKey();
    const prev = existing ? rawPayload(existing.jwt) : undefined;
    const nats: Record<string, unknown> = { ...(prev?.nats ?? {}) };
    delete nats.type;
    delete nats.version;
    const l = form.limits;
    nats.limits = {
      ...((prev?.nats.limits as Record<string, unknown>) ?? {}),
      subs: l.subs,
      data: l.data,
      payload: l.payload,
      imports: l.imports,
      exports: l.exports,
      wildcards: l.wildcards,
      conn: l.conn,
      leaf: l.leaf,
      ...(l.disallowBearer ? { disallow_bearer: true } : { disallow_bearer: undefined }),
    };
    // An export kept from the previous JWT keeps what the form does not show (revocations, response type, …).
    const prevExports = ((prev?.nats.exports as Json[] | undefined) ?? []).filter((e) => e && typeof e === 'object');
    nats.exports = form.exports.map((e) => {
      const kept = { ...(prevExports.find((p) => p.type === e.type && p.subject === e.subject) ?? {}) };
      delete kept.token_req;
      if (!e.tokenReq) delete kept.revocations;
      return { ...kept, name: e.name || String(kept.name ?? '') || e.subject, subject: e.subject, type: e.type, ...(e.tokenReq ? { token_req: true } : {}) };
    });
    nats.imports = form.imports.map((i) => ({
      name: i.subject,
      type: i.type,
      account: i.account,
      subject: i.subject,
      ...(i.localSubject ? { local_subject: i.localSubject } : {}),
      ...(i.token ? { token: i.token } : {}),
    }));
    if ((nats.exports as unknown[]).length === 0) delete nats.exports;
    if ((nats.imports as unknown[]).length === 0) delete nats.imports;
    const dates = { ...(prev?.exp ? { exp: prev.exp } : {}), ...(prev?.nbf ? { nbf: prev.nbf } : {}) };
    const token = await encodeAccount(form.name, publicKey, nats as Partial<Account>, { signer, ...dates });
    const c = checkedJwt(token, 'account');
    const errors = J.validateAccountClaims(c as J.AccountClaims).errors();
    if (errors.length) throw new ApiHttpError('OPERATOR_INVALID_JWT', `the server would refuse this account: ${errors.join('; ')}`);
    return { publicKey, jwt: token, ...(kp ? { seed: seedText(kp) } : {}) };
  }

  /** The account JWT re-signed with `user` revoked (as of `at`, unix seconds). */
  async revokeInAccount(account: EntityRow, user: string, at: number, signer: KeyPair): Promise<string> {
    const p = rawPayload(account.jwt);
    const nats = { ...p.nats };
    delete nats.type;
    delete nats.version;
    const rev = { ...((nats.revocations as Record<string, number> | undefined) ?? {}) };
    // As the jwt library: a revocation never moves back once set.
    if (!(rev[user] !== undefined && rev[user]! > at)) rev[user] = at;
    nats.revocations = rev;
    const token = await encodeAccount(p.name, account.public_key, nats as Partial<Account>, { signer, ...(p.exp ? { exp: p.exp } : {}), ...(p.nbf ? { nbf: p.nbf } : {}) });
    checkedJwt(token, 'account');
    return token;
  }

  /**
   * The account JWT re-signed with a revocation on its `type` export `subject`: `at` (unix s)
   * sets one for `importer` (kept when a later one is there, as the jwt library's `RevokeAt`),
   * null removes it.
   */
  async setExportRevocation(account: EntityRow, signer: KeyPair, exp: { type: 'stream' | 'service'; subject: string }, importer: string, at: number | null): Promise<string> {
    const found = ((rawPayload(account.jwt).nats.exports as Json[] | undefined) ?? []).some((e) => e?.type === exp.type && e?.subject === exp.subject);
    if (!found) throw validationFailed([{ path: 'body.subject', message: `account ${account.name} has no ${exp.type} export "${exp.subject}"` }], 'body');
    return this.resignAccount(account, signer, (n) => {
      n.exports = (n.exports as Json[]).map((e) => {
        if (e?.type !== exp.type || e?.subject !== exp.subject) return e;
        const rev = exportRevocations(e);
        if (at === null) {
          if (rev[importer] === undefined) throw validationFailed([{ path: 'body.importer', message: `the export "${exp.subject}" has no revocation for ${importer}` }], 'body');
          delete rev[importer];
        } else rev[importer] = Math.max(rev[importer] ?? 0, at);
        const next: Json = { ...e, revocations: rev };
        if (Object.keys(rev).length === 0) delete next.revocations;
        return next;
      });
    });
  }

  /**
   * A new user of `account` signed by `signer`; returns its JWT and seed. A user signed by a
   * scoped key carries no permissions or limits (nats-server refuses it otherwise): the scope's
   * template applies on connect.
   */
  async issueUser(
    account: EntityRow,
    signer: { kp: KeyPair; scope?: SigningKeyEntry },
    u: UserPermissionLimits & { name: string; tags: string[]; expiresInDays?: number | undefined },
  ): Promise<{ publicKey: string; jwt: string; seed: string }> {
    if (signer.scope) {
      const set = setUserFields(u);
      if (set.length) {
        throw validationFailed(
          set.map((f) => ({ path: `body.${f}`, message: `a user of the scoped signing key "${signer.scope!.role}" takes its permissions and limits from the scope; leave ${f} empty` })),
          'body',
        );
      }
    }
    const kp = createUser();
    const nats: Partial<User> & Record<string, unknown> = signer.scope ? {} : userNatsFrom(u);
    if (u.tags.length) nats.tags = u.tags;
    const viaSigningKey = signer.kp.getPublicKey() !== account.public_key;
    const exp = u.expiresInDays ? { exp: Math.floor(Date.now() / 1000) + u.expiresInDays * 86_400 } : {};
    const token = await encodeUser(u.name, kp.getPublicKey(), viaSigningKey ? account.public_key : signer.kp, nats, {
      ...(viaSigningKey ? { signer: signer.kp } : {}),
      ...(signer.scope ? { scopedUser: true } : {}),
      ...exp,
    });
    const c = checkedJwt(token, 'user');
    const errors = J.validateUserClaims(c as J.UserClaims).errors();
    if (errors.length) throw new ApiHttpError('OPERATOR_INVALID_JWT', `the server would refuse this user: ${errors.join('; ')}`);
    return { publicKey: kp.getPublicKey(), jwt: token, seed: seedText(kp) };
  }

  /** The account JWT re-signed by `signer` with `change` applied to its `nats` (everything else kept). */
  async resignAccount(account: EntityRow, signer: KeyPair, change: (nats: Record<string, unknown>) => void = () => {}): Promise<string> {
    const p = rawPayload(account.jwt);
    const nats = editedNats(p.nats, change);
    const token = await encodeAccount(p.name, account.public_key, nats as Partial<Account>, { signer, ...(p.exp ? { exp: p.exp } : {}), ...(p.nbf ? { nbf: p.nbf } : {}) });
    const c = checkedJwt(token, 'account');
    const errors = J.validateAccountClaims(c as J.AccountClaims).errors();
    if (errors.length) throw new ApiHttpError('OPERATOR_INVALID_JWT', `the server would refuse this account: ${errors.join('; ')}`);
    return token;
  }

  /** A new account signing key (scoped when `role` is given) in the account JWT; its seed. */
  async addAccountSigningKey(account: EntityRow, opSigner: KeyPair, role: string | undefined, template: UserPermissionLimits): Promise<{ jwt: string; kp: KeyPair }> {
    const kp = createAccount();
    const entry = role !== undefined ? scopeEntry(kp.getPublicKey(), role, template) : kp.getPublicKey();
    const jwt = await this.resignAccount(account, opSigner, (n) => {
      n.signing_keys = [...((n.signing_keys as unknown[] | undefined) ?? []), entry];
    });
    return { jwt, kp };
  }

  async removeAccountSigningKey(account: EntityRow, opSigner: KeyPair, key: string): Promise<string> {
    if (!signingKeyEntries(rawPayload(account.jwt).nats).some((e) => e.key === key)) throw new ApiHttpError('NOT_FOUND', `${key} is not a signing key of account ${account.name}`);
    return this.resignAccount(account, opSigner, (n) => {
      n.signing_keys = ((n.signing_keys as unknown[] | undefined) ?? []).filter((e) => (typeof e === 'string' ? e : (e as { key?: string }).key) !== key);
    });
  }

  /**
   * An activation token for `importer` to import `subject` of a `token_req` export of `account`,
   * signed by the account or a plain signing key (then naming the account as issuer_account).
   */
  async issueActivation(
    account: EntityRow,
    signer: KeyPair,
    importer: string,
    subject: string,
    kind: 'stream' | 'service',
    expiresInDays?: number,
  ): Promise<{ token: string; jti: string; iat: number; exp?: number }> {
    const viaSigningKey = signer.getPublicKey() !== account.public_key;
    const exp = expiresInDays ? Math.floor(Date.now() / 1000) + expiresInDays * 86_400 : undefined;
    const token = await encodeActivation(subject, importer, viaSigningKey ? account.public_key : signer, kind, { subject }, { ...(viaSigningKey ? { signer } : {}), ...(exp ? { exp } : {}) });
    const act = J.decodeActivationJwt(token);
    const vr = new J.ValidationResults();
    J.validateActivationClaims(act, vr, true, Date.now());
    if (vr.errors().length) throw new ApiHttpError('OPERATOR_INVALID_JWT', `the server would refuse this activation: ${vr.errors().join('; ')}`);
    const p = rawPayload(token) as RawPayload & { jti?: string };
    return { token, jti: String(p.jti ?? ''), iat: p.iat, ...(exp ? { exp } : {}) };
  }

  /** The `$SYS.REQ.CLAIMS.DELETE` request: a generic JWT self-signed by an operator key, `nats.accounts` listing what to delete. */
  async deleteRequest(opSigner: KeyPair, accounts: string[]): Promise<string> {
    return encodeGeneric('delete accounts', opSigner, 'generic', { accounts });
  }

  /** The operator JWT re-signed by its own key with `change` applied to its `nats`. */
  async resignOperator(identity: KeyPair, change: (nats: Record<string, unknown>) => void): Promise<string> {
    const op = this.requireOperator();
    const p = rawPayload(op.jwt);
    const nats = editedNats(p.nats, change);
    const token = await encodeOperator(p.name, identity, nats as Partial<Operator>, { ...(p.exp ? { exp: p.exp } : {}), ...(p.nbf ? { nbf: p.nbf } : {}) });
    checkedJwt(token, 'operator');
    return token;
  }

  /** Managed accounts whose JWT `key` signed. */
  accountsSignedBy(key: string): EntityRow[] {
    return this.accountRows().filter((a) => rawPayload(a.jwt).iss === key);
  }

  // ---- views -------------------------------------------------------------------------------

  /**
   * `server`: the operator the running server trusts with this key (its JWT and the keys it
   * accepts), when it does.
   */
  operatorView(op: EntityRow, server?: { jwt: string; keys: ReadonlySet<string> }): OperatorView {
    const nats = rawPayload(op.jwt).nats;
    const sys = typeof nats.system_account === 'string' && nats.system_account !== '' ? nats.system_account : undefined;
    const signingKeys = ((nats.signing_keys as string[] | undefined) ?? []).filter((k) => typeof k === 'string');
    const signedCount = new Map<string, number>();
    for (const a of this.accountRows()) signedCount.set(rawPayload(a.jwt).iss, (signedCount.get(rawPayload(a.jwt).iss) ?? 0) + 1);
    return {
      name: op.name,
      publicKey: op.public_key,
      jwt: op.jwt,
      signingKeys,
      signers: [op.public_key, ...signingKeys].map((k) => ({
        key: k,
        identity: k === op.public_key,
        seedStored: this.vault.has(k),
        trusted: server?.keys.has(k) ?? false,
        accounts: signedCount.get(k) ?? 0,
      })),
      serverJwtOutdated: server !== undefined && server.jwt !== '' && server.jwt !== op.jwt,
      ...(sys ? { systemAccount: sys } : {}),
      canSign: this.canSignAsOperator(op),
      trusted: server !== undefined,
      strictSigning: nats.strict_signing_key_usage === true,
    };
  }

  userView(u: EntityRow): ManagedUser {
    const p = rawPayload(u.jwt);
    const form = userFormFrom(p.nats);
    const account = u.parent ? this.row(u.parent, 'account') : undefined;
    const scope = account ? signingKeyEntries(rawPayload(account.jwt).nats).find((e) => e.key === p.iss && e.role !== undefined) : undefined;
    const { pubAllow, subAllow, ...limits } = form;
    return {
      publicKey: u.public_key,
      name: u.name,
      account: u.parent ?? '',
      issuedAt: iso(p.iat),
      ...(p.exp ? { expiresAt: iso(p.exp) } : {}),
      ...(u.revoked_at !== null ? { revokedAt: iso(u.revoked_at) } : {}),
      credsAvailable: this.vault.has(u.public_key),
      pubAllow,
      subAllow,
      issuer: p.iss,
      ...(scope ? { scopedRole: scope.role! } : {}),
      limits,
      tags: Array.isArray(p.nats.tags) ? (p.nats.tags as unknown[]).map(String) : [],
    };
  }

  accountView(a: EntityRow, extra: { onServer: boolean; system: boolean }): ManagedAccount {
    const n = rawPayload(a.jwt).nats;
    const l = (n.limits as Record<string, unknown> | undefined) ?? {};
    const num = (v: unknown): number => (typeof v === 'number' ? v : -1);
    const issued = this.activationRows(a.public_key);
    const nowSec = Math.floor(Date.now() / 1000);
    const exports = ((n.exports as Record<string, unknown>[] | undefined) ?? []).map((e): ManagedExport => {
      const type = e.type === 'service' ? 'service' : 'stream';
      const subject = String(e.subject ?? '');
      const rev = exportRevocations(e);
      const activations = issued
        .filter((r) => r.export_type === type && r.export_subject === subject)
        .map(
          (r): IssuedActivation => ({
            jti: r.jti,
            importer: r.importer,
            subject: r.subject,
            kind: r.export_type,
            issuedAt: iso(r.issued_at),
            ...(r.expires_at !== null ? { expiresAt: iso(r.expires_at) } : {}),
            signedBy: r.signed_by,
            revoked: J.isRevoked(rev, r.importer, r.issued_at),
            expired: r.expires_at !== null && r.expires_at <= nowSec,
          }),
        );
      return {
        type,
        subject,
        name: String(e.name ?? ''),
        tokenReq: e.token_req === true,
        revocations: Object.entries(rev).map(([importer, at]) => ({ importer, at: iso(at) })),
        activations,
      };
    });
    const imports = ((n.imports as Record<string, unknown>[] | undefined) ?? []).map(
      (i): OperatorImport => ({
        type: i.type === 'service' ? 'service' : 'stream',
        account: String(i.account ?? ''),
        subject: String(i.subject ?? ''),
        ...(i.local_subject ? { localSubject: String(i.local_subject) } : i.to ? { localSubject: String(i.to) } : {}),
        ...(i.token ? { token: String(i.token) } : {}),
      }),
    );
    const rev = (n.revocations as Record<string, number> | undefined) ?? {};
    return {
      publicKey: a.public_key,
      name: a.name,
      jwt: a.jwt,
      limits: {
        conn: num(l.conn),
        subs: num(l.subs),
        payload: num(l.payload),
        data: num(l.data),
        imports: num(l.imports),
        exports: num(l.exports),
        leaf: num(l.leaf),
        wildcards: l.wildcards !== false,
        disallowBearer: l.disallow_bearer === true,
      },
      exports,
      imports,
      revocations: Object.entries(rev).map(([user, at]) => ({ user, at: iso(at) })),
      signingKeys: signingKeyEntries(n).map((e) => ({ ...e, seedStored: this.vault.has(e.key) })),
      signedBy: rawPayload(a.jwt).iss,
      canIssue: this.canIssue(a),
      onServer: extra.onServer,
      ...(a.pushed_at !== null ? { pushedAt: new Date(a.pushed_at).toISOString() } : {}),
      system: extra.system,
      users: this.userRows(a.public_key).map((u) => this.userView(u)),
    };
  }
}

/** Account limits as nsc writes a new account's: unlimited. */
export function nscLimits(): Record<string, unknown> {
  return { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
}

/** A server config for operator mode with this operator, its system account preloaded. */
export function operatorConfigText(o: { name: string; operator: string; operatorJwt: string; sys: string; sysJwt: string; resolver: 'memory' | 'full' }): string {
  const lines = [
    `# Operator mode for operator "${o.name}" (${o.operator}),`,
    `# made by the Switchboard console on ${new Date().toISOString()}.`,
    '# The server trusts only this operator; accounts come from the resolver, users need no config.',
    '# Start it with:  switchboard -c <this file>   (nats-server 2.9.10 runs it unchanged)',
    '',
    'listen: 127.0.0.1:4222',
    '',
    `operator: "${o.operatorJwt}"`,
    `system_account: ${o.sys}`,
    '',
  ];
  if (o.resolver === 'memory') {
    lines.push('# Accounts live in memory: the console writes pushed accounts into resolver_preload below.', 'resolver: MEMORY');
  } else {
    lines.push(
      '# Accounts are stored as JWT files in dir; the console pushes them on $SYS.REQ.CLAIMS.UPDATE.',
      'resolver: {',
      '  type: full',
      '  dir: "./jwt"',
      '  allow_delete: false',
      '  interval: "2m"',
      '}',
    );
  }
  lines.push('resolver_preload: {', '  # SYS', `  ${o.sys}: "${o.sysJwt}"`, '}', '');
  return lines.join('\n');
}

/**
 * A JWT's `nats` claims to re-sign: a copy without the fields the encoder sets (`type`, `version`),
 * with `change` applied, and no empty `signing_keys` list.
 */
function editedNats(claims: Record<string, unknown>, change: (nats: Record<string, unknown>) => void): Record<string, unknown> {
  const nats = structuredClone(claims);
  delete nats.type;
  delete nats.version;
  change(nats);
  if (Array.isArray(nats.signing_keys) && nats.signing_keys.length === 0) delete nats.signing_keys;
  return nats;
}
