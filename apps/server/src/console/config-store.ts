/*
 * The console's path to change the configuration, the same one SIGHUP takes: validate the new
 * model, refuse what needs a restart, write the conf file atomically (temp file in the same
 * directory, fsync, rename), reload from disk, and keep each version as a revision (the newest
 * `maxRevisions`). A refused reload puts the previous file back; the running config never changes
 * half-way. Crash safety: the change is recorded as an intent before the file is written; the
 * revision and its audit entry are one transaction after; an intent left by a crash is reconciled
 * at the next start (see reconcile()).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OptionsSchema, toIssues, type AffectedConnection, type ConfigChange, type Issue, type Options, type OptionsInput, type Revision, type RevisionSummary } from '@switchboard/shared';
import {
  contentLostByRewrite,
  diffOptions,
  formatError,
  parseConfigText,
  patchConfigText,
  writeConfig,
  type Switchboard,
  type ConfigError,
} from '@switchboard/broker';
import type { AuditLog } from './audit.js';
import { affectedConnections } from './affected.js';
import type { Db } from './db.js';
import { ApiHttpError } from './errors.js';
import type { ConsoleLog } from './log.js';

interface RevisionRow {
  id: number;
  created_at: number;
  author: string;
  source: RevisionSummary['source'];
  comment: string | null;
  parent: number | null;
  config_file: string | null;
  text: string;
  options_json: string;
  change_count: number;
}

export interface Checked {
  options: OptionsInput | null;
  text: string;
  errors: Issue[];
  warnings: string[];
}

export interface ApplyOutcome {
  revision: string;
  changes: ConfigChange[];
  warnings: string[];
  /** Written, not reloaded: a change needs a restart. */
  appliesAtRestart?: boolean;
}

function configErrorIssue(e: ConfigError): Issue {
  const m = /^invalid value for ([^:]+): (.*)$/.exec(e.message);
  if (m) return { path: m[1] === 'options' ? '' : m[1], message: `${m[2]} (${e.file}:${e.line}:${e.col})` };
  // Mapper errors name the conf key: `"max_payload" must be an integer…`.
  const key = /^"([^"]+)"/.exec(e.message);
  return { path: key ? key[1] : '', message: formatError(e) };
}

/** The model path named in a reload error, when it names one. */
function reloadErrorIssue(msg: string): Issue {
  const m = /^invalid value for ([^:]+): (.*)$/.exec(msg);
  if (m) return { path: m[1], message: m[2] };
  const acc = /account "?([^"\s]+)"?/i.exec(msg);
  return { path: acc ? `accounts.${acc[1]}` : '', message: msg };
}

/** Who makes a change, and how it is audited. */
export interface ChangeMeta {
  author: string;
  role: string;
  ip?: string;
  action: string;
  target?: string;
  source: 'edit' | 'rollback';
  comment?: string;
}

interface IntentRow {
  id: number;
  created_at: number;
  user: string;
  role: string;
  ip: string | null;
  action: string;
  target: string | null;
  source: 'edit' | 'rollback';
  comment: string | null;
  parent: number | null;
  config_file: string;
  text: string;
  options_json: string;
}

export function summarize(changes: { path: string }[]): string {
  return changes.length === 0 ? 'no changes' : changes.map((c) => c.path).join(', ');
}

export interface ConfigStoreOptions {
  /** Revisions kept (newest first; the current one always). Default 100. */
  maxRevisions?: number;
  log?: ConsoleLog;
}

export class ConfigStore {
  private queue: Promise<unknown> = Promise.resolve();
  /** Test seam: replaces the atomic file write. */
  writeFile: (path: string, text: string) => void = atomicWrite;
  readonly maxRevisions: number;
  private readonly log: ConsoleLog;
  /** The revision the server runs: set at start, by every successful reload; not by a save that waits for a restart. */
  private runningId: number | null = null;

  constructor(
    private readonly server: Switchboard,
    private readonly db: Db,
    readonly configFile: string | undefined,
    private readonly audit: AuditLog,
    opts: ConfigStoreOptions = {},
  ) {
    this.maxRevisions = Math.max(1, opts.maxRevisions ?? 100);
    this.log = opts.log ?? { info: () => {}, warn: () => {}, error: () => {} };
    // A reload from the file (SIGHUP, the console's) makes what is on disk the running revision.
    server.on('reload', (r: { ok: boolean; applied: boolean }) => {
      if (!r.ok || !r.applied) return;
      try {
        this.runningId = this.syncFromDisk().id;
      } catch {
        /* the console db is failing: the next read says so */
      }
    });
  }

  /** Marks what is on disk now as what runs (at start: the server has just loaded the file). */
  markRunning(): void {
    this.runningId = this.current().id;
  }

  get running(): string | null {
    return this.runningId === null ? null : String(this.runningId);
  }

  /** Changes in the file the running server has not applied (empty when the file is what runs). */
  pending(): ConfigChange[] {
    const cur = this.current();
    if (this.runningId === null || this.runningId === cur.id) return [];
    return diffOptions(this.server.opts, resolveLoose(JSON.parse(cur.options_json) as OptionsInput));
  }

  /** Why the file on disk would not load now (file:line:col), when it would not. */
  diskErrors(): string[] {
    if (!this.configFile) return [];
    const cur = this.current();
    const loaded = parseConfigText(cur.text, this.configFile);
    if (loaded.errors.length > 0) return loaded.errors.map((e) => formatError(e));
    const r = OptionsSchema.safeParse(loaded.options);
    if (!r.success) return toIssues(r.error).map((i) => `${i.path}: ${i.message}`);
    return this.server.validate(r.data);
  }

  get editable(): boolean {
    return this.configFile !== undefined;
  }

  /** Records a revision for what is on disk (or, without a file, what runs) unless already current. */
  syncFromDisk(author = 'system'): RevisionRow {
    let text: string | null;
    let options: OptionsInput;
    if (this.configFile) {
      try {
        text = readFileSync(this.configFile, 'utf8');
      } catch {
        text = null;
      }
      options = text === null ? {} : parseConfigText(text, this.configFile).options;
    } else {
      options = this.server.opts;
      text = writeConfig(this.server.opts);
    }
    const latest = this.latestRow();
    if (latest && (text === null || (latest.text === text && latest.config_file === (this.configFile ?? null)))) return latest;
    // A console write in progress: the file is ahead of the revisions until the write is recorded.
    if (latest && text !== null && this.pendingWith(text)) return latest;
    return this.db
      .transaction((): RevisionRow => {
        const now = this.latestRow();
        if (now && now.text === text && now.config_file === (this.configFile ?? null)) return now;
        return this.insert({ author, source: now ? 'disk' : 'start', text: text ?? '', options, parent: now?.id ?? null });
      })
      .immediate();
  }

  current(): RevisionRow {
    return this.syncFromDisk();
  }

  private latestRow(): RevisionRow | undefined {
    return this.db.prepare('SELECT * FROM revisions ORDER BY id DESC LIMIT 1').get() as RevisionRow | undefined;
  }

  private pendingWith(text: string): boolean {
    return this.db.prepare('SELECT 1 FROM intents WHERE config_file = ? AND text = ? LIMIT 1').get(this.configFile ?? '', text) !== undefined;
  }

  private insert(r: { author: string; source: RevisionSummary['source']; text: string; options: OptionsInput; parent: number | null; comment?: string }): RevisionRow {
    let changeCount = 0;
    if (r.parent !== null) {
      const parent = this.row(String(r.parent));
      if (parent) changeCount = this.changesBetween(JSON.parse(parent.options_json) as OptionsInput, r.options).length;
    }
    const info = this.db
      .prepare('INSERT INTO revisions (created_at, author, source, comment, parent, config_file, text, options_json, change_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(Date.now(), r.author, r.source, r.comment ?? null, r.parent, this.configFile ?? null, r.text, JSON.stringify(r.options), changeCount);
    // Bounded history: old conf texts (and the secrets in them) do not stay forever.
    this.db.prepare('DELETE FROM revisions WHERE id NOT IN (SELECT id FROM revisions ORDER BY id DESC LIMIT ?)').run(this.maxRevisions);
    return this.row(String(info.lastInsertRowid))!;
  }

  private changesBetween(a: OptionsInput, b: OptionsInput): ConfigChange[] {
    return diffOptions(resolveLoose(a), resolveLoose(b));
  }

  /**
   * Settles config writes a crash interrupted (run at start, before syncFromDisk): an intent
   * whose text is in the file became the revision its author made, with its audit entry; one
   * whose text is not was never written, and is audited as failed.
   */
  reconcile(): void {
    const intents = this.db.prepare('SELECT * FROM intents ORDER BY id').all() as IntentRow[];
    for (const intent of intents) {
      let onDisk: string | null = null;
      try {
        onDisk = readFileSync(intent.config_file, 'utf8');
      } catch {
        /* no file: not written */
      }
      const written = onDisk === intent.text;
      const entry = this.db
        .transaction(() => {
          if (!this.db.prepare('SELECT 1 FROM intents WHERE id = ?').get(intent.id)) return null; // another process settled it
          this.db.prepare('DELETE FROM intents WHERE id = ?').run(intent.id);
          const who = { user: intent.user, role: intent.role, ip: intent.ip ?? undefined, action: intent.action, target: intent.target ?? undefined };
          if (!written) {
            return this.audit.insert({ ...who, outcome: 'failed', detail: 'interrupted: the server stopped before the config file was written; the file does not hold this change' });
          }
          const options = JSON.parse(intent.options_json) as OptionsInput;
          const latest = this.latestRow();
          const parent = latest?.id ?? intent.parent;
          const changes = latest ? this.changesBetween(JSON.parse(latest.options_json) as OptionsInput, options) : [];
          const row = this.insert({ author: intent.user, source: intent.source, text: intent.text, options, parent, comment: intent.comment ?? undefined });
          return this.audit.insert({ ...who, outcome: 'ok', revision: String(row.id), detail: `${summarize(changes)} (recorded at the next start: the server stopped after writing the file)` });
        })
        .immediate();
      if (entry) {
        this.audit.notify(entry);
        this.log.warn(`Console: settled an interrupted config change by ${intent.user}: ${entry.outcome === 'ok' ? `recorded as revision ${entry.revision}` : 'not written'}`);
      }
    }
  }

  row(id: string): RevisionRow | undefined {
    if (!/^\d+$/.test(id)) return undefined;
    return this.db.prepare('SELECT * FROM revisions WHERE id = ?').get(Number(id)) as RevisionRow | undefined;
  }

  /** The file's own model (no defaults, no command-line overrides): the base of edits. */
  fileOptions(): OptionsInput {
    return JSON.parse(this.current().options_json) as OptionsInput;
  }

  list(limit: number, offset: number): { revisions: RevisionSummary[]; total: number; current: string; running: string | null; diskErrors: string[] } {
    const current = String(this.current().id);
    const total = (this.db.prepare('SELECT count(*) AS n FROM revisions').get() as { n: number }).n;
    const rows = this.db.prepare('SELECT * FROM revisions ORDER BY id DESC LIMIT ? OFFSET ?').all(limit, offset) as RevisionRow[];
    return { revisions: rows.map(summary), total, current, running: this.running, diskErrors: this.running === current ? [] : this.diskErrors() };
  }

  revision(id: string): Revision {
    const r = this.row(id);
    if (!r) throw new ApiHttpError('REVISION_NOT_FOUND', `no config revision ${id}`);
    return { ...summary(r), text: r.text, options: JSON.parse(r.options_json) as Record<string, unknown> };
  }

  diff(from: string, to: string): ConfigChange[] {
    const a = this.revision(from);
    const b = this.revision(to);
    return diffOptions(resolveLoose(a.options as OptionsInput), resolveLoose(b.options as OptionsInput));
  }

  /** Parses text or validates a model; every problem with its path. */
  check(input: { text: string } | { options: unknown }): Checked {
    if ('text' in input) {
      const loaded = parseConfigText(input.text, this.configFile ?? 'config.conf');
      return {
        options: loaded.errors.length ? null : loaded.options,
        text: input.text,
        errors: loaded.errors.map(configErrorIssue),
        warnings: loaded.warnings.map((w) => `${w.file}:${w.line}:${w.col}: ${w.message}`),
      };
    }
    const r = OptionsSchema.safeParse(input.options);
    if (!r.success) return { options: null, text: '', errors: toIssues(r.error), warnings: [] };
    // The server's own objections (an import whose export is gone…) first: they are the reason,
    // not whether the edit can be spliced into the file's text.
    const invalid = this.server.validate(r.data);
    if (invalid.length > 0) return { options: null, text: '', errors: invalid.map(reloadErrorIssue), warnings: [] };
    const options = input.options as OptionsInput;
    return { options, text: this.render(options), errors: [], warnings: [] };
  }

  /**
   * The conf text for an edited model. The file on disk (read fresh) is patched: only the
   * top-level entries whose value changed are rewritten, so comments, includes and variables
   * elsewhere survive. When patching is impossible, the whole model is rendered only if the file
   * holds nothing a rewrite would lose; otherwise the edit is refused (CONFIG_NOT_PATCHABLE).
   */
  private render(after: OptionsInput): string {
    if (!this.configFile) return writeConfig(after);
    let text: string;
    try {
      text = readFileSync(this.configFile, 'utf8');
    } catch {
      return writeConfig(after); // no file yet: nothing to keep
    }
    // The splice is relative to this text, so its own model is the "before" (the running model
    // also holds command-line overrides and defaults, which are not in the file).
    const before = parseConfigText(text, this.configFile).options;
    const patched = patchConfigText(text, this.configFile, before, after);
    if ('text' in patched) return patched.text;
    const lost = contentLostByRewrite(text);
    if (lost.length === 0) return writeConfig(after);
    throw new ApiHttpError(
      'CONFIG_NOT_PATCHABLE',
      `cannot apply the edit to ${this.configFile}: ${patched.error}. Rewriting the whole file would lose its ${lost.join(', ')}; edit the file's text instead; nothing changed`,
    );
  }

  /** What a reload to `checked` would do (nothing applied). */
  async preview(checked: Checked): Promise<{ ok: boolean; changes: ConfigChange[]; restartRequired: boolean; errors: Issue[]; warnings: string[]; closes?: AffectedConnection[] }> {
    if (!checked.options) return { ok: false, changes: [], restartRequired: false, errors: checked.errors, warnings: checked.warnings };
    const r = await this.server.reload(checked.options, { dryRun: true });
    const restartRequired = r.changes.some((c) => !c.hot);
    // Refusals of needs-restart changes are not problems: such an edit is saved for the next restart.
    const errors = restartRequired ? [] : r.errors.map(reloadErrorIssue);
    // A deferred edit closes nothing now; a hot one re-checks clients when who may connect changes.
    const closes = restartRequired || !r.ok ? [] : affectedConnections(this.server, this.server.opts, resolveLoose(checked.options));
    return { ok: r.ok, changes: r.changes, restartRequired, errors, warnings: [...checked.warnings, ...r.warnings], closes };
  }

  /** Serialises applies: one at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes and reloads `checked` if `ifMatch` is the current revision, then records the revision
   * and its audit entry. Throws an ApiHttpError (with nothing changed) on a stale revision, an
   * invalid config, a change that needs a restart, a failed write or a refused reload; the
   * caller audits refusals and failures.
   */
  apply(checked: Checked, ifMatch: string | undefined, meta: ChangeMeta): Promise<ApplyOutcome> {
    return this.exclusive(async () => {
      if (!this.configFile) throw new ApiHttpError('NO_CONFIG_FILE');
      const configFile = this.configFile;
      const current = this.current();
      if (ifMatch === undefined) throw new ApiHttpError('REVISION_REQUIRED', undefined, { revision: String(current.id) });
      if (ifMatch !== String(current.id)) {
        throw new ApiHttpError('REVISION_CONFLICT', `the configuration changed since revision ${ifMatch}; the current revision is ${current.id}`, { revision: String(current.id) });
      }
      if (!checked.options) throw new ApiHttpError('CONFIG_INVALID', invalidMessage(checked.errors), { issues: checked.errors });
      const options = checked.options;
      const dry = await this.server.reload(options, { dryRun: true });
      // A change the server cannot reload (gateway, cluster listener…) is saved to the file and
      // applies at the next restart; nats-server reloads all or nothing, so the rest of the edit waits too.
      const blocking = dry.changes.filter((c) => !c.hot);
      if (!dry.ok && blocking.length === 0) {
        const issues = dry.errors.map(reloadErrorIssue);
        throw new ApiHttpError('CONFIG_INVALID', invalidMessage(issues), { issues });
      }
      const deferred = blocking.length > 0;
      const who = { user: meta.author, role: meta.role, ip: meta.ip, action: meta.action, target: meta.target };
      const previous = current.text;
      if (checked.text === previous && dry.changes.length === 0) {
        this.audit.record({ ...who, outcome: 'ok', detail: 'no changes', revision: String(current.id) });
        return { revision: String(current.id), changes: [], warnings: [...checked.warnings, ...dry.warnings] };
      }
      // The intent first: a crash from here on is settled at the next start (reconcile()).
      let intentId: number;
      try {
        intentId = Number(
          this.db
            .prepare('INSERT INTO intents (created_at, user, role, ip, action, target, source, comment, parent, config_file, text, options_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
            .run(Date.now(), meta.author, meta.role, meta.ip ?? null, meta.action, meta.target ?? null, meta.source, meta.comment ?? null, current.id, configFile, checked.text, JSON.stringify(options)).lastInsertRowid,
        );
      } catch (e) {
        throw new ApiHttpError('CONFIG_WRITE_FAILED', `cannot record the change in the console database: ${(e as Error).message}; nothing changed`);
      }
      const dropIntent = () => {
        try {
          this.db.prepare('DELETE FROM intents WHERE id = ?').run(intentId);
        } catch (e) {
          // The next start settles it (the file does not hold the change).
          this.log.error(`Console: cannot clear a pending config change: ${(e as Error).message}`);
        }
      };
      try {
        this.writeFile(configFile, checked.text);
      } catch (e) {
        dropIntent();
        throw new ApiHttpError('CONFIG_WRITE_FAILED', `cannot write ${configFile}: ${(e as Error).message}; nothing changed`);
      }
      const result = deferred ? { ...dry, ok: true, applied: false } : await this.server.reload();
      if (!result.ok) {
        try {
          this.writeFile(configFile, previous);
        } catch (e) {
          // The file holds the change but the server refused it: leave the intent for reconcile().
          throw new ApiHttpError('CONFIG_WRITE_FAILED', `reload refused (${result.errors.join('; ')}) and the previous file could not be restored: ${(e as Error).message}`);
        }
        dropIntent();
        throw new ApiHttpError('RELOAD_REFUSED', `reload refused: ${result.errors.join('; ')}; the previous file was restored`, { changes: result.changes });
      }
      const entry = this.db
        .transaction(() => {
          const row = this.insert({ author: meta.author, source: meta.source, text: checked.text, options, parent: current.id, comment: meta.comment });
          this.db.prepare('DELETE FROM intents WHERE id = ?').run(intentId);
          const detail = deferred ? `${summarize(result.changes)} (saved; applies at the next restart: ${blocking.map((c) => c.path).join(', ')})` : summarize(result.changes);
          return this.audit.insert({ ...who, outcome: 'ok', detail, revision: String(row.id) });
        })
        .immediate();
      this.audit.notify(entry);
      if (!deferred) this.runningId = Number(entry.revision);
      const out: ApplyOutcome = { revision: entry.revision!, changes: result.changes, warnings: [...checked.warnings, ...result.warnings] };
      if (deferred) out.appliesAtRestart = true;
      return out;
    });
  }
}

function invalidMessage(issues: Issue[]): string {
  const first = issues[0];
  if (!first) return 'the configuration is invalid; nothing changed';
  return `invalid configuration: ${first.path ? `${first.path}: ` : ''}${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}; nothing changed`;
}

function resolveLoose(o: OptionsInput): Options {
  const r = OptionsSchema.safeParse(o);
  return r.success ? r.data : OptionsSchema.parse({});
}

function summary(r: RevisionRow): RevisionSummary {
  const s: RevisionSummary = { id: String(r.id), createdAt: new Date(r.created_at).toISOString(), author: r.author, source: r.source, changeCount: r.change_count };
  if (r.comment !== null) s.comment = r.comment;
  if (r.parent !== null) s.parent = String(r.parent);
  return s;
}

/** Temp file in the same directory, fsync, rename over, fsync the directory. */
export function atomicWrite(path: string, text: string): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* directory fsync is best effort (not supported everywhere) */
  }
}
