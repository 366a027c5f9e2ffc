/**
 * `switchboard jwt`: operator mode from a terminal — create an operator, accounts and users,
 * add signing keys, revoke users, write `.creds` files, describe any JWT or creds file.
 *
 * Files are the NATS tools' (interchangeable with nsc's): `.jwt` holds the bare JWT, `.nk` the
 * bare seed, `.creds` the decorated user JWT + seed exactly as the Go jwt library writes it;
 * reading also accepts decorated files. Keys and JWTs go only to files the user names; seed
 * files are 0600; an existing file is never replaced without `--force`; seeds reach stdout only
 * with `--show-seed` (or `creds --print`). JWTs are made with @nats-io/jwt and checked with
 * the broker's decoder before they are written.
 */
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { encodeAccount, encodeActivation, encodeOperator, encodeUser, type Account, type Operator, type User } from '@nats-io/jwt';
import { isCidr, isTimeZone, subjectIsSubsetOf } from '@switchboard/shared';
import { createAccount, createOperator, createUser, fromPublic, fromSeed, type KeyPair } from '@nats-io/nkeys';
import { jwt as J } from '@switchboard/broker';

export const JWT_USAGE = `Usage: switchboard jwt <command> [flags]

  create operator --name N --jwt FILE --seed FILE [--signing-key FILE] [--strict]
                  [--account-server-url URL] [--service-url URL]... [--system-account KEY]
                  [--sys --sys-jwt FILE --sys-seed FILE]
  create account  --name N --operator-seed FILE --jwt FILE --seed FILE [--signing-key FILE]
                  [--conn N] [--subs N] [--payload N] [--data N] [--imports N] [--exports N]
                  [--leaf N] [--no-wildcards] [--disallow-bearer]
                  [--export stream:SUBJECT|service:SUBJECT]... [--private-export stream:SUBJECT|service:SUBJECT]...
                  [--import stream|service:ACCOUNT:SUBJECT[:LOCAL]]... [--import-token FILE]...
  create user     --name N --account-seed FILE [--account KEY | --account-jwt FILE]
                  --creds FILE [--jwt FILE] [--seed FILE]
                  [--pub-allow S]... [--pub-deny S]... [--sub-allow S]... [--sub-deny S]...
                  [--resp-max N] [--resp-ttl DURATION] [--bearer] [--src CIDR]...
                  [--time HH:MM:SS-HH:MM:SS]... [--locale TZ]
                  [--connection-type T]... [--subs N] [--payload N] [--data N] [--tag T]...
                  (signed by a scoped key named in --account-jwt: no permission flags, the scope applies)
  create activation --account-seed FILE [--account KEY | --account-jwt FILE] --target-account KEY
                  --subject S [--kind stream|service] --out FILE
                  (an activation token for a private export; --account-jwt checks the export)
  add signing-key --jwt FILE --seed FILE (--new-seed FILE | --key PUBLIC_KEY)
                  [--operator-seed FILE]   (account JWTs are re-signed by the operator)
                  [--role R [user permission flags as in create user]]   (a scoped account key)
  add import      --jwt FILE --operator-seed FILE (--import-token FILE | --import stream|service:ACCOUNT:SUBJECT[:LOCAL])...
                  (the account JWT re-signed with the imports added)
  revoke user     --account-jwt FILE --operator-seed FILE (--user KEY | --creds FILE) [--at UNIX]
  creds           --jwt FILE --seed FILE (--out FILE | --print)
  describe        FILE

Common: --expiry DURATION|DATE (e.g. 720h, 30d, 1y, 2030-01-01), --force (replace files),
        --show-seed (also print new seeds on stdout).
`;

export class JwtCliError extends Error {}

type Flags = { _: string[]; [k: string]: string[] | undefined };

const BOOLEAN = new Set(['strict', 'sys', 'no-wildcards', 'disallow-bearer', 'bearer', 'force', 'show-seed', 'print', 'help']);

/** Flags that set a user's permissions and limits (create user; a scoped key's template). */
const USER_PERMISSION_FLAGS = ['pub-allow', 'pub-deny', 'sub-allow', 'sub-deny', 'resp-max', 'resp-ttl', 'bearer', 'src', 'time', 'locale', 'connection-type', 'subs', 'payload', 'data'];

function parseFlags(argv: string[]): Flags {
  const f: Flags = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      f._.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq >= 0 ? eq : undefined);
    let value: string;
    if (BOOLEAN.has(name)) value = eq >= 0 ? a.slice(eq + 1) : 'true';
    else if (eq >= 0) value = a.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new JwtCliError(`flag needs an argument: --${name}`);
      value = argv[++i]!;
    }
    (f[name] ??= []).push(value);
  }
  return f;
}

const one = (f: Flags, name: string): string | undefined => f[name]?.[f[name]!.length - 1];
const need = (f: Flags, name: string): string => {
  const v = one(f, name);
  if (v === undefined || v === '') throw new JwtCliError(`missing --${name}`);
  return v;
};
const flag = (f: Flags, name: string): boolean => /^(1|t|true|yes)$/i.test(one(f, name) ?? 'false');
const many = (f: Flags, name: string): string[] => f[name] ?? [];
function int(f: Flags, name: string): number | undefined {
  const v = one(f, name);
  if (v === undefined) return undefined;
  if (!/^-?[0-9]+$/.test(v)) throw new JwtCliError(`--${name} needs an integer, got "${v}"`);
  return Number(v);
}

/** `--expiry`: a Go duration, `Nd`/`Nw`/`Ny`, or a date; unix seconds. */
function expiry(f: Flags): { exp?: number } {
  const v = one(f, 'expiry');
  if (v === undefined) return {};
  const now = Math.floor(Date.now() / 1000);
  const m = /^([0-9]+)([dwy])$/.exec(v);
  if (m) return { exp: now + Number(m[1]) * { d: 86_400, w: 604_800, y: 31_536_000 }[m[2] as 'd' | 'w' | 'y'] };
  const g = /^([0-9]+)(h|m|s)$/.exec(v);
  if (g) return { exp: now + Number(g[1]) * { h: 3600, m: 60, s: 1 }[g[2] as 'h' | 'm' | 's'] };
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new JwtCliError(`--expiry: cannot read "${v}" (use 720h, 30d, 1y or a date)`);
  return { exp: Math.floor(t / 1000) };
}

// -- files -----------------------------------------------------------------------------------

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new JwtCliError(`open ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
}

/** A seed from a `.nk` (bare or decorated) or `.creds` file. */
function readSeed(path: string, prefixes: string[]): KeyPair {
  let seed: string;
  try {
    seed = J.parseDecoratedSeed(read(path));
  } catch (e) {
    throw new JwtCliError(`${path}: ${(e as Error).message}`);
  }
  if (!prefixes.some((p) => seed.startsWith(p))) throw new JwtCliError(`${path}: expected a ${prefixes.join(' or ')} seed`);
  try {
    return fromSeed(new TextEncoder().encode(seed));
  } catch (e) {
    throw new JwtCliError(`${path}: ${(e as Error).message}`);
  }
}

/** A JWT from a `.jwt` (bare or decorated) or `.creds` file. */
function readJwt(path: string): string {
  return J.parseDecoratedJwt(read(path)).trim();
}

/** Refuses to replace an existing file unless forced; writes via a temporary file. */
function writeOut(path: string, content: string, secret: boolean, force: boolean): void {
  let exists = false;
  try {
    statSync(path);
    exists = true;
  } catch {
    exists = false;
  }
  if (exists && !force) throw new JwtCliError(`${path} exists (use --force to replace it)`);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, content, { mode: secret ? 0o600 : 0o644 });
  if (secret) chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

const seedText = (kp: KeyPair): string => new TextDecoder().decode(kp.getSeed());

/** Checks a JWT with the broker's decoder (as nats-server will) before it is written. */
function checked(token: string): string {
  J.decodeJwt(token);
  return token;
}

// -- commands --------------------------------------------------------------------------------

/** Account limits of a new account: unlimited, as nsc writes them, unless a flag says otherwise. */
function accountLimits(f: Flags): NonNullable<Account['limits']> {
  return {
    subs: int(f, 'subs') ?? -1,
    data: int(f, 'data') ?? -1,
    payload: int(f, 'payload') ?? -1,
    imports: int(f, 'imports') ?? -1,
    exports: int(f, 'exports') ?? -1,
    wildcards: !flag(f, 'no-wildcards'),
    conn: int(f, 'conn') ?? -1,
    leaf: int(f, 'leaf') ?? -1,
    ...(flag(f, 'disallow-bearer') ? { disallow_bearer: true } : {}),
  } as NonNullable<Account['limits']>;
}

function parseExports(f: Flags): NonNullable<Account['exports']> {
  const parse = (spec: string, flagName: string) => {
    const m = /^(stream|service):(.+)$/.exec(spec);
    if (!m) throw new JwtCliError(`--${flagName} "${spec}": use stream:SUBJECT or service:SUBJECT`);
    return { name: m[2]!, subject: m[2]!, type: m[1] as 'stream' | 'service' };
  };
  return [...many(f, 'export').map((s) => parse(s, 'export')), ...many(f, 'private-export').map((s) => ({ ...parse(s, 'private-export'), token_req: true }))];
}

/** `--import-token FILE`: an import made from an activation token (its issuer, subject and kind). */
function importsFromTokens(f: Flags): NonNullable<Account['imports']> {
  return many(f, 'import-token').map((file) => {
    const token = readJwt(file);
    let act: J.ActivationClaims;
    try {
      act = J.decodeActivationJwt(token);
    } catch (e) {
      throw new JwtCliError(`${file}: not an activation token: ${(e as Error).message}`);
    }
    const account = act.nats.issuerAccount || act.iss;
    return { name: act.nats.subject, type: act.nats.kind as 'stream' | 'service', account, subject: act.nats.subject, token };
  });
}

function parseImports(f: Flags): NonNullable<Account['imports']> {
  return many(f, 'import').map((spec) => {
    const m = /^(stream|service):(A[A-Z2-7]{55}):([^:]+)(?::([^:]+))?$/.exec(spec);
    if (!m) throw new JwtCliError(`--import "${spec}": use stream|service:ACCOUNT:SUBJECT[:LOCAL_SUBJECT]`);
    return { name: m[3]!, type: m[1] as 'stream' | 'service', account: m[2]!, subject: m[3]!, ...(m[4] ? { local_subject: m[4] } : {}) };
  });
}

async function createOperatorCmd(f: Flags, out: string[]): Promise<void> {
  const name = need(f, 'name');
  const jwtFile = need(f, 'jwt');
  const seedFile = need(f, 'seed');
  const force = flag(f, 'force');
  const kp = createOperator();
  const sk = one(f, 'signing-key') ? createOperator() : undefined;
  const nats: Partial<Operator> & Record<string, unknown> = {};
  if (sk) nats.signing_keys = [sk.getPublicKey()];
  if (flag(f, 'strict')) {
    if (!sk) throw new JwtCliError('--strict needs --signing-key (accounts must then be signed with it)');
    nats.strict_signing_key_usage = true;
  }
  const asu = one(f, 'account-server-url');
  if (asu) nats.account_server_url = asu;
  if (many(f, 'service-url').length) nats.operator_service_urls = many(f, 'service-url');
  let sys: KeyPair | undefined;
  if (flag(f, 'sys')) {
    sys = createAccount();
    nats.system_account = sys.getPublicKey();
  } else if (one(f, 'system-account')) {
    const key = need(f, 'system-account');
    if (!J.isValidPublicKey(key, 'A')) throw new JwtCliError(`--system-account: "${key}" is not a public account key`);
    nats.system_account = key;
  }
  const token = checked(await encodeOperator(name, kp, nats, expiry(f)));
  writeOut(seedFile, seedText(kp), true, force);
  if (sk) writeOut(need(f, 'signing-key'), seedText(sk), true, force);
  writeOut(jwtFile, token, false, force);
  out.push(`operator ${name}: ${kp.getPublicKey()}`, `  jwt: ${jwtFile}`, `  seed: ${seedFile}`);
  if (sk) out.push(`  signing key: ${sk.getPublicKey()} (${one(f, 'signing-key')})`);
  if (sys) {
    const sysJwtFile = need(f, 'sys-jwt');
    const sysSeedFile = need(f, 'sys-seed');
    const sysToken = checked(await encodeAccount('SYS', sys, { limits: accountLimits({ _: [] }) }, { signer: sk && flag(f, 'strict') ? sk : kp }));
    writeOut(sysSeedFile, seedText(sys), true, force);
    writeOut(sysJwtFile, sysToken, false, force);
    out.push(`  system account SYS: ${sys.getPublicKey()} (jwt: ${sysJwtFile}, seed: ${sysSeedFile})`);
  }
  if (flag(f, 'show-seed')) out.push(`  seed: ${seedText(kp)}`);
}

async function createAccountCmd(f: Flags, out: string[]): Promise<void> {
  const name = need(f, 'name');
  const signer = readSeed(need(f, 'operator-seed'), ['SO']);
  const force = flag(f, 'force');
  const kp = createAccount();
  const sk = one(f, 'signing-key') ? createAccount() : undefined;
  const nats: Partial<Account> = { limits: accountLimits(f) };
  if (sk) nats.signing_keys = [sk.getPublicKey()];
  const exports = parseExports(f);
  if (exports.length) nats.exports = exports;
  const imports = [...parseImports(f), ...importsFromTokens(f)];
  if (imports.length) nats.imports = imports;
  const token = checked(await encodeAccount(name, kp, nats, { signer, ...expiry(f) }));
  const errors = J.validateAccountClaims(J.decodeAccountJwt(token)).errors();
  if (errors.length) throw new JwtCliError(`the account would be refused by the server: ${errors.join('; ')}`);
  writeOut(need(f, 'seed'), seedText(kp), true, force);
  if (sk) writeOut(need(f, 'signing-key'), seedText(sk), true, force);
  writeOut(need(f, 'jwt'), token, false, force);
  out.push(`account ${name}: ${kp.getPublicKey()}`, `  jwt: ${one(f, 'jwt')}`, `  seed: ${one(f, 'seed')}`);
  if (sk) out.push(`  signing key: ${sk.getPublicKey()} (${one(f, 'signing-key')})`);
  if (flag(f, 'show-seed')) out.push(`  seed: ${seedText(kp)}`);
}

async function createUserCmd(f: Flags, out: string[]): Promise<void> {
  const name = need(f, 'name');
  const signer = readSeed(need(f, 'account-seed'), ['SA']);
  const force = flag(f, 'force');
  // The account: given, read from its JWT, or the signer itself.
  let account = one(f, 'account') ?? (one(f, 'account-jwt') ? J.decodeAccountJwt(readJwt(need(f, 'account-jwt'))).sub : signer.getPublicKey());
  if (!J.isValidPublicKey(account, 'A')) throw new JwtCliError(`--account: "${account}" is not a public account key`);
  account = fromPublic(account).getPublicKey();
  const kp = createUser();
  // A scoped signing key (named in the account JWT) signs users without permissions: the scope applies.
  const scope = one(f, 'account-jwt') ? scopedKeyOf(J.decodeAccountJwt(readJwt(need(f, 'account-jwt'))), signer.getPublicKey()) : undefined;
  if (scope !== undefined) {
    const set = USER_PERMISSION_FLAGS.filter((k) => f[k] !== undefined);
    if (set.length) throw new JwtCliError(`the signing key is scoped (role "${scope}"): its users take their permissions from the scope; drop ${set.map((k) => `--${k}`).join(', ')}`);
  }
  const nats: Partial<User> & Record<string, unknown> = scope !== undefined ? {} : userPermissions(f);
  if (many(f, 'tag').length) nats.tags = many(f, 'tag');
  const viaSigningKey = signer.getPublicKey() !== account;
  const token = checked(await encodeUser(name, kp.getPublicKey(), viaSigningKey ? account : signer, nats, { ...(viaSigningKey ? { signer } : {}), ...(scope !== undefined ? { scopedUser: true } : {}), ...expiry(f) }));
  const errors = J.validateUserClaims(J.decodeUserJwt(token)).errors();
  if (errors.length) throw new JwtCliError(`the user would be refused by the server: ${errors.join('; ')}`);
  writeOut(need(f, 'creds'), J.formatUserCreds(token, seedText(kp)), true, force);
  if (one(f, 'jwt')) writeOut(need(f, 'jwt'), token, false, force);
  if (one(f, 'seed')) writeOut(need(f, 'seed'), seedText(kp), true, force);
  out.push(`user ${name}: ${kp.getPublicKey()} (account ${account}${viaSigningKey ? `, ${scope !== undefined ? `scoped signing key, role ${scope}` : 'signing key'} ${signer.getPublicKey()}` : ''})`, `  creds: ${one(f, 'creds')}`);
  if (flag(f, 'show-seed')) out.push(`  seed: ${seedText(kp)}`);
}

/** The role of `key` when it is a scoped signing key of the account, else undefined. */
function scopedKeyOf(account: J.AccountClaims, key: string): string | undefined {
  const scope = account.nats.signingKeys.get(key);
  return scope ? scope.role : undefined;
}

/** A user's permissions and limits from the flags (nats-server's JSON names: `times_location`, `resp.ttl` in ns). */
function userPermissions(f: Flags): Partial<User> & Record<string, unknown> {
  const perm = (allow: string, deny: string) => {
    const p: { allow?: string[]; deny?: string[] } = {};
    if (many(f, allow).length) p.allow = many(f, allow);
    if (many(f, deny).length) p.deny = many(f, deny);
    return p;
  };
  const nats: Partial<User> & Record<string, unknown> = { pub: perm('pub-allow', 'pub-deny'), sub: perm('sub-allow', 'sub-deny'), subs: -1, data: -1, payload: -1 };
  const respMax = int(f, 'resp-max');
  const respTtl = one(f, 'resp-ttl');
  if (respMax !== undefined || respTtl !== undefined) {
    const ttl = respTtl === undefined ? 0 : goDurationNs(respTtl);
    nats.resp = { max: respMax ?? 1, ttl };
  }
  if (flag(f, 'bearer')) nats.bearer_token = true;
  const src = many(f, 'src');
  for (const c of src) if (!isCidr(c)) throw new JwtCliError(`--src "${c}": a network in CIDR notation, like 10.0.0.0/8`);
  if (src.length) nats.src = src;
  const times = many(f, 'time').map((t) => {
    const m = /^(\d{2}:\d{2}:\d{2})-(\d{2}:\d{2}:\d{2})$/.exec(t);
    const ok = (x: string) => /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(x);
    if (!m || !ok(m[1]!) || !ok(m[2]!)) throw new JwtCliError(`--time "${t}": use HH:MM:SS-HH:MM:SS, like 08:00:00-17:00:00`);
    return { start: m[1]!, end: m[2]! };
  });
  if (times.length) nats.times = times;
  const locale = one(f, 'locale');
  if (locale !== undefined) {
    if (!isTimeZone(locale)) throw new JwtCliError(`--locale "${locale}": an IANA time zone, like UTC or Europe/Berlin`);
    nats.times_location = locale;
  }
  if (many(f, 'connection-type').length) nats.allowed_connection_types = many(f, 'connection-type').map((t) => t.toUpperCase()) as User['allowed_connection_types'];
  for (const k of ['subs', 'payload', 'data'] as const) {
    const v = int(f, k);
    if (v !== undefined) nats[k] = v;
  }
  return nats;
}

async function createActivationCmd(f: Flags, out: string[]): Promise<void> {
  const signer = readSeed(need(f, 'account-seed'), ['SA']);
  const accountJwt = one(f, 'account-jwt') ? J.decodeAccountJwt(readJwt(need(f, 'account-jwt'))) : undefined;
  const account = one(f, 'account') ?? accountJwt?.sub ?? signer.getPublicKey();
  if (!J.isValidPublicKey(account, 'A')) throw new JwtCliError(`--account: "${account}" is not a public account key`);
  const target = need(f, 'target-account');
  if (!J.isValidPublicKey(target, 'A')) throw new JwtCliError(`--target-account: "${target}" is not a public account key`);
  const subject = need(f, 'subject');
  let kind = one(f, 'kind');
  if (accountJwt) {
    const exp = accountJwt.nats.exports.find((e) => e && subjectIsSubsetOf(subject, e.subject));
    if (!exp) throw new JwtCliError(`account ${accountJwt.name} exports nothing containing "${subject}"`);
    if (!exp.tokenReq) throw new JwtCliError(`the export "${exp.subject}" is public: importers need no activation token`);
    kind ??= exp.type;
  }
  if (kind !== 'stream' && kind !== 'service') throw new JwtCliError('--kind: stream or service (or give --account-jwt to read it from the export)');
  const viaSigningKey = signer.getPublicKey() !== account;
  const token = await encodeActivation(subject, target, viaSigningKey ? account : signer, kind, { subject }, { ...(viaSigningKey ? { signer } : {}), ...expiry(f) });
  J.decodeActivationJwt(token);
  writeOut(need(f, 'out'), token, false, flag(f, 'force'));
  out.push(`activation: ${kind} ${subject} of ${account} for ${target}`, `  token: ${one(f, 'out')}`);
}

function goDurationNs(v: string): number {
  const m = /^([0-9]+)(ns|us|ms|s|m|h)$/.exec(v);
  if (!m) throw new JwtCliError(`cannot read duration "${v}" (use 500ms, 30s, 2m, 1h)`);
  return Number(m[1]) * { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[m[2] as 'ns'];
}

/** The payload of a verified JWT as written (for re-signing with a change). */
function rawPayload(token: string): { name: string; exp?: number; nbf?: number; nats: Record<string, unknown> } {
  J.decodeJwt(token);
  const p = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { name: string; exp?: number; nbf?: number; nats: Record<string, unknown> };
  delete p.nats.type;
  delete p.nats.version;
  return p;
}

async function addSigningKeyCmd(f: Flags, out: string[]): Promise<void> {
  const jwtFile = need(f, 'jwt');
  const token = readJwt(jwtFile);
  const claims = J.decodeJwt(token);
  if (claims.kind !== 'operator' && claims.kind !== 'account') throw new JwtCliError(`${jwtFile}: an operator or account JWT is needed, got ${claims.kind}`);
  const identity = readSeed(need(f, 'seed'), [claims.kind === 'operator' ? 'SO' : 'SA']);
  if (identity.getPublicKey() !== claims.sub) throw new JwtCliError(`${one(f, 'seed')} is not the seed of ${claims.sub}`);
  const force = flag(f, 'force');
  let newKey: string;
  let newSeed: KeyPair | undefined;
  if (one(f, 'key')) {
    newKey = need(f, 'key');
    if (!J.isValidPublicKey(newKey, claims.kind === 'operator' ? 'O' : 'A')) throw new JwtCliError(`--key: "${newKey}" is not a public ${claims.kind} key`);
  } else {
    newSeed = claims.kind === 'operator' ? createOperator() : createAccount();
    newKey = newSeed.getPublicKey();
  }
  const p = rawPayload(token);
  const keys = (p.nats.signing_keys as unknown[] | undefined) ?? [];
  const role = one(f, 'role');
  if (role !== undefined && claims.kind !== 'account') throw new JwtCliError('--role: only account signing keys are scoped');
  // A scoped key: the user permission flags are its template (jwt v2 UserScope).
  const entry = role !== undefined ? { kind: 'user_scope', key: newKey, role, template: userPermissions(f) } : newKey;
  p.nats.signing_keys = [...keys.filter((k) => (typeof k === 'string' ? k : (k as { key?: string }).key) !== newKey), entry];
  const dates = { ...(p.exp ? { exp: p.exp } : {}), ...(p.nbf ? { nbf: p.nbf } : {}) };
  let updated: string;
  if (claims.kind === 'operator') updated = await encodeOperator(p.name, identity, p.nats as Partial<Operator>, dates);
  else {
    const opSigner = readSeed(need(f, 'operator-seed'), ['SO']);
    updated = await encodeAccount(p.name, claims.sub, p.nats as Partial<Account>, { signer: opSigner, ...dates });
  }
  checked(updated);
  if (newSeed) writeOut(need(f, 'new-seed'), seedText(newSeed), true, force);
  writeOut(jwtFile, updated, false, true);
  out.push(`${claims.kind} ${claims.sub}: ${role !== undefined ? `scoped signing key (role ${role})` : 'signing key'} ${newKey} added; ${jwtFile} re-signed`);
  if (claims.kind === 'account') out.push('  push the new account JWT to the resolver for it to take effect');
}

async function addImportCmd(f: Flags, out: string[]): Promise<void> {
  const jwtFile = need(f, 'jwt');
  const token = readJwt(jwtFile);
  const claims = J.decodeAccountJwt(token);
  const opSigner = readSeed(need(f, 'operator-seed'), ['SO']);
  const added = [...parseImports(f), ...importsFromTokens(f)];
  if (!added.length) throw new JwtCliError('add import: give --import-token FILE or --import SPEC');
  const p = rawPayload(token);
  p.nats.imports = [...((p.nats.imports as unknown[] | undefined) ?? []), ...added];
  const updated = checked(await encodeAccount(p.name, claims.sub, p.nats as Partial<Account>, { signer: opSigner, ...(p.exp ? { exp: p.exp } : {}), ...(p.nbf ? { nbf: p.nbf } : {}) }));
  const errors = J.validateAccountClaims(J.decodeAccountJwt(updated)).errors();
  if (errors.length) throw new JwtCliError(`the account would be refused by the server: ${errors.join('; ')}`);
  writeOut(jwtFile, updated, false, true);
  out.push(`account ${claims.sub}: ${added.length} import(s) added; ${jwtFile} re-signed`, '  push the new account JWT to the resolver for it to take effect');
}

async function revokeUserCmd(f: Flags, out: string[]): Promise<void> {
  const jwtFile = need(f, 'account-jwt');
  const token = readJwt(jwtFile);
  const claims = J.decodeAccountJwt(token);
  const opSigner = readSeed(need(f, 'operator-seed'), ['SO']);
  const user = one(f, 'user') ?? J.decodeUserJwt(J.parseDecoratedJwt(read(need(f, 'creds'))).trim()).sub;
  if (!J.isValidPublicKey(user, 'U') && user !== '*') throw new JwtCliError(`--user: "${user}" is not a public user key`);
  const at = int(f, 'at') ?? Math.floor(Date.now() / 1000);
  const p = rawPayload(token);
  const rev = (p.nats.revocations as Record<string, number> | undefined) ?? {};
  // As the jwt library: a revocation never moves into the future once set.
  if (!(rev[user] !== undefined && rev[user]! > at)) rev[user] = at;
  p.nats.revocations = rev;
  const updated = checked(await encodeAccount(p.name, claims.sub, p.nats as Partial<Account>, { signer: opSigner, ...(p.exp ? { exp: p.exp } : {}), ...(p.nbf ? { nbf: p.nbf } : {}) }));
  writeOut(jwtFile, updated, false, true);
  out.push(`account ${claims.sub}: user ${user} revoked (issued at or before ${at}); ${jwtFile} re-signed`, '  push the new account JWT to the resolver for it to take effect');
}

function credsCmd(f: Flags, out: string[]): void {
  const token = readJwt(need(f, 'jwt'));
  const seed = readSeed(need(f, 'seed'), ['SU']);
  const user = J.decodeUserJwt(token);
  if (user.sub !== seed.getPublicKey()) throw new JwtCliError(`the seed is not the key of user ${user.sub}`);
  const creds = J.formatUserCreds(token, seedText(seed));
  if (one(f, 'out')) {
    writeOut(need(f, 'out'), creds, true, flag(f, 'force'));
    out.push(`creds for ${user.sub}: ${one(f, 'out')}`);
  } else if (flag(f, 'print')) out.push(creds.trimEnd());
  else throw new JwtCliError('creds: give --out FILE, or --print to show the seed on stdout');
}

function describeCmd(f: Flags, out: string[]): void {
  const file = f._[0];
  if (!file) throw new JwtCliError('describe: give a file');
  const token = readJwt(file);
  let c: J.AnyClaims;
  try {
    c = J.decodeJwt(token);
  } catch (e) {
    throw new JwtCliError(`${file}: ${(e as Error).message}`);
  }
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  out.push(JSON.stringify({ kind: c.kind, version: c.version, verified: true, ...payload }, null, 2));
}

/** Runs `switchboard jwt …`; returns the lines to print. */
export async function runJwt(argv: string[]): Promise<string[]> {
  const f = parseFlags(argv);
  const out: string[] = [];
  const [cmd, what] = f._;
  if (!cmd || flag(f, 'help')) return [JWT_USAGE.trimEnd()];
  const two: Record<string, (f: Flags, out: string[]) => Promise<void>> = {
    'create operator': createOperatorCmd,
    'create account': createAccountCmd,
    'create user': createUserCmd,
    'add signing-key': addSigningKeyCmd,
    'revoke user': revokeUserCmd,
    'create activation': createActivationCmd,
    'add import': addImportCmd,
  };
  const run = two[`${cmd} ${what ?? ''}`];
  if (run) {
    f._ = f._.slice(2);
    await run(f, out);
  } else if (cmd === 'creds' || cmd === 'describe') {
    f._ = f._.slice(1);
    (cmd === 'creds' ? credsCmd : describeCmd)(f, out);
  } else throw new JwtCliError(`unknown command "${f._.join(' ')}"\n${JWT_USAGE}`);
  return out;
}

/** CLI entry: output on stdout, a failure on stderr with exit status 1. */
export async function jwtMain(argv: string[]): Promise<number> {
  try {
    for (const l of await runJwt(argv)) process.stdout.write(`${l}\n`);
    return 0;
  } catch (e) {
    if (e instanceof JwtCliError || e instanceof J.JwtDecodeError) {
      process.stderr.write(`switchboard jwt: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`switchboard jwt: ${(e as Error).message}\n`);
    return 1;
  }
}
