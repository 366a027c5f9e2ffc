/** Loading and checking conf files: text → tree → model → zod validation. */
import { readFileSync } from 'node:fs';
import { OptionsSchema, type OptionsInput } from '@switchboard/shared';
import { mapConfig, type ConfigWarning } from './model.js';
import { formatError, parseConf, type ConfigError, type Pos } from './parser.js';

export interface LoadResult {
  /** The model as written in the file (no defaults applied; see `resolveOptions`). */
  options: OptionsInput;
  errors: ConfigError[];
  warnings: ConfigWarning[];
}

export interface LoadOptions {
  /** Environment for `$VAR` lookups (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Reads included files (default: fs). */
  readFile?: (path: string) => string;
}

/** Parses conf text; `filename` names positions and is the base of relative includes. */
export function parseConfigText(text: string, filename = 'config.conf', opts: LoadOptions = {}): LoadResult {
  const parsed = parseConf(text, filename, opts);
  const mapped = mapConfig(parsed.root);
  const errors = [...parsed.errors, ...mapped.errors];
  const check = OptionsSchema.safeParse(mapped.options);
  if (!check.success) {
    for (const issue of check.error.issues) {
      const path = issue.path.map(String);
      let pos: Pos | undefined;
      for (let n = path.length; n > 0 && !pos; n--) pos = mapped.positions.get(path.slice(0, n).join('.'));
      pos ??= { file: filename, line: 1, col: 1 };
      errors.push({ ...pos, message: `invalid value for ${path.join('.') || 'options'}: ${issue.message}` });
    }
  }
  errors.sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : 0));
  return { options: mapped.options, errors, warnings: mapped.warnings };
}

/** Reads and parses a conf file. */
export function loadConfigFile(path: string, env?: Record<string, string | undefined>): LoadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return {
      options: {},
      errors: [{ file: path, line: 0, col: 0, message: `error opening config file: ${(e as Error).message}` }],
      warnings: [],
    };
  }
  return parseConfigText(text, path, env ? { env } : {});
}

export const formatWarning = (w: ConfigWarning): string => `${w.file}:${w.line}:${w.col}: ${w.message}`;

export interface CheckResult extends LoadResult {
  /** What `-t` accepts: no errors and no nats-server warnings (nats-server fails on those too). */
  ok: boolean;
  /** Lines to print on stderr, in the style of `nats-server -t`. */
  output: string;
}

/**
 * `switchboard -t -c <path>`: on success `switchboard: configuration file <path> is valid`
 * (preceded by `switchboard: warning: …` lines for options Switchboard does not implement); on
 * failure `switchboard: ` followed by one problem per line (warnings first, as nats-server).
 */
export function checkConfigFile(path: string, env?: Record<string, string | undefined>): CheckResult {
  const r = loadConfigFile(path, env);
  const natsWarnings = r.warnings.filter((w) => w.kind === 'nats');
  const ok = r.errors.length === 0 && natsWarnings.length === 0;
  let output: string;
  if (ok) {
    const notes = r.warnings.map((w) => `switchboard: warning: ${formatWarning(w)}`);
    output = [...notes, `switchboard: configuration file ${path} is valid`].join('\n');
  } else {
    const lines = [...natsWarnings.map(formatWarning), ...r.errors.map(formatError)];
    output = `switchboard: ${lines.join('\n')}`;
  }
  return { ...r, ok, output };
}
