import { OptionsSchema, type Options, type OptionsInput } from '@switchboard/shared';
import { loadConfigFile, diffOptions, blockingChanges, reloadRefusal, explainChange, formatError, type Change } from '../config/index.js';

export interface ReloadResult {
  /** True when the new configuration is (or, with dryRun, would be) in force. */
  ok: boolean;
  /** Whether anything was applied (false on refusal and on dryRun). */
  applied: boolean;
  changes: Change[];
  /** Why the reload was refused: config errors, or changes that need a restart. */
  errors: string[];
  warnings: string[];
}

/**
 * Lays command-line options over a config file's, as nats-server re-applies its flags: flags win
 * key by key; the authorization flags (--user, --pass, --auth) go into the file's block.
 */
export function layerOverrides(file: OptionsInput, overrides: OptionsInput): OptionsInput {
  const out: OptionsInput = { ...file, ...overrides };
  if (overrides.authorization !== undefined) out.authorization = { ...(file.authorization ?? {}), ...overrides.authorization };
  if (overrides.cluster !== undefined) out.cluster = { ...(file.cluster ?? {}), ...overrides.cluster };
  return out;
}

export interface ReloadPlan {
  next: Options | null;
  result: ReloadResult;
}

/**
 * Works out what a reload would do, without touching the server: read the file (or take the
 * given options), lay the command-line flags over it, validate (the schema, then `validate`:
 * the modules' own checks), and diff against what runs. Any change that needs a restart
 * refuses the whole reload, as in nats-server.
 */
export function planReload(
  current: Options,
  source: { configFile?: string; options?: OptionsInput },
  overrides: OptionsInput,
  validate: (next: Options) => string[] = () => [],
): ReloadPlan {
  const refuse = (errors: string[], warnings: string[] = [], changes: Change[] = []): ReloadPlan => ({
    next: null,
    result: { ok: false, applied: false, changes, errors, warnings },
  });
  let input: OptionsInput;
  let warnings: string[] = [];
  if (source.options !== undefined) {
    input = source.options;
  } else if (source.configFile !== undefined) {
    const loaded = loadConfigFile(source.configFile);
    warnings = loaded.warnings.map((w) => `${w.file}:${w.line}:${w.col}: ${w.message}`);
    if (loaded.errors.length > 0) return refuse(loaded.errors.map(formatError), warnings);
    input = loaded.options;
  } else {
    return refuse(['can only reload config when a file is provided using -c or --config']);
  }
  const parsed = OptionsSchema.safeParse(layerOverrides(input, overrides));
  if (!parsed.success) {
    return refuse(parsed.error.issues.map((i) => `invalid value for ${i.path.join('.') || 'options'}: ${i.message}`), warnings);
  }
  const next = parsed.data;
  const invalid = validate(next);
  if (invalid.length > 0) return refuse(invalid, warnings);
  const changes = diffOptions(current, next);
  const blocking = blockingChanges(changes);
  if (blocking.length > 0) return refuse(blocking.map(reloadRefusal), warnings, changes);
  return { next, result: { ok: true, applied: false, changes, errors: [], warnings } };
}

export { explainChange };
