/**
 * Test fixtures: operators, accounts, users and activations made with @nats-io/jwt (the
 * library nats tools use), fresh keys each time — no secrets are checked in. Imported by the
 * jwt tests; holds no tests itself.
 */
import { Algorithms, encodeAccount, encodeActivation, encodeOperator, encodeUser, type Account, type Operator, type User } from '@nats-io/jwt';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';

/** Account limits as nsc writes them for a new account: everything unlimited. */
export const UNLIMITED: NonNullable<Account['limits']> = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

export interface Op {
  kp: KeyPair;
  sk: KeyPair;
  jwt: string;
  pub: string;
}
export interface Acc {
  kp: KeyPair;
  jwt: string;
  pub: string;
}
export interface Usr {
  kp: KeyPair;
  jwt: string;
  pub: string;
}

type Dates = { exp?: number; nbf?: number };

/** An operator with one signing key (`sk`), listed in its JWT. */
/** `nats` may hold fields @nats-io/jwt does not type (strict_signing_key_usage, assert_server_version). */
export async function makeOperator(nats: Partial<Operator> & Record<string, unknown> = {}, opts: Dates & { v1?: boolean } = {}): Promise<Op> {
  const kp = createOperator();
  const sk = createOperator();
  const jwt = await encodeOperator('OP', kp, { signing_keys: [sk.getPublicKey()], ...nats }, { ...dates(opts), ...(opts.v1 ? { algorithm: Algorithms.v1 } : {}) });
  return { kp, sk, jwt, pub: kp.getPublicKey() };
}

const dates = (d: Dates): Dates => ({ ...(d.exp !== undefined ? { exp: d.exp } : {}), ...(d.nbf !== undefined ? { nbf: d.nbf } : {}) });

/** An account issued by `signer` (default: the operator's identity key), unlimited unless `nats.limits` says otherwise. */
export async function makeAccount(
  signer: KeyPair,
  nats: Partial<Account> = {},
  opts: Dates & { name?: string; kp?: KeyPair; v1?: boolean } = {},
): Promise<Acc> {
  const kp = opts.kp ?? createAccount();
  const jwt = await encodeAccount(opts.name ?? 'A', kp, { limits: UNLIMITED, ...nats }, { signer, ...dates(opts), ...(opts.v1 ? { algorithm: Algorithms.v1 } : {}) });
  return { kp, jwt, pub: kp.getPublicKey() };
}

/**
 * A user of `account`: signed by the account key, or by `signer` (a signing key: the JWT then
 * names the account in `issuer_account`). `scoped` leaves the permissions empty for a scoped key.
 */
export async function makeUser(
  account: KeyPair,
  nats: Partial<User> = {},
  opts: Dates & { name?: string; signer?: KeyPair; scoped?: boolean; kp?: KeyPair; v1?: boolean } = {},
): Promise<Usr> {
  const kp = opts.kp ?? createUser();
  const jwt = await encodeUser(opts.name ?? 'U', kp, account, nats, {
    ...(opts.signer ? { signer: opts.signer } : {}),
    ...(opts.scoped ? { scopedUser: true } : {}),
    ...dates(opts),
    ...(opts.v1 ? { algorithm: Algorithms.v1 } : {}),
  });
  return { kp, jwt, pub: kp.getPublicKey() };
}

/** An activation token from `exporter` for `importer` to import `subject`. */
export async function makeActivation(exporter: KeyPair, importer: string, kind: 'stream' | 'service', subject: string, opts: Dates & { signer?: KeyPair } = {}): Promise<string> {
  return encodeActivation('act', importer, exporter, kind, { subject }, { ...(opts.signer ? { signer: opts.signer } : {}), ...dates(opts) });
}

/** The CONNECT `sig` for a nonce: base64url of the user key's signature. */
export function signNonce(kp: KeyPair, nonce: string): string {
  return Buffer.from(kp.sign(new TextEncoder().encode(nonce))).toString('base64url');
}

export const nowSec = (): number => Math.floor(Date.now() / 1000);
