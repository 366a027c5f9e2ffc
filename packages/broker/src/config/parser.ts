/**
 * Parser for the NATS configuration format: turns the lexer's tokens into a tree of positioned
 * values, resolves `$variables` (innermost enclosing map to the top, then the environment) and
 * `include` directives (relative to the including file), and collects every error.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { lex, type Token } from './lexer.js';

export interface Pos {
  file: string;
  line: number;
  /** 1-based column. (nats-server prints 0-based columns on line 1 and 1-based after.) */
  col: number;
}

export interface ConfigError extends Pos {
  message: string;
}

interface NodeBase {
  pos: Pos;
  /** Set on a value that a `$variable` referred to: such keys are not reported as unknown. */
  usedVariable?: boolean;
}
export interface ConfScalar extends NodeBase {
  type: 'string' | 'integer' | 'float' | 'bool' | 'datetime';
  value: string | number | boolean | Date;
  /** Source text of the token (unescaped for strings). */
  raw: string;
}
export interface ConfArray extends NodeBase {
  type: 'array';
  items: ConfNode[];
}
export interface ConfEntry {
  key: string;
  keyPos: Pos;
  value: ConfNode;
  /**
   * Source offsets in `keyPos.file`: from the key (its opening quote included) to just past the
   * value's last character (closing quote, `}` or `]`). Absent for entries that did not come
   * from text (environment variables).
   */
  span?: { start: number; end: number };
}
export interface ConfMap extends NodeBase {
  type: 'map';
  entries: Map<string, ConfEntry>;
}
export type ConfNode = ConfScalar | ConfArray | ConfMap;

export interface ParseOptions {
  /** Variables not found in the file are looked up here (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Reads included files (default: fs.readFileSync utf8). */
  readFile?: (path: string) => string;
  /** Internal: include nesting depth. */
  depth?: number;
}

export interface ParseResult {
  root: ConfMap;
  errors: ConfigError[];
  /**
   * Every top-level entry written in this file, in source order, including those a later entry
   * or an include replaced in `root` (included files' entries are not listed).
   */
  topLevel: ConfEntry[];
}

export const formatError = (e: ConfigError): string => `${e.file}:${e.line}:${e.col}: ${e.message}`;

const MULTIPLIERS: Record<string, bigint> = {
  '': 1n,
  k: 1000n,
  m: 1000n ** 2n,
  g: 1000n ** 3n,
  t: 1000n ** 4n,
  p: 1000n ** 5n,
  e: 1000n ** 6n,
};
for (const [s, i] of [['k', 1], ['m', 2], ['g', 3], ['t', 4], ['p', 5], ['e', 6]] as const) {
  const v = 1024n ** BigInt(i);
  MULTIPLIERS[`${s}b`] = v;
  MULTIPLIERS[`${s}i`] = v;
  MULTIPLIERS[`${s}ib`] = v;
}
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** Parses an integer token (`12`, `-1`, `1MB`, `2m`, `10KiB`). */
export function parseIntegerToken(text: string): { value: number } | { error: string } {
  let i = 0;
  while (i < text.length && (/[0-9]/.test(text[i]!) || text[i] === '-')) i++;
  const digits = text.slice(0, i);
  if (!/^-?[0-9]+$/.test(digits)) return { error: `expected integer, but got '${text}'` };
  const n = BigInt(digits);
  if (n > INT64_MAX || n < INT64_MIN) return { error: `integer '${text}' is out of the range` };
  const mult = MULTIPLIERS[text.slice(i).trim().toLowerCase()];
  if (mult === undefined) return { error: `unknown size suffix in '${text}'` };
  return { value: Number(n * mult) };
}

interface Frame {
  node: ConfMap | ConfArray;
  pendingKey?: { key: string; pos: Pos; start: number };
}

class Parser {
  readonly errors: ConfigError[] = [];
  readonly topLevel: ConfEntry[] = [];
  private readonly frames: Frame[];

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly file: string,
    private readonly opts: ParseOptions,
    readonly root: ConfMap,
  ) {
    this.frames = [{ node: root }];
  }

  private pos(t: Token): Pos {
    return { file: this.file, line: t.line, col: t.col };
  }
  private err(t: Token | Pos, message: string): void {
    this.errors.push({ file: this.file, line: t.line, col: t.col, ...('file' in t ? { file: t.file } : {}), message });
  }
  private get top(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  /** `end`: the offset just past the value's source text. */
  private setValue(node: ConfNode, end: number): void {
    const f = this.top;
    if (f.node.type === 'array') {
      f.node.items.push(node);
      return;
    }
    const k = f.pendingKey;
    if (!k) return; // the key was lost to a syntax error
    f.pendingKey = undefined;
    const entry: ConfEntry = { key: k.key, keyPos: k.pos, value: node, span: { start: k.start, end } };
    f.node.entries.delete(k.key);
    f.node.entries.set(k.key, entry);
    if (this.frames.length === 1) this.topLevel.push(entry);
  }

  run(): void {
    for (const t of this.tokens) {
      switch (t.kind) {
        case 'eof':
          return;
        case 'error':
          this.err(t, t.text);
          this.top.pendingKey = undefined;
          break;
        case 'key':
          if (this.top.node.type === 'map') {
            const quoted = t.offset > 0 && (this.text[t.offset - 1] === '"' || this.text[t.offset - 1] === "'");
            this.top.pendingKey = { key: t.text, pos: this.pos(t), start: quoted ? t.offset - 1 : t.offset };
          }
          break;
        case 'mapStart':
          this.frames.push({ node: { type: 'map', entries: new Map(), pos: this.pos(t) } });
          break;
        case 'arrayStart':
          this.frames.push({ node: { type: 'array', items: [], pos: this.pos(t) } });
          break;
        case 'mapEnd':
        case 'arrayEnd': {
          if (this.frames.length < 2) break;
          const done = this.frames.pop()!;
          this.setValue(done.node, t.end);
          break;
        }
        case 'string':
          this.setValue({ type: 'string', value: t.text, raw: t.text, pos: this.pos(t) }, t.end);
          break;
        case 'bool':
          this.setValue({ type: 'bool', value: ['true', 'yes', 'on'].includes(t.text.toLowerCase()), raw: t.text, pos: this.pos(t) }, t.end);
          break;
        case 'integer': {
          const r = parseIntegerToken(t.text);
          if ('error' in r) {
            this.err(t, r.error);
            this.top.pendingKey = undefined;
          } else this.setValue({ type: 'integer', value: r.value, raw: t.text, pos: this.pos(t) }, t.end);
          break;
        }
        case 'float': {
          const v = Number(t.text);
          if (!Number.isFinite(v)) {
            this.err(t, `float '${t.text}' is out of the range`);
            this.top.pendingKey = undefined;
          } else this.setValue({ type: 'float', value: v, raw: t.text, pos: this.pos(t) }, t.end);
          break;
        }
        case 'datetime': {
          const d = new Date(t.text);
          if (Number.isNaN(d.getTime())) {
            this.err(t, `expected Zulu formatted DateTime, but got '${t.text}'`);
            this.top.pendingKey = undefined;
          } else this.setValue({ type: 'datetime', value: d, raw: t.text, pos: this.pos(t) }, t.end);
          break;
        }
        case 'variable':
          this.variable(t);
          break;
        case 'include':
          this.include(t);
          break;
        case 'comment':
          break;
      }
    }
  }

  private variable(t: Token): void {
    const name = t.text;
    const at = this.pos(t);
    // Unquoted bcrypt hashes ($2a$…) are values, not variables.
    if (name.startsWith('2a$')) {
      this.setValue({ type: 'string', value: `$${name}`, raw: `$${name}`, pos: at }, t.end);
      return;
    }
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const n = this.frames[i]!.node;
      if (n.type !== 'map') continue;
      const e = n.entries.get(name);
      if (e) {
        e.value.usedVariable = true;
        this.setValue({ ...e.value, pos: at, usedVariable: false }, t.end);
        return;
      }
    }
    const env = this.opts.env ?? process.env;
    const text = env[name];
    if (text !== undefined) {
      const sub = parseConf(`pk=${text}`, this.file, { env: {}, readFile: () => '', depth: 99 });
      const v = sub.root.entries.get('pk');
      if (sub.errors.length > 0 || !v) {
        const why = sub.errors[0]?.message ?? 'no value';
        this.err(t, `variable reference for '${name}' on line ${t.line} could not be parsed: ${why}`);
        this.top.pendingKey = undefined;
        return;
      }
      this.setValue(relocate(v.value, at), t.end);
      return;
    }
    this.err(t, `variable reference for '${name}' on line ${t.line} can not be found`);
    this.top.pendingKey = undefined;
  }

  private include(t: Token): void {
    const depth = this.opts.depth ?? 0;
    const path = resolvePath(dirname(this.file), t.text);
    if (depth >= 32) {
      this.err(t, `error parsing include file '${t.text}', includes nested too deeply`);
      return;
    }
    let text: string;
    try {
      text = (this.opts.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(path);
    } catch (e) {
      this.err(t, `error parsing include file '${t.text}', error opening config file: ${(e as Error).message}`);
      return;
    }
    const sub = parseConf(text, path, { ...this.opts, depth: depth + 1 });
    this.errors.push(...sub.errors);
    const f = this.top;
    if (f.node.type !== 'map') return;
    for (const [k, e] of sub.root.entries) {
      f.node.entries.delete(k);
      f.node.entries.set(k, e);
    }
  }
}

/** Gives a node parsed from environment text the position of the variable that used it. */
function relocate(n: ConfNode, pos: Pos): ConfNode {
  if (n.type === 'map') {
    const entries = new Map<string, ConfEntry>();
    for (const [k, e] of n.entries) entries.set(k, { key: k, keyPos: pos, value: relocate(e.value, pos) });
    return { ...n, pos, entries };
  }
  if (n.type === 'array') return { ...n, pos, items: n.items.map((i) => relocate(i, pos)) };
  return { ...n, pos };
}

/** Parses conf text. `file` is used in positions and as the base for relative includes. */
export function parseConf(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  const root: ConfMap = { type: 'map', entries: new Map(), pos: { file, line: 1, col: 1 } };
  const p = new Parser(text, lex(text), file, opts, root);
  p.run();
  return { root, errors: p.errors, topLevel: p.topLevel };
}

/** Converts a node to a plain JS value (maps → objects, datetimes → Date). */
export function toPlain(n: ConfNode): unknown {
  if (n.type === 'map') {
    const o: Record<string, unknown> = {};
    for (const [k, e] of n.entries) o[k] = toPlain(e.value);
    return o;
  }
  if (n.type === 'array') return n.items.map(toPlain);
  return n.value;
}
