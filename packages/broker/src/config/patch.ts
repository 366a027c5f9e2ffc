/**
 * The patching writer: applies a model edit to conf text by replacing only the top-level entries
 * whose rendering changed, so that comments, `include`s, `$variables`, ordering and formatting
 * everywhere else survive byte for byte.
 *
 * - Each top-level entry of the file covers one or more of the writer's top-level keys (`listen`
 *   covers `host` and `port`, `max_conn` covers `max_connections`, …). Keys linked through a file
 *   entry form one unit; a unit whose rendering differs between `before` and `after` is re-rendered
 *   by the writer (`renderTopLevel`) in place of its first entry in the file, and its other
 *   entries are deleted with their line. A unit not in the file is appended at the end.
 * - A unit that cannot be spliced safely is an error naming the key: defined (or overridden) in an
 *   included file, holding an `include` or a `$variable`, or used as a variable elsewhere.
 * - The result is parsed again and must give `after` (after defaults); otherwise it is an error.
 *   So a returned text is never a silent loss.
 *
 * Comments inside a replaced entry are lost, as is a trailing comment on the line of a deleted one.
 */
import { isDeepStrictEqual } from 'node:util';
import { resolveOptions, type Options, type OptionsInput } from '@switchboard/shared';
import { lex, type Token } from './lexer.js';
import { parseConfigText, type LoadOptions } from './load.js';
import { canonicalTopKey } from './model.js';
import { formatError, parseConf, type ConfEntry } from './parser.js';
import { renderTopLevel } from './writer.js';

export type PatchResult = { text: string } | { error: string };

/** File keys (canonical) that set several of the writer's top-level keys. */
const COVERS: Record<string, string[]> = {
  listen: ['host', 'port'],
  http: ['http', 'http_port'],
  https: ['http', 'https_port', 'http_port'],
  trace_verbose: ['trace_verbose', 'trace'],
};
const LINKED: string[][] = [
  ['host', 'port'],
  ['http', 'http_port', 'https_port'],
  ['trace_verbose', 'trace'],
];
const coveredBy = (fileKey: string): string[] => {
  const k = canonicalTopKey(fileKey);
  return COVERS[k] ?? [k];
};

/** Union-find over writer keys. */
class Units {
  private parent = new Map<string, string>();
  find(k: string): string {
    let p = this.parent.get(k);
    if (p === undefined) {
      this.parent.set(k, k);
      return k;
    }
    if (p === k) return k;
    p = this.find(p);
    this.parent.set(k, p);
    return p;
  }
  union(keys: string[]): void {
    const [first, ...rest] = keys.map((k) => this.find(k));
    for (const r of rest) if (r !== first) this.parent.set(r, first!);
  }
}

const isBcryptVariable = (t: Token): boolean => t.kind === 'variable' && t.text.startsWith('2a$');

/** What a full re-render of `text` would drop: comments, includes, variables. Empty: nothing. */
export function contentLostByRewrite(text: string): string[] {
  const tokens = lex(text);
  const lost = new Set<string>();
  let at = 0;
  for (const t of tokens) {
    if (t.kind === 'error') lost.add('text that does not parse');
    if (t.kind === 'include') lost.add('include directives');
    if (t.kind === 'variable' && !isBcryptVariable(t)) lost.add('$variables');
    if (hasComment(text.slice(at, t.offset))) lost.add('comments');
    at = Math.max(at, t.end);
  }
  if (hasComment(text.slice(at))) lost.add('comments');
  return [...lost];
}
/** Between tokens there are only blanks, separators, braces, key quotes and comments. */
const hasComment = (gap: string): boolean => gap.includes('#') || gap.includes('//');

/**
 * Applies the change `before` → `after` to conf `text` (the file `filename`, whose model is
 * `before`). `opts` (environment, include reader) is used to parse the text and check the result.
 */
export function patchConfigText(
  text: string,
  filename: string,
  before: Options | OptionsInput,
  after: Options | OptionsInput,
  opts: LoadOptions = {},
): PatchResult {
  const parsed = parseConf(text, filename, opts);
  if (parsed.errors.length > 0) return { error: `the config file does not parse: ${formatError(parsed.errors[0]!)}` };
  const tokens = lex(text);

  let renderedBefore: ReturnType<typeof renderTopLevel>;
  let renderedAfter: ReturnType<typeof renderTopLevel>;
  try {
    renderedBefore = renderTopLevel(before);
    renderedAfter = renderTopLevel(after);
  } catch (e) {
    return { error: `the model cannot be written: ${(e as Error).message}` };
  }
  const order = new Map<string, number>();
  for (const r of [...renderedAfter, ...renderedBefore]) if (!order.has(r.key.toLowerCase())) order.set(r.key.toLowerCase(), order.size);
  const textOf = (rendered: typeof renderedBefore, keys: Set<string>): string =>
    rendered.filter((r) => keys.has(r.key.toLowerCase())).map((r) => r.text).join('');

  // Units: writer keys joined by the file entries that set them together.
  const units = new Units();
  // Keys whose file entries interact by order (`trace_verbose` sets `trace`; `listen` and `http`
  // set ports) always move together.
  for (const group of LINKED) units.union(group);
  const active = [...parsed.root.entries.values()];
  for (const e of [...parsed.topLevel, ...active]) units.union(coveredBy(e.key));
  for (const k of order.keys()) units.find(k);
  const members = new Map<string, Set<string>>();
  for (const k of new Set([...order.keys(), ...[...parsed.topLevel, ...active].flatMap((e) => coveredBy(e.key))])) {
    const u = units.find(k);
    if (!members.has(u)) members.set(u, new Set());
    members.get(u)!.add(k);
  }

  const edits: { start: number; end: number; text: string }[] = [];
  const appends: { rank: number; text: string }[] = [];
  for (const keys of members.values()) {
    const was = textOf(renderedBefore, keys);
    const now = textOf(renderedAfter, keys);
    if (was === now) continue;
    const inUnit = (e: ConfEntry): boolean => units.find(coveredBy(e.key)[0]!) === units.find([...keys][0]!);
    for (const e of active.filter(inUnit)) {
      if (e.keyPos.file !== filename) return { error: `"${e.key}" is defined in the included file ${e.keyPos.file}; edit that file instead` };
    }
    const here = parsed.topLevel.filter(inUnit).sort((a, b) => a.span!.start - b.span!.start);
    for (const e of here) {
      const why = unsafe(e, tokens);
      if (why) return { error: `"${e.key}" (line ${e.keyPos.line}) ${why}; it cannot be rewritten without losing that` };
    }
    if (here.length === 0) {
      appends.push({ rank: Math.min(...[...keys].map((k) => order.get(k) ?? 1e9)), text: now });
      continue;
    }
    const [first, ...rest] = here;
    if (now === '') edits.push(deletion(text, first!));
    else edits.push({ start: first!.span!.start, end: first!.span!.end, text: now.replace(/\n$/, '') });
    for (const e of rest) edits.push(deletion(text, e));
  }

  edits.sort((a, b) => b.start - a.start);
  let out = text;
  let floor = Infinity;
  for (const ed of edits) {
    if (ed.end > floor) return { error: 'internal: overlapping edits' };
    out = out.slice(0, ed.start) + ed.text + out.slice(ed.end);
    floor = ed.start;
  }
  if (appends.length > 0) {
    if (out.length > 0 && !out.endsWith('\n')) out += '\n';
    out += appends.sort((a, b) => a.rank - b.rank).map((a) => a.text).join('');
  }

  // The result must give exactly the edited model.
  const back = parseConfigText(out, filename, opts);
  if (back.errors.length > 0) return { error: `the patched file would not parse: ${formatError(back.errors[0]!)}` };
  if (!isDeepStrictEqual(normal(back.options), normal(after))) {
    const got = renderTopLevel(back.options);
    const keys = [...new Set([...got, ...renderedAfter].map((r) => r.key))].filter(
      (k) => textOf(got, new Set([k.toLowerCase()])) !== textOf(renderedAfter, new Set([k.toLowerCase()])),
    );
    return { error: `the patched file would not give the edited model${keys.length ? ` (${keys.map((k) => `"${k}"`).join(', ')})` : ''}` };
  }
  return { text: out };
}

/** Why an entry cannot be replaced or deleted by a splice, or undefined. */
function unsafe(e: ConfEntry, tokens: Token[]): string | undefined {
  if (!e.span) return 'comes from an environment variable';
  if (e.value.usedVariable) return 'is used as a $variable elsewhere in the file';
  for (const t of tokens) {
    if (t.offset < e.span.start || t.offset >= e.span.end) continue;
    if (t.kind === 'include') return `contains include "${t.text}"`;
    if (t.kind === 'variable' && !isBcryptVariable(t)) return `uses the variable $${t.text}`;
  }
  return undefined;
}

/** The edit that deletes an entry: its whole line when it has the line to itself. */
function deletion(text: string, e: ConfEntry): { start: number; end: number; text: string } {
  let { start, end } = e.span!;
  let s = start;
  while (s > 0 && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
  const ownsLineStart = s === 0 || text[s - 1] === '\n';
  let t = end;
  while (t < text.length && (text[t] === ' ' || text[t] === '\t')) t++;
  if (text[t] === ';' || text[t] === ',') {
    t++;
    while (t < text.length && (text[t] === ' ' || text[t] === '\t')) t++;
  }
  if (ownsLineStart) {
    if (text[t] === '#' || text.startsWith('//', t)) while (t < text.length && text[t] !== '\n') t++;
    if (text[t] === '\r' && text[t + 1] === '\n') t++;
    if (t >= text.length || text[t] === '\n') return { start: s, end: Math.min(t + 1, text.length), text: '' };
    return { start, end: t, text: '' };
  }
  end = t;
  return { start, end, text: '' };
}

/** A model with defaults applied, as plain JSON (no undefined members, dates as strings). */
const normal = (o: Options | OptionsInput): unknown => JSON.parse(JSON.stringify(resolveOptions(o as OptionsInput)));
