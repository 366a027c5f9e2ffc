/*
 * The console's path to change the configuration, the same one SIGHUP takes: validate the new
 * model, refuse what needs a restart, write the conf file atomically (temp file in the same
 * directory, fsync, rename), reload from disk, and keep every version as a revision. A refused
 * reload puts the previous file back; the running config never changes half-way.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OptionsSchema, toIssues, type ConfigChange, type Issue, type Options, type OptionsInput, type Revision, type RevisionSummary } from '@switchboard/shared';
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
import type { Db } from './db.js';
import { ApiHttpError } from './errors.js';

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
}

const SECRET_KEYS = new Set(['password', 'token', 'pass']);

/** Deep copy with passwords and tokens replaced (for viewers). */
export function redact<T>(v: T): T {
  if (Array.isArray(v)) return v.map(redact) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = SECRET_KEYS.has(k) && typeof x === 'string' ? '[REDACTED]' : redact(x);
    return out as T;
  }
  return v;
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

export class ConfigStore {
  private queue: Promise<unknown> = Promise.resolve();
  /** Test seam: replaces the atomic file write. */
  writeFile: (path: string, text: string) => void = atomicWrite;

  constructor(
    private readonly server: Switchboard,
    private readonly db: Db,
    readonly configFile: string | undefined,
  ) {}

  get editable(): boolean {
    return this.configFile !== undefined;
  }

  /** Records a revision for what is on disk (or, without a file, what runs) unless already current. */
  syncFromDisk(author = 'system'): RevisionRow {
    const latest = this.latestRow();
    let text: string;
    let options: OptionsInput;
    if (this.configFile) {
      try {
        text = readFileSync(this.configFile, 'utf8');
      } catch {
        if (latest) return latest;
        text = '';
      }
      const loaded = parseConfigText(text, this.configFile);
      options = loaded.options;
    } else {
      options = this.server.opts;
      text = writeConfig(this.server.opts);
    }
    if (latest && latest.text === text && latest.config_file === (this.configFile ?? null)) return latest;
    return this.insert({ author, source: latest ? 'disk' : 'start', text, options, parent: latest?.id ?? null });
  }

  current(): RevisionRow {
    return this.syncFromDisk();
  }

  private latestRow(): RevisionRow | undefined {
    return this.db.prepare('SELECT * FROM revisions ORDER BY id DESC LIMIT 1').get() as RevisionRow | undefined;
  }

  private insert(r: { author: string; source: RevisionSummary['source']; text: string; options: OptionsInput; parent: number | null; comment?: string }): RevisionRow {
    let changeCount = 0;
    if (r.parent !== null) {
      const parent = this.row(String(r.parent));
      if (parent) changeCount = diffOptions(resolveLoose(JSON.parse(parent.options_json)), resolveLoose(r.options)).length;
    }
    const info = this.db
      .prepare('INSERT INTO revisions (created_at, author, source, comment, parent, config_file, text, options_json, change_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(Date.now(), r.author, r.source, r.comment ?? null, r.parent, this.configFile ?? null, r.text, JSON.stringify(r.options), changeCount);
    return this.row(String(info.lastInsertRowid))!;
  }

  row(id: string): RevisionRow | undefined {
    if (!/^\d+$/.test(id)) return undefined;
    return this.db.prepare('SELECT * FROM revisions WHERE id = ?').get(Number(id)) as RevisionRow | undefined;
  }

  /** The file's own model (no defaults, no command-line overrides): the base of edits. */
  fileOptions(): OptionsInput {
    return JSON.parse(this.current().options_json) as OptionsInput;
  }

  list(limit: number, offset: number): { revisions: RevisionSummary[]; total: number; current: string } {
    const current = String(this.current().id);
    const total = (this.db.prepare('SELECT count(*) AS n FROM revisions').get() as { n: number }).n;
    const rows = this.db.prepare('SELECT * FROM revisions ORDER BY id DESC LIMIT ? OFFSET ?').all(limit, offset) as RevisionRow[];
    return { revisions: rows.map(summary), total, current };
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
  async preview(checked: Checked): Promise<{ ok: boolean; changes: ConfigChange[]; restartRequired: boolean; errors: Issue[]; warnings: string[] }> {
    if (!checked.options) return { ok: false, changes: [], restartRequired: false, errors: checked.errors, warnings: checked.warnings };
    const r = await this.server.reload(checked.options, { dryRun: true });
    const restartRequired = r.changes.some((c) => !c.hot);
    return { ok: r.ok, changes: r.changes, restartRequired, errors: r.errors.map(reloadErrorIssue), warnings: [...checked.warnings, ...r.warnings] };
  }

  /** Serialises applies: one at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes and reloads `checked` if `ifMatch` is the current revision. Throws an ApiHttpError
   * (with nothing changed) on a stale revision, an invalid config, a change that needs a
   * restart, a failed write or a refused reload.
   */
  apply(checked: Checked, ifMatch: string | undefined, meta: { author: string; source: 'edit' | 'rollback'; comment?: string }): Promise<ApplyOutcome> {
    return this.exclusive(async () => {
      if (!this.configFile) throw new ApiHttpError('NO_CONFIG_FILE');
      const current = this.current();
      if (ifMatch === undefined) throw new ApiHttpError('REVISION_REQUIRED', undefined, { revision: String(current.id) });
      if (ifMatch !== String(current.id)) {
        throw new ApiHttpError('REVISION_CONFLICT', `the configuration changed since revision ${ifMatch}; the current revision is ${current.id}`, { revision: String(current.id) });
      }
      if (!checked.options) throw new ApiHttpError('CONFIG_INVALID', invalidMessage(checked.errors), { issues: checked.errors });
      const dry = await this.server.reload(checked.options, { dryRun: true });
      if (!dry.ok) {
        const blocking = dry.changes.filter((c) => !c.hot);
        if (blocking.length > 0) {
          throw new ApiHttpError('RESTART_REQUIRED', `not applied: ${blocking.map((c) => `${c.path} needs a restart`).join('; ')}`, { changes: dry.changes });
        }
        const issues = dry.errors.map(reloadErrorIssue);
        throw new ApiHttpError('CONFIG_INVALID', invalidMessage(issues), { issues });
      }
      const previous = current.text;
      try {
        this.writeFile(this.configFile, checked.text);
      } catch (e) {
        throw new ApiHttpError('CONFIG_WRITE_FAILED', `cannot write ${this.configFile}: ${(e as Error).message}; nothing changed`);
      }
      const result = await this.server.reload();
      if (!result.ok) {
        try {
          this.writeFile(this.configFile, previous);
        } catch (e) {
          throw new ApiHttpError('CONFIG_WRITE_FAILED', `reload refused (${result.errors.join('; ')}) and the previous file could not be restored: ${(e as Error).message}`);
        }
        throw new ApiHttpError('RELOAD_REFUSED', `reload refused: ${result.errors.join('; ')}; the previous file was restored`, { changes: result.changes });
      }
      if (result.changes.length === 0 && checked.text === previous) {
        return { revision: String(current.id), changes: [], warnings: result.warnings };
      }
      const row = this.insert({ author: meta.author, source: meta.source, text: checked.text, options: checked.options, parent: current.id, comment: meta.comment });
      return { revision: String(row.id), changes: result.changes, warnings: [...checked.warnings, ...result.warnings] };
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
