/*
 * Operator-mode seeds the operator chose to keep, encrypted at rest: AES-256-GCM with a key
 * derived by scrypt (a fresh salt per seed) from the console's secret, the public key as
 * additional data (a sealed seed moved to another key's row does not open). The secret is
 * SWITCHBOARD_CONSOLE_SECRET when set (kept outside the data directory, a copied console.db
 * alone opens nothing), else `console.secret` beside console.db: 32 random bytes made on first
 * use, mode 0600. Seeds never leave this module except to sign, or in the one response that
 * made them; nothing here logs.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Db } from './db.js';

const VERSION = 1;
const SCRYPT = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** The console's secret: the environment's, else the data directory's file (created 0600). */
export function consoleSecret(db: Db, env: NodeJS.ProcessEnv = process.env): { secret: Buffer; source: 'env' | 'file' } {
  const fromEnv = env.SWITCHBOARD_CONSOLE_SECRET;
  if (fromEnv && fromEnv.length > 0) return { secret: Buffer.from(fromEnv, 'utf8'), source: 'env' };
  const file = join(dirname(db.name), 'console.secret');
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(32).toString('base64'));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  if (statSync(file).mode & 0o077) chmodSync(file, 0o600);
  const text = readFileSync(file, 'utf8').trim();
  if (text.length < 32) throw new Error(`${file} is too short to be the console secret`);
  return { secret: Buffer.from(text, 'utf8'), source: 'file' };
}

export function seal(secret: Buffer, publicKey: string, seed: string): Buffer {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = scryptSync(secret, salt, 32, SCRYPT);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(publicKey));
  const body = Buffer.concat([c.update(seed, 'utf8'), c.final()]);
  return Buffer.concat([Buffer.from([VERSION]), salt, iv, c.getAuthTag(), body]);
}

export function unseal(secret: Buffer, publicKey: string, sealed: Buffer): string {
  if (sealed[0] !== VERSION || sealed.length < 1 + 16 + 12 + 16) throw new Error('unknown sealed seed format');
  const salt = sealed.subarray(1, 17);
  const iv = sealed.subarray(17, 29);
  const tag = sealed.subarray(29, 45);
  const key = scryptSync(secret, salt, 32, SCRYPT);
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(Buffer.from(publicKey));
  d.setAuthTag(tag);
  return Buffer.concat([d.update(sealed.subarray(45)), d.final()]).toString('utf8');
}

export class SeedVault {
  private cached: Buffer | undefined;
  constructor(private readonly db: Db) {}

  private secret(): Buffer {
    this.cached ??= consoleSecret(this.db).secret;
    return this.cached;
  }

  /** Stores `seed` (of `publicKey`, owned by the operator/account/user `owner`) encrypted. */
  put(publicKey: string, owner: string, seed: string): void {
    this.db
      .prepare('INSERT INTO op_seeds (public_key, owner, sealed, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(public_key) DO UPDATE SET owner = excluded.owner, sealed = excluded.sealed')
      .run(publicKey, owner, seal(this.secret(), publicKey, seed), Date.now());
  }

  has(publicKey: string): boolean {
    return this.db.prepare('SELECT 1 FROM op_seeds WHERE public_key = ?').get(publicKey) !== undefined;
  }

  /** Public keys with a stored seed, among `keys`. */
  stored(keys: readonly string[]): string[] {
    return keys.filter((k) => this.has(k));
  }

  /** The seed; throws with a plain reason when it cannot be opened (the console secret changed). */
  get(publicKey: string): string | undefined {
    const row = this.db.prepare('SELECT sealed FROM op_seeds WHERE public_key = ?').get(publicKey) as { sealed: Buffer } | undefined;
    if (!row) return undefined;
    try {
      return unseal(this.secret(), publicKey, row.sealed);
    } catch {
      throw new Error(`the stored seed of ${publicKey} cannot be decrypted: the console secret (SWITCHBOARD_CONSOLE_SECRET or console.secret) is not the one it was stored with`);
    }
  }

  deleteKey(publicKey: string): void {
    this.db.prepare('DELETE FROM op_seeds WHERE public_key = ?').run(publicKey);
  }

  deleteOwnedBy(owner: string): void {
    this.db.prepare('DELETE FROM op_seeds WHERE owner = ?').run(owner);
  }

  deleteAll(): void {
    this.db.prepare('DELETE FROM op_seeds').run();
  }
}
