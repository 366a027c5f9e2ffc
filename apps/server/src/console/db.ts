/*
 * Console state in SQLite (better-sqlite3, WAL): console users, sessions, audit log, config
 * revisions, STATSZ history. Migrations are versioned in code (PRAGMA user_version). A database
 * that can not be opened or read is reported, never recreated.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
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
];

export function openDatabase(dataDir: string): Db {
  const dir = resolve(dataDir);
  const file = join(dir, 'console.db');
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new ConsoleDbError(`cannot create the data directory ${dir}: ${(e as Error).message}`);
  }
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: false });
  } catch (e) {
    throw new ConsoleDbError(`cannot open the console database ${file}: ${(e as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`);
    migrate(db);
  } catch (e) {
    db.close();
    if (e instanceof ConsoleDbError) throw e;
    throw new ConsoleDbError(
      `the console database ${file} is corrupt or unreadable (${(e as Error).message}); ` +
        `move it aside to start with a new one, or restore it from a backup`,
    );
  }
  return db;
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new ConsoleDbError(`the console database has schema version ${version}, newer than this Switchboard knows (${MIGRATIONS.length})`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
