/**
 * The directory-backed account resolver (`resolver { type: full|cache, dir: … }`) and its store,
 * after nats-server 2.9.10's `DirJWTStore` (dirstore.go) and `DirAccResolver` /
 * `CacheDirAccResolver` (accounts.go):
 *
 * - one file `<dir>/<pubkey>.jwt` per account (0640, written via a temporary file and rename);
 * - an index of the JWTs found at start and written since, with the XOR of their sha256 hashes
 *   (the `PACK` hash servers compare to sync) and, per entry, an expiry (the JWT's `exp`, or
 *   `ttl` for a cache) and a least-recently-used position;
 * - `full` refuses new accounts past `limit` ("jwt store is full"); `cache` evicts the least
 *   recently used one (default limit 1000) and forgets entries after `ttl`;
 * - deletion (`allow_delete`, full only) renames the file to `<pubkey>.jwt.deleted`; a cache
 *   deletes for good;
 * - `save` (pushed updates) writes whenever the content changed; `saveIfNewer` (fetches, merges,
 *   preloads) keeps an existing JWT that is the same claim or newer.
 *
 * Change and delete callbacks let the server re-apply or disable a loaded account.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { basename, join, resolve as resolvePath } from 'node:path';
import { decodeGenericJwt, isValidPublicKey } from './claims.js';
import { ACCOUNT_FETCH_TIMEOUT_MS, type AccountResolver } from './resolvers.js';

const EXT = '.jwt';

interface Entry {
  hash: Buffer;
  /** Milliseconds since the epoch; Infinity = never. */
  expiresAt: number;
}

export interface DirStoreOptions {
  dir: string;
  /** `full` (exclusive store of all accounts) or `cache` (some accounts, evicting). */
  type: 'full' | 'cache';
  /** Maximum number of JWTs; 0/absent = unlimited for full, 1000 for cache. */
  limit?: number;
  /** Full only: `$SYS.REQ.CLAIMS.DELETE` may delete (files are renamed to `.deleted`). */
  allowDelete?: boolean;
  /** Cache only: forget a JWT this long after it was stored or last read (ms); 0 = keep. */
  ttlMs?: number;
  now?: () => number;
}

export class DirJwtStore {
  readonly directory: string;
  readonly type: 'full' | 'cache';
  readonly deleteType: 'none' | 'rename' | 'hard';
  readonly limit: number;
  readonly ttlMs: number;
  /** Called after a JWT was written with new content. */
  onChanged?: (account: string) => void;
  /** Called after a JWT was deleted through `delete`. */
  onDeleted?: (account: string) => void;
  /** Index in least-recently-used order (Map keeps insertion order; a use re-inserts). */
  private readonly idx = new Map<string, Entry>();
  private xor = Buffer.alloc(32);
  private readonly now: () => number;

  constructor(opts: DirStoreOptions) {
    this.now = opts.now ?? Date.now;
    this.type = opts.type;
    this.directory = resolvePath(opts.dir);
    this.deleteType = opts.type === 'cache' ? 'hard' : opts.allowDelete ? 'rename' : 'none';
    this.limit = opts.type === 'cache' ? ((opts.limit ?? 0) <= 0 ? 1000 : opts.limit!) : (opts.limit ?? 0) <= 0 ? Infinity : opts.limit!;
    this.ttlMs = opts.ttlMs ?? 0;
    let st: Stats | undefined;
    try {
      st = statSync(this.directory);
    } catch {
      mkdirSync(this.directory, { recursive: true, mode: 0o750 });
      st = statSync(this.directory);
    }
    if (!st.isDirectory()) throw new Error(`the path [${this.directory}] is not a directory`);
    for (const file of this.walk()) {
      try {
        const jwt = readFileSync(file, 'utf8');
        this.track(basename(file).slice(0, -EXT.length), jwt);
      } catch {
        // Unreadable files are skipped, as nats-server skips them.
      }
    }
  }

  /** `*.jwt` files under the directory, in lexical walk order (as Go's filepath.Walk). */
  private walk(dir = this.directory): string[] {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const n of names) {
      const p = join(dir, n);
      let st: Stats;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) out.push(...this.walk(p));
      else if (n.endsWith(EXT)) out.push(p);
    }
    return out;
  }

  private pathFor(account: string): string | undefined {
    if (!isValidPublicKey(account)) return undefined;
    return join(this.directory, `${account}${EXT}`);
  }

  private expiryOf(jwt: string): number {
    if (this.ttlMs !== 0) return this.now() + this.ttlMs;
    try {
      const exp = decodeGenericJwt(jwt).exp;
      return exp === 0 ? Infinity : exp * 1000;
    } catch {
      return Infinity;
    }
  }

  private xorIn(hash: Buffer): void {
    for (let i = 0; i < 32; i++) this.xor[i]! ^= hash[i]!;
  }

  private track(account: string, jwt: string): void {
    const hash = createHash('sha256').update(jwt).digest();
    const old = this.idx.get(account);
    if (old) {
      this.xorIn(old.hash);
      old.hash = hash;
      old.expiresAt = this.expiryOf(jwt);
    } else this.idx.set(account, { hash, expiresAt: this.expiryOf(jwt) });
    this.xorIn(hash);
  }

  private untrack(account: string): void {
    const e = this.idx.get(account);
    if (!e) return;
    this.xorIn(e.hash);
    this.idx.delete(account);
  }

  /** A read or an unchanged write: refreshes a cache entry's ttl and LRU position. */
  private touch(account: string): void {
    const e = this.idx.get(account);
    if (!e) return;
    if (this.ttlMs !== 0) e.expiresAt = this.now() + this.ttlMs;
    if (this.type === 'cache') {
      this.idx.delete(account);
      this.idx.set(account, e);
    }
  }

  /** The XOR of the sha256 of every indexed JWT (32 bytes; all zero when empty). */
  hash(): Buffer {
    return Buffer.from(this.xor);
  }

  /** Number of indexed JWTs. */
  get size(): number {
    return this.idx.size;
  }

  has(account: string): boolean {
    return this.idx.has(account);
  }

  /** The stored JWT. Rejects as nats-server's load does (`invalid public key`, or the file error). */
  load(account: string): string {
    const path = this.pathFor(account);
    if (!path) throw new Error('invalid public key');
    const jwt = readFileSync(path, 'utf8');
    this.touch(account);
    return jwt;
  }

  private writeFile(path: string, account: string, jwt: string): boolean {
    const newHash = createHash('sha256').update(jwt).digest();
    const existing = this.idx.get(account);
    if (existing) {
      this.touch(account);
      if (existing.hash.equals(newHash)) return false;
    } else if (this.idx.size >= this.limit) {
      if (this.type !== 'cache') throw new Error('jwt store is full');
      const lru = this.idx.keys().next().value as string;
      unlinkSync(this.pathFor(lru)!);
      this.untrack(lru);
    }
    mkdirSync(this.directory, { recursive: true, mode: 0o750 });
    const tmp = join(this.directory, `.${account}${EXT}.tmp`);
    writeFileSync(tmp, jwt, { mode: 0o640 });
    renameSync(tmp, path);
    this.track(account, jwt);
    return true;
  }

  /** nats-server `save`: writes when the content differs; calls `onChanged` when it wrote. */
  save(account: string, jwt: string): boolean {
    const path = this.pathFor(account);
    if (!path) throw new Error('invalid public key');
    const changed = this.writeFile(path, account, jwt);
    if (changed) this.onChanged?.(account);
    return changed;
  }

  /**
   * nats-server `saveIfNewer`: an existing JWT with the same `jti`, or a later `iat`, is kept;
   * a new one must be for this account. Calls `onChanged` when it wrote.
   */
  saveIfNewer(account: string, jwt: string): boolean {
    const path = this.pathFor(account);
    if (!path) throw new Error('invalid public key');
    let exists = true;
    try {
      statSync(path);
    } catch {
      exists = false;
    }
    if (exists) {
      const fresh = decodeGenericJwt(jwt);
      const current = readFileSync(path, 'utf8');
      let old: ReturnType<typeof decodeGenericJwt> | undefined;
      try {
        old = decodeGenericJwt(current);
      } catch {
        old = undefined;
      }
      if (old) {
        if (old.jti === fresh.jti) return false;
        if (old.iat > fresh.iat) return false;
        if (fresh.sub !== account) throw new Error('jwt subject nkey and provided nkey do not match');
        if (old.sub !== fresh.sub) throw new Error('subject of existing and new jwt do not match');
      }
    }
    const changed = this.writeFile(path, account, jwt);
    if (changed) this.onChanged?.(account);
    return changed;
  }

  /** nats-server `delete` (`$SYS.REQ.CLAIMS.DELETE`). */
  delete(account: string): void {
    if (this.deleteType === 'none') throw new Error('store is not set up to for delete');
    const path = this.pathFor(account);
    if (!path) throw new Error('invalid public key');
    try {
      if (this.deleteType === 'rename') renameSync(path, `${path}.deleted`);
      else unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    this.untrack(account);
    this.onDeleted?.(account);
  }

  /**
   * nats-server `PackWalk`: `pubkey|jwt` lines of the indexed, unexpired JWTs in walk order,
   * `maxJwts` lines per message.
   */
  pack(maxJwts = 1): string[] {
    if (maxJwts <= 0) throw new Error('bad arguments to PackWalk');
    const nowSec = Math.floor(this.now() / 1000);
    const out: string[] = [];
    let batch: string[] = [];
    for (const file of this.walk()) {
      const account = basename(file).slice(0, -EXT.length);
      if (!this.idx.has(account)) continue;
      const jwt = readFileSync(file, 'utf8');
      try {
        const exp = decodeGenericJwt(jwt).exp;
        if (exp > 0 && exp < nowSec) continue;
      } catch {
        // An undecodable JWT is packed as is.
      }
      batch.push(`${account}|${jwt}`);
      if (batch.length === maxJwts) {
        out.push(batch.join('\n'));
        batch = [];
      }
    }
    if (batch.length) out.push(batch.join('\n'));
    return out;
  }

  /** Public keys of the packable accounts (`$SYS.REQ.CLAIMS.LIST`). */
  list(): string[] {
    return this.pack(1).map((m) => m.split('|')[0]!);
  }

  /** nats-server `Merge`: applies a pack message with `saveIfNewer`; stops at the first bad line. */
  merge(pack: string): void {
    for (const line of pack.split('\n')) {
      if (line === '') continue;
      const split = line.split('|');
      if (split.length !== 2) throw new Error(`line in package didn't contain 2 entries: ${JSON.stringify(line)}`);
      if (!isValidPublicKey(split[0], 'A')) throw new Error('key to merge is not a valid public account key');
      this.saveIfNewer(split[0]!, split[1]!);
    }
  }

  /** Removes entries whose expiry passed (files deleted, no callback); returns the accounts removed. */
  sweepExpired(): string[] {
    const now = this.now();
    const removed: string[] = [];
    for (const [account, e] of [...this.idx]) {
      if (e.expiresAt > now) continue;
      try {
        unlinkSync(this.pathFor(account)!);
      } catch {
        continue;
      }
      this.untrack(account);
      removed.push(account);
    }
    return removed;
  }

  /** nats-server `Reload`: re-reads the directory; `onChanged` for JWTs whose content changed (cache: all). */
  reload(): void {
    const old = new Map(this.idx);
    this.idx.clear();
    this.xor = Buffer.alloc(32);
    for (const file of this.walk()) {
      let jwt: string;
      try {
        jwt = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const account = basename(file).slice(0, -EXT.length);
      this.track(account, jwt);
      const before = old.get(account);
      const notify = before ? !before.hash.equals(this.idx.get(account)!.hash) : this.type === 'cache';
      if (notify) this.onChanged?.(account);
    }
  }
}

/**
 * How a directory resolver asks the other servers for an account it does not have
 * (`$SYS.REQ.ACCOUNT.<acc>.CLAIMS.LOOKUP`, first reply wins); wired by the integration.
 */
export type RemoteLookup = (account: string, timeoutMs: number) => Promise<string>;

export interface DirResolverOptions extends DirStoreOptions {
  /** Full only: how often to send `$SYS.REQ.CLAIMS.PACK` (default 1 minute). */
  syncIntervalMs?: number;
  /** How long to wait for a remote lookup (default 1.9 s; must be positive). */
  fetchTimeoutMs?: number;
  remoteLookup?: RemoteLookup;
}

/** `resolver { type: full|cache, dir, … }` over a `DirJwtStore`. */
export class DirResolver implements AccountResolver {
  readonly kind: 'full' | 'cache';
  readonly readOnly = false;
  readonly store: DirJwtStore;
  readonly syncIntervalMs: number;
  readonly fetchTimeoutMs: number;
  remoteLookup?: RemoteLookup;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(opts: DirResolverOptions) {
    if (opts.fetchTimeoutMs !== undefined && opts.fetchTimeoutMs <= 0) throw new Error(`Fetch timeout ${opts.fetchTimeoutMs}ms is too smal`);
    this.kind = opts.type;
    this.store = new DirJwtStore(opts);
    this.syncIntervalMs = opts.type === 'full' && (opts.syncIntervalMs ?? 0) > 0 ? opts.syncIntervalMs! : 60_000;
    this.fetchTimeoutMs = opts.fetchTimeoutMs ?? ACCOUNT_FETCH_TIMEOUT_MS;
    if (opts.remoteLookup) this.remoteLookup = opts.remoteLookup;
    // Expiry sweep: every ttl/2 (at most a minute), as nats-server's expiration tracker.
    const every = Math.min(this.store.ttlMs > 0 ? this.store.ttlMs / 2 : 60_000, 60_000);
    this.sweeper = setInterval(() => this.store.sweepExpired(), Math.max(every, 10));
    this.sweeper.unref();
  }

  /** The local JWT, else a remote lookup (stored with `saveIfNewer`), else nats-server's error. */
  async fetch(account: string): Promise<string> {
    let localError: Error;
    try {
      const jwt = this.store.load(account);
      if (jwt !== '') return jwt;
      localError = new Error('empty JWT file');
    } catch (e) {
      localError = e as Error;
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') localError = new Error(`open ${join(this.store.directory, account + EXT)}: no such file or directory`);
    }
    if (!this.remoteLookup) throw localError;
    const jwt = await this.remoteLookup(account, this.fetchTimeoutMs);
    await this.update(account, jwt);
    return jwt;
  }
  /** nats-server `Store` (preloads, fetched JWTs): keeps an existing newer JWT. */
  async update(account: string, jwt: string): Promise<void> {
    this.store.saveIfNewer(account, jwt);
  }
  async list(): Promise<string[]> {
    return this.store.list();
  }
  async delete(account: string): Promise<void> {
    this.store.delete(account);
  }
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
