/*
 * Console state in SQLite (better-sqlite3, WAL): console users, sessions, audit log, config
 * revisions (with conf text, so with secrets), pending config changes, STATSZ history, the
 * operator-mode keys the console manages (seeds sealed, seed-vault.ts). Private to
 * the user running the server: the directory is created 0700 and the files 0600; deleted rows are
 * overwritten (secure_delete). Migrations are versioned in code (PRAGMA user_version) and run in
 * an IMMEDIATE transaction, so servers starting at once on one directory do not race. A database
 * that can not be opened, read, or that lacks a table is reported, never recreated.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type Db = Database.Database;

export class ConsoleDbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConsoleDbError';
  }
}

/** Ordered migrations; index + 1 is the schema version it leads to. Append only. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
     id INTEGER PRIMARY KEY,
     username TEXT NOT NULL UNIQUE,
     password_hash TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
     created_at INTEGER NOT NULL
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY,
     time INTEGER NOT NULL,
     user TEXT NOT NULL,
     role TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT,
     outcome TEXT NOT NULL,
     detail TEXT,
     revision TEXT,
     ip TEXT
   );
   CREATE INDEX audit_time ON audit(time);
   CREATE TABLE revisions (
     id INTEGER PRIMARY KEY,
     created_at INTEGER NOT NULL,
     author TEXT NOT NULL,
     source TEXT NOT NULL,
     comment TEXT,
     parent INTEGER,
     config_file TEXT,
     text TEXT NOT NULL,
     options_json TEXT NOT NULL,
     change_count INTEGER NOT NULL
   );
   CREATE TABLE stats_servers (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     last_seen INTEGER NOT NULL
   );
   CREATE TABLE stats (
     server_id TEXT NOT NULL,
     tier TEXT NOT NULL,
     t INTEGER NOT NULL,
     sample TEXT NOT NULL,
     PRIMARY KEY (server_id, tier, t)
   ) WITHOUT ROWID;`,
  // A config change is recorded here before the file is written, and becomes a revision (with
  // its audit entry) after; one left over from a crash is reconciled at the next start.
  `CREATE TABLE intents (
     id INTEGER PRIMARY KEY,
     created_at INTEGER NOT NULL,
     user TEXT NOT NULL,
     role TEXT NOT NULL,
     ip TEXT,
     action TEXT NOT NULL,
     target TEXT,
     source TEXT NOT NULL,
     comment TEXT,
     parent INTEGER,
     config_file TEXT NOT NULL,
     text TEXT NOT NULL,
     options_json TEXT NOT NULL
   );`,
  // Stats history is kept by server name (a restart keeps it, the id changes); the id last heard.
  `ALTER TABLE stats_servers ADD COLUMN server_id TEXT NOT NULL DEFAULT '';
   UPDATE stats_servers SET server_id = id;`,
  // Operator mode: the operator, accounts and users the console manages (JWTs, public keys), and
  // the seeds the operator chose to keep, sealed (seed-vault.ts).
  `CREATE TABLE op_entities (
     public_key TEXT PRIMARY KEY,
     kind TEXT NOT NULL CHECK (kind IN ('operator', 'account', 'user')),
     parent TEXT,
     name TEXT NOT NULL,
     jwt TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     pushed_at INTEGER,
     revoked_at INTEGER
   );
   CREATE TABLE op_seeds (
     public_key TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     sealed BLOB NOT NULL,
     created_at INTEGER NOT NULL
   );`,
  // Activation tokens the console issued for private exports: their facts, never the token's signer.
  `CREATE TABLE op_activations (
     jti TEXT PRIMARY KEY,
     exporter TEXT NOT NULL,
     export_type TEXT NOT NULL CHECK (export_type IN ('stream', 'service')),
     export_subject TEXT NOT NULL,
     importer TEXT NOT NULL,
     subject TEXT NOT NULL,
     signed_by TEXT NOT NULL,
     issued_at INTEGER NOT NULL,
     expires_at INTEGER,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX op_activations_exporter ON op_activations (exporter, export_type, export_subject);`,
];

export interface OpenedDb {
  db: Db;
  file: string;
  /** Things worth a log line (e.g. a data directory others can read). */
  warnings: string[];
}

/** Creates `dir` 0700 if missing; warns when an existing one is open to others. */
function prepareDir(dir: string, warnings: string[]): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new ConsoleDbError(`cannot create the data directory ${dir}: ${(e as Error).message}`);
  }
  const mode = statSync(dir).mode & 0o777;
  if (mode & 0o077) warnings.push(`the console data directory ${dir} is readable by others (mode ${mode.toString(8)}); it holds config revisions with their secrets: chmod 700 it`);
}

/** console.db exists with mode 0600 before SQLite opens it (its -wal and -shm files take its mode). */
function prepareFile(file: string): void {
  try {
    closeSync(openSync(file, 'a', 0o600));
    if (statSync(file).mode & 0o077) chmodSync(file, 0o600);
  } catch (e) {
    throw new ConsoleDbError(`cannot open the console database ${file}: ${(e as Error).message}`);
  }
}

export function openDatabase(dataDir: string): OpenedDb {
  const dir = resolve(dataDir);
  const file = join(dir, 'console.db');
  const warnings: string[] = [];
  prepareDir(dir, warnings);
  prepareFile(file);
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (e) {
    throw new ConsoleDbError(`cannot open the console database ${file}: ${(e as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 10000');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`);
    migrate(db);
    verifySchema(db);
  } catch (e) {
    db.close();
    if (e instanceof ConsoleDbError) throw e;
    throw new ConsoleDbError(
      `the console database ${file} is corrupt or unreadable (${(e as Error).message}); ` +
        `move it aside to start with a new one, or restore it from a backup`,
    );
  }
  return { db, file, warnings };
}

function migrate(db: Db): void {
  const step = db.transaction(() => {
    // Read inside the IMMEDIATE transaction: another process may have migrated meanwhile.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new ConsoleDbError(`the console database has schema version ${version}, newer than this Switchboard knows (${MIGRATIONS.length})`);
    }
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
    if (version < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  });
  step.immediate();
}

type Columns = Map<string, string[]>;

function columnsOf(db: Db): Columns {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
  return new Map(tables.map((t) => [t.name, (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(t.name) as { name: string }[]).map((c) => c.name)]));
}

/** Every table and column the migrations make is there (a dropped table fails here, at start). */
function verifySchema(db: Db): void {
  const fresh = new Database(':memory:');
  try {
    for (const m of MIGRATIONS) fresh.exec(m);
    const want = columnsOf(fresh);
    const have = columnsOf(db);
    for (const [table, cols] of want) {
      const got = have.get(table);
      if (!got) throw new Error(`table ${table} is missing`);
      const missing = cols.filter((c) => !got.includes(c));
      if (missing.length > 0) throw new Error(`table ${table} lacks column ${missing.join(', ')}`);
    }
  } finally {
    fresh.close();
  }
}
