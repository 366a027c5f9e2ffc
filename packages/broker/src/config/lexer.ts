/**
 * Lexer for the NATS configuration format, following the token rules of nats-server 2.9.10
 * (`conf/lex.go`): keys and values separated by `=`, `:` or whitespace; maps, arrays, comments,
 * quoted and bare strings, `( … )` raw blocks, integers with size suffixes, floats, booleans,
 * ISO-8601 Zulu datetimes, `$variables` and `include` directives.
 *
 * It is a state machine over the input string. Unlike nats-server it does not stop at the first
 * error: after an error it skips to the end of the line and resumes in the enclosing map, array or
 * top level, so that one pass reports every syntax error.
 */

export type TokenKind =
  | 'error'
  | 'eof'
  | 'key'
  | 'string'
  | 'bool'
  | 'integer'
  | 'float'
  | 'datetime'
  | 'arrayStart'
  | 'arrayEnd'
  | 'mapStart'
  | 'mapEnd'
  | 'variable'
  | 'include'
  | 'comment';

export interface Token {
  kind: TokenKind;
  /** Token text (strings unescaped; for errors the message). */
  text: string;
  /** Offset of the token's first character in the input. */
  offset: number;
  /** 1-based line and column of `offset`. */
  line: number;
  col: number;
  /** Offset just past the token's source text (closing quote or `)` included). */
  end: number;
}

type State = (lx: Lexer) => State | null;

const EOF = '';
const isWs = (c: string): boolean => c === ' ' || c === '\t';
const isNL = (c: string): boolean => c === '\n' || c === '\r';
const isSpace = (c: string): boolean => c !== EOF && /\s/.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isKeySep = (c: string): boolean => c === '=' || c === ':';
const isSuffix = (c: string): boolean => 'kKmMgGtTpPeE'.includes(c) && c !== EOF;
const show = (c: string): string => (c === '\n' ? '\\n' : c === EOF ? 'EOF' : c);

interface Container {
  kind: 'map' | 'array';
  depth: number;
  line: number;
}

export class Lexer {
  readonly input: string;
  private pos = 0;
  private start = 0;
  /** Where the current token's text begins (survives escape handling, unlike `start`). */
  private origin = 0;
  private width = 0;
  private stack: State[] = [];
  private parts: string[] = [];
  private stringState: State = lexString;
  private containers: Container[] = [];
  private readonly lineStarts: number[] = [0];
  readonly tokens: Token[] = [];
  private errors = 0;

  constructor(input: string) {
    this.input = input;
    for (let i = 0; i < input.length; i++) if (input[i] === '\n') this.lineStarts.push(i + 1);
  }

  /** Lex the whole input. The last token is always `eof`. */
  run(): Token[] {
    let state: State | null = lexTop;
    let guard = 0;
    while (state) {
      state = state(this);
      if (++guard > 50_000_000) break;
    }
    const last = this.tokens[this.tokens.length - 1];
    if (!last || last.kind !== 'eof') this.push('eof', '', this.input.length);
    return this.tokens;
  }

  position(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.lineStarts[lo]! + 1 };
  }

  // -- primitives ------------------------------------------------------------------------------

  next(): string {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const cp = this.input.codePointAt(this.pos)!;
    const c = String.fromCodePoint(cp);
    this.width = c.length;
    this.pos += this.width;
    return c;
  }
  backup(): void {
    this.pos -= this.width;
  }
  peek(): string {
    const c = this.next();
    this.backup();
    return c;
  }
  ignore(): void {
    this.start = this.pos;
    this.origin = this.pos;
  }
  current(): string {
    return this.input.slice(this.start, this.pos);
  }
  private push(kind: TokenKind, text: string, offset: number): void {
    const { line, col } = this.position(offset);
    this.tokens.push({ kind, text, offset, line, col, end: Math.max(offset, this.pos) });
  }
  /** The last token's source text ends here (after its closing quote or `)`). */
  endLast(): void {
    const t = this.tokens[this.tokens.length - 1];
    if (t) t.end = this.pos;
  }
  emit(kind: TokenKind): void {
    const text = this.parts.join('') + this.current();
    this.parts = [];
    this.push(kind, text, this.origin);
    if (kind === 'mapStart' || kind === 'arrayStart') {
      this.containers.push({
        kind: kind === 'mapStart' ? 'map' : 'array',
        depth: this.stack.length,
        line: this.position(this.origin).line,
      });
    } else if (kind === 'mapEnd' || kind === 'arrayEnd') {
      this.containers.pop();
    }
    this.start = this.pos;
    this.origin = this.pos;
  }
  addPart(offsetFromEnd: number): void {
    this.parts.push(this.input.slice(this.start, this.pos - offsetFromEnd));
    this.start = this.pos;
  }
  addLiteralPart(s: string): State {
    this.parts.push(s);
    this.start = this.pos;
    return this.stringState;
  }
  pushState(s: State): void {
    this.stack.push(s);
  }
  popState(): State | null {
    return this.stack.pop() ?? null;
  }
  setStringState(s: State): void {
    this.stringState = s;
  }
  hasParts(): boolean {
    return this.parts.length > 0;
  }
  atStartDollar(): boolean {
    if (this.input[this.start] === '$') {
      this.start += 1;
      return true;
    }
    return false;
  }
  slice(from: number, to: number): string {
    return this.input.slice(from, to);
  }
  get offset(): number {
    return this.pos;
  }
  get tokenStart(): number {
    return this.start;
  }

  /** Report an error at the last consumed character, then recover at the end of the line. */
  error(message: string): State | null {
    const at = Math.max(0, this.pos - this.width);
    this.push('error', message, Math.min(at, this.input.length));
    this.parts = [];
    if (++this.errors > 200) return null;
    // Do not swallow the newline that caused the error: it ends this line.
    if (this.width > 0 && isNL(this.input[this.pos - 1] ?? '')) this.pos -= 1;
    while (this.pos < this.input.length && this.input[this.pos] !== '\n') this.pos++;
    this.ignore();
    // Containers opened on the failing line are abandoned (closed here), so that a broken
    // one-line `[ … ]` or `{ … }` does not swallow the lines after it.
    const errLine = this.position(at).line;
    let c = this.containers[this.containers.length - 1];
    while (c && c.line === errLine) {
      this.push(c.kind === 'map' ? 'mapEnd' : 'arrayEnd', '', this.pos);
      this.containers.pop();
      c = this.containers[this.containers.length - 1];
    }
    if (this.pos >= this.input.length && c) {
      this.push('eof', '', this.input.length);
      return null;
    }
    if (!c) {
      this.stack = [];
      return lexTopValueEnd;
    }
    this.stack.length = c.depth;
    return c.kind === 'map' ? lexMapValueEnd : lexArrayValueEnd;
  }
}

export function lex(input: string): Token[] {
  return new Lexer(input).run();
}

// -- states ------------------------------------------------------------------------------------

function skip(lx: Lexer, next: State): State {
  lx.ignore();
  return next;
}

/** `#…` or `//…` comment: `first` is the comment character just consumed. */
function startsComment(lx: Lexer, first: string): boolean {
  if (first === '#') return true;
  if (first === '/') {
    if (lx.next() === '/') return true;
    lx.backup();
  }
  return false;
}

function lexTop(lx: Lexer): State | null {
  const c = lx.next();
  if (isSpace(c)) return skip(lx, lexTop);
  if (c === '{') return skip(lx, lexTop);
  if (c === '#' || c === '/') {
    if (startsComment(lx, c)) {
      lx.pushState(lexTop);
      return lexCommentStart;
    }
  }
  if (c === EOF || c === '/') {
    if (lx.offset > lx.tokenStart) return lx.error('Unexpected EOF.');
    lx.emit('eof');
    return null;
  }
  lx.backup();
  lx.pushState(lexTopValueEnd);
  return lexKeyStart;
}

function lexTopValueEnd(lx: Lexer): State | null {
  const c = lx.next();
  if ((c === '#' || c === '/') && startsComment(lx, c)) {
    lx.pushState(lexTop);
    return lexCommentStart;
  }
  // A lone '/' is skipped like whitespace (as nats-server does).
  if (isWs(c) || c === '/') return lexTopValueEnd;
  if (isNL(c) || c === EOF || c === ';' || c === ',' || c === '}') {
    lx.ignore();
    return lexTop;
  }
  return lx.error(`Expected a top-level value to end with a new line, comment or EOF, but got '${show(c)}' instead.`);
}

function lexKeyStart(lx: Lexer): State | null {
  const c = lx.peek();
  if (isKeySep(c)) {
    lx.next();
    return lx.error(`Unexpected key separator '${c}'`);
  }
  if (isSpace(c)) {
    lx.next();
    return skip(lx, lexKeyStart);
  }
  if (c === '"' || c === "'") {
    lx.next();
    lx.ignore();
    return quotedKey(c, lexKeyEnd, false);
  }
  lx.ignore();
  lx.next();
  return lexKey;
}

/** A quoted key ending at `q`; `inMap` selects the error texts of map keys. */
function quotedKey(q: string, after: State, inMap: boolean): State {
  const state: State = (lx) => {
    const c = lx.peek();
    if (c === q) {
      lx.emit('key');
      lx.next();
      return skip(lx, after);
    }
    if (c === EOF) {
      lx.next();
      if (inMap) return lx.error(`Unexpected EOF processing ${q === '"' ? 'double ' : ''}quoted map key.`);
      if (lx.offset > lx.tokenStart) return lx.error('Unexpected EOF.');
      lx.emit('eof');
      return null;
    }
    lx.next();
    return state;
  };
  return state;
}

/** A bare key just ended before whitespace: `include` starts an include directive. */
function keyOrInclude(lx: Lexer, after: State, includeReturn: State | null): State {
  if (lx.current().toLowerCase() === 'include') {
    lx.ignore();
    if (includeReturn) lx.pushState(includeReturn);
    return lexIncludeStart;
  }
  lx.emit('key');
  return after;
}

function lexKey(lx: Lexer): State | null {
  const c = lx.peek();
  if (isSpace(c)) return keyOrInclude(lx, lexKeyEnd, null);
  if (isKeySep(c) || c === EOF) {
    lx.emit('key');
    return lexKeyEnd;
  }
  lx.next();
  return lexKey;
}

function lexKeyEnd(lx: Lexer): State | null {
  const c = lx.next();
  if (isSpace(c)) return skip(lx, lexKeyEnd);
  if (isKeySep(c)) return skip(lx, lexValue);
  if (c === EOF) {
    lx.emit('eof');
    return null;
  }
  lx.backup();
  return lexValue;
}

function lexIncludeStart(lx: Lexer): State | null {
  const c = lx.next();
  if (isWs(c)) return skip(lx, lexIncludeStart);
  lx.backup();
  return lexInclude;
}

function lexInclude(lx: Lexer): State | null {
  const c = lx.next();
  if (c === "'" || c === '"') {
    lx.ignore();
    const q = c;
    const quoted: State = (l) => {
      const d = l.next();
      if (d === q) {
        l.backup();
        l.emit('include');
        l.next();
        l.ignore();
        l.endLast();
        return l.popState();
      }
      if (d === EOF) return l.error(`Unexpected EOF in ${q === '"' ? 'double ' : ''}quoted include`);
      return quoted;
    };
    return quoted;
  }
  if (c === '[') return lx.error('Expected include value but found start of an array');
  if (c === '{') return lx.error('Expected include value but found start of a map');
  if (c === '(') return lx.error('Expected include value but found start of a block');
  if (isDigit(c) || c === '-') return lx.error('Expected include value but found start of a number');
  if (c === '\\') return lx.error('Expected include value but found escape sequence');
  if (isNL(c)) return lx.error('Expected include value but found new line');
  lx.backup();
  return lexIncludeBare;
}

function lexIncludeBare(lx: Lexer): State | null {
  const c = lx.next();
  if (isNL(c) || c === EOF || c === ';' || c === '}' || isWs(c) || c === "'") {
    lx.backup();
    lx.emit('include');
    if (c === "'") {
      lx.next();
      lx.ignore();
      lx.endLast();
    }
    return lx.popState();
  }
  return lexIncludeBare;
}

function lexValue(lx: Lexer): State | null {
  const c = lx.next();
  if (isWs(c)) return skip(lx, lexValue);
  if (c === '[') {
    lx.ignore();
    lx.emit('arrayStart');
    return lexArrayValue;
  }
  if (c === '{') {
    lx.ignore();
    lx.emit('mapStart');
    return lexMapKeyStart;
  }
  if (c === "'") {
    lx.ignore();
    return lexSingleQuoted;
  }
  if (c === '"') {
    lx.ignore();
    lx.setStringState(lexDoubleQuoted);
    return lexDoubleQuoted;
  }
  if (c === '-') return lexNegNumberStart;
  if (c === '(') {
    lx.ignore();
    return lexBlock;
  }
  if (isDigit(c)) {
    lx.backup();
    return lexNumberStart;
  }
  if (c === '.') return lx.error('Floats must start with a digit');
  if (isNL(c)) return lx.error('Expected value but found new line');
  lx.backup();
  lx.setStringState(lexString);
  return lexString;
}

function lexArrayValue(lx: Lexer): State | null {
  const c = lx.next();
  if (isSpace(c)) return skip(lx, lexArrayValue);
  if ((c === '#' || c === '/') && startsComment(lx, c)) {
    lx.pushState(lexArrayValue);
    return lexCommentStart;
  }
  if (c === ',' || c === '/') return lx.error(`Unexpected array value terminator ','.`);
  if (c === ']') return lexArrayEnd;
  lx.backup();
  lx.pushState(lexArrayValueEnd);
  return lexValue;
}

function lexArrayValueEnd(lx: Lexer): State | null {
  const c = lx.next();
  if (isWs(c)) return skip(lx, lexArrayValueEnd);
  if ((c === '#' || c === '/') && startsComment(lx, c)) {
    lx.pushState(lexArrayValueEnd);
    return lexCommentStart;
  }
  if (c === ',' || isNL(c) || c === '/') return skip(lx, lexArrayValue);
  if (c === ']') return lexArrayEnd;
  return lx.error(`Expected an array value terminator "," or an array terminator "]", but got '${show(c)}' instead.`);
}

function lexArrayEnd(lx: Lexer): State | null {
  lx.ignore();
  lx.emit('arrayEnd');
  return lx.popState();
}

function lexMapKeyStart(lx: Lexer): State | null {
  const c = lx.peek();
  if (isKeySep(c)) {
    lx.next();
    return lx.error(`Unexpected key separator '${c}'.`);
  }
  if (c === ']') {
    lx.next();
    return lx.error(`Unexpected array end ']' processing map.`);
  }
  if (isSpace(c)) {
    lx.next();
    return skip(lx, lexMapKeyStart);
  }
  if (c === '}') {
    lx.next();
    return skip(lx, lexMapEnd);
  }
  if (c === '#') {
    lx.next();
    lx.pushState(lexMapKeyStart);
    return lexCommentStart;
  }
  if (c === '/') {
    lx.next();
    if (lx.next() === '/') {
      lx.pushState(lexMapKeyStart);
      return lexCommentStart;
    }
    lx.backup();
  } else if (c === "'" || c === '"') {
    lx.next();
    lx.ignore();
    return quotedKey(c, lexMapKeyEnd, true);
  } else if (c === EOF) {
    lx.next();
    return lx.error('Unexpected EOF processing map.');
  }
  lx.ignore();
  lx.next();
  return lexMapKey;
}

function lexMapKey(lx: Lexer): State | null {
  const c = lx.peek();
  if (c === EOF) {
    lx.next();
    return lx.error('Unexpected EOF processing map key.');
  }
  if (isSpace(c)) return keyOrInclude(lx, lexMapKeyEnd, lexMapValueEnd);
  if (isKeySep(c)) {
    lx.emit('key');
    return lexMapKeyEnd;
  }
  lx.next();
  return lexMapKey;
}

function lexMapKeyEnd(lx: Lexer): State | null {
  const c = lx.next();
  if (isSpace(c)) return skip(lx, lexMapKeyEnd);
  if (isKeySep(c)) return skip(lx, lexMapValue);
  lx.backup();
  return lexMapValue;
}

function lexMapValue(lx: Lexer): State | null {
  const c = lx.next();
  if (isSpace(c)) return skip(lx, lexMapValue);
  if (c === ',') return lx.error(`Unexpected map value terminator ",".`);
  if (c === '}') return skip(lx, lexMapEnd);
  lx.backup();
  lx.pushState(lexMapValueEnd);
  return lexValue;
}

function lexMapValueEnd(lx: Lexer): State | null {
  const c = lx.next();
  if (isWs(c)) return skip(lx, lexMapValueEnd);
  if ((c === '#' || c === '/') && startsComment(lx, c)) {
    lx.pushState(lexMapValueEnd);
    return lexCommentStart;
  }
  if (c === ';' || c === ',' || isNL(c) || c === '/') return skip(lx, lexMapKeyStart);
  if (c === '}') return skip(lx, lexMapEnd);
  return lx.error(`Expected a map value terminator "," or a map terminator "}", but got '${show(c)}' instead.`);
}

function lexMapEnd(lx: Lexer): State | null {
  lx.ignore();
  lx.emit('mapEnd');
  return lx.popState();
}

function lexSingleQuoted(lx: Lexer): State | null {
  const c = lx.next();
  if (c === "'") {
    lx.backup();
    lx.emit('string');
    lx.next();
    lx.ignore();
    lx.endLast();
    return lx.popState();
  }
  if (c === EOF) {
    if (lx.offset > lx.tokenStart) return lx.error('Unexpected EOF.');
    lx.emit('eof');
    return null;
  }
  return lexSingleQuoted;
}

function lexDoubleQuoted(lx: Lexer): State | null {
  const c = lx.next();
  if (c === '\\') {
    lx.addPart(1);
    return lexEscape;
  }
  if (c === '"') {
    lx.backup();
    lx.emit('string');
    lx.next();
    lx.ignore();
    lx.endLast();
    return lx.popState();
  }
  if (c === EOF) {
    if (lx.offset > lx.tokenStart || lx.hasParts()) return lx.error('Unexpected EOF.');
    lx.emit('eof');
    return null;
  }
  return lexDoubleQuoted;
}

const BOOLS = new Set(['true', 'false', 'on', 'off', 'yes', 'no']);

function lexString(lx: Lexer): State | null {
  const c = lx.next();
  if (c === '\\') {
    lx.addPart(1);
    return lexEscape;
  }
  if (isNL(c) || c === EOF || c === ';' || c === ',' || c === ']' || c === '}' || isWs(c)) {
    lx.backup();
    if (lx.hasParts()) lx.emit('string');
    else if (BOOLS.has(lx.current().toLowerCase())) lx.emit('bool');
    else if (lx.atStartDollar()) lx.emit('variable');
    else lx.emit('string');
    return lx.popState();
  }
  if (c === "'") {
    lx.backup();
    lx.emit('string');
    lx.next();
    lx.ignore();
    lx.endLast();
    return lx.popState();
  }
  return lexString;
}

function lexBlock(lx: Lexer): State | null {
  const c = lx.next();
  if (c === EOF) return lx.error('Unexpected EOF processing block.');
  if (c === ')') {
    const at = lx.offset - 1;
    const before = lx.slice(at - 1, at);
    const after = lx.slice(at + 1, at + 2);
    if (before === '\n' && (after === '\n' || after === '')) {
      lx.backup();
      lx.emit('string');
      lx.next();
      lx.ignore();
      lx.endLast();
      return lx.popState();
    }
  }
  return lexBlock;
}

function lexEscape(lx: Lexer): State | null {
  const c = lx.next();
  switch (c) {
    case 'x':
      return lexHexEscape;
    case 't':
      return lx.addLiteralPart('\t');
    case 'n':
      return lx.addLiteralPart('\n');
    case 'r':
      return lx.addLiteralPart('\r');
    case '"':
      return lx.addLiteralPart('"');
    case '\\':
      return lx.addLiteralPart('\\');
  }
  return lx.error(
    `Invalid escape character '${show(c)}'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\", \\\\.`,
  );
}

function lexHexEscape(lx: Lexer): State | null {
  const a = lx.next();
  if (isNL(a)) return lx.error(`Expected two hexadecimal digits after '\\x', but hit end of line`);
  const b = lx.next();
  if (isNL(b)) return lx.error(`Expected two hexadecimal digits after '\\x', but hit end of line`);
  const hex = a + b;
  if (!/^[0-9a-fA-F]{2}$/.test(hex)) return lx.error(`Expected two hexadecimal digits after '\\x', but got '${hex}'`);
  // A \xHH escape is one byte; bytes >= 0x80 map to the same code point (latin-1), as close as a
  // JS string gets to Go's byte strings.
  return lx.addLiteralPart(String.fromCharCode(parseInt(hex, 16)));
}

function lexNumberStart(lx: Lexer): State | null {
  const c = lx.next();
  if (!isDigit(c)) {
    if (c === '.') return lx.error(`Floats must start with a digit, not '.'.`);
    return lx.error(`Expected a digit but got '${show(c)}'.`);
  }
  return lexNumberOrDateOrString;
}

/** Characters after which a number (or number with suffix) ends. Note: `]` is not one of them. */
function endsNumber(c: string): boolean {
  return isNL(c) || c === EOF || c === '}' || c === ';' || c === ',' || isWs(c);
}

function lexNumberOrDateOrString(lx: Lexer): State | null {
  const c = lx.next();
  if (c === '-') {
    if (lx.offset - lx.tokenStart !== 5) return lx.error('All ISO8601 dates must be in full Zulu form.');
    return lexDateAfterYear;
  }
  if (isDigit(c)) return lexNumberOrDateOrString;
  if (c === '.') return lexFloatStart;
  if (isSuffix(c)) return lexSizeSuffix;
  if (!endsNumber(c)) {
    lx.setStringState(lexString);
    return lexString;
  }
  lx.backup();
  lx.emit('integer');
  return lx.popState();
}

function lexSizeSuffix(lx: Lexer): State | null {
  const c = lx.next();
  if (c === 'b' || c === 'B' || c === 'i' || c === 'I') return lexSizeSuffix;
  lx.backup();
  if (endsNumber(c) || isDigit(c)) {
    lx.emit('integer');
    return lx.popState();
  }
  lx.setStringState(lexString);
  return lexString;
}

function lexDateAfterYear(lx: Lexer): State | null {
  const shape = '00-00T00:00:00Z';
  for (const f of shape) {
    const c = lx.next();
    if (f === '0') {
      if (!isDigit(c)) return lx.error(`Expected digit in ISO8601 datetime, but found '${show(c)}' instead.`);
    } else if (f !== c) {
      return lx.error(`Expected '${f}' in ISO8601 datetime, but found '${show(c)}' instead.`);
    }
  }
  lx.emit('datetime');
  return lx.popState();
}

function lexNegNumberStart(lx: Lexer): State | null {
  const c = lx.next();
  if (!isDigit(c)) {
    if (c === '.') return lx.error(`Floats must start with a digit, not '.'.`);
    return lx.error(`Expected a digit but got '${show(c)}'.`);
  }
  return lexNegNumber;
}

function lexNegNumber(lx: Lexer): State | null {
  const c = lx.next();
  if (isDigit(c)) return lexNegNumber;
  if (c === '.') return lexFloatStart;
  if (isSuffix(c)) return lexSizeSuffix;
  lx.backup();
  lx.emit('integer');
  return lx.popState();
}

function lexFloatStart(lx: Lexer): State | null {
  const c = lx.next();
  if (!isDigit(c)) return lx.error(`Floats must have a digit after the '.', but got '${show(c)}' instead.`);
  return lexFloat;
}

function lexFloat(lx: Lexer): State | null {
  const c = lx.next();
  if (isDigit(c)) return lexFloat;
  if (c === '.') return lexIPAddr;
  lx.backup();
  lx.emit('float');
  return lx.popState();
}

/** `127.0.0.1:4222` and the like are strings. */
function lexIPAddr(lx: Lexer): State | null {
  const c = lx.next();
  if (isDigit(c) || c === '.' || c === ':' || c === '-') return lexIPAddr;
  lx.backup();
  lx.emit('string');
  return lx.popState();
}

function lexCommentStart(lx: Lexer): State | null {
  lx.ignore();
  return lexComment;
}

function lexComment(lx: Lexer): State | null {
  const c = lx.peek();
  if (isNL(c) || c === EOF) {
    lx.ignore();
    return lx.popState();
  }
  lx.next();
  return lexComment;
}
