/**
 * The NATS subject rules, in one place (nats-server sublist.go). Every part of Switchboard that
 * validates, matches or compares subjects uses this module: the broker's parser checks,
 * sublist, permissions, account rules, monitoring filters, the config mapping and the web forms.
 *
 * A subject is tokens separated by '.', none empty. In a pattern, a token that is exactly '*'
 * matches one token and a token that is exactly '>' matches one or more trailing tokens (it must
 * be last). A '*' or '>' inside a longer token is an ordinary character. Subjects are handled as
 * latin1 strings, so the bytes a client sent round-trip unchanged.
 *
 * The matchers walk the strings in place (no split, no allocation): permission checks run them
 * on the publish path.
 */

const DOT = 46;
const STAR = 42;
const GT = 62;

/** The whitespace nats-server refuses in a subject: space, tab, CR, LF, FF. */
function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 12;
}

/** A valid subject, wildcards allowed (nats-server IsValidSubject): no empty token, no whitespace, '>' last. */
export function isValidSubject(subject: string): boolean {
  const n = subject.length;
  if (n === 0) return false;
  let tokenStart = 0;
  let sawFwc = false;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? DOT : subject.charCodeAt(i);
    if (c === DOT) {
      const len = i - tokenStart;
      if (len === 0 || sawFwc) return false;
      if (len === 1 && subject.charCodeAt(tokenStart) === GT) sawFwc = true;
      tokenStart = i + 1;
    } else if (isWhitespace(c)) {
      return false;
    }
  }
  return true;
}

/**
 * What a subscription index accepts (nats-server Sublist.Insert): no empty token and nothing
 * after a '>' token. Unlike isValidSubject it does not look for whitespace, so a client's
 * `SUB a\fb 1` is accepted as nats-server accepts it.
 */
export function isValidSublistSubject(subject: string): boolean {
  const n = subject.length;
  let tokenStart = 0;
  let sawFwc = false;
  for (let i = 0; i <= n; i++) {
    if (i < n && subject.charCodeAt(i) !== DOT) continue;
    if (i === tokenStart || sawFwc) return false;
    if (i - tokenStart === 1 && subject.charCodeAt(tokenStart) === GT) sawFwc = true;
    tokenStart = i + 1;
  }
  return true;
}

/**
 * A literal subject (nats-server IsValidLiteralSubject, the pedantic PUB check): no empty token
 * and no '*' or '>' token. Like nats-server it does not look for whitespace.
 */
export function isValidLiteralSubject(subject: string): boolean {
  const n = subject.length;
  let tokenStart = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && subject.charCodeAt(i) !== DOT) continue;
    const len = i - tokenStart;
    if (len === 0) return false;
    if (len === 1) {
      const c = subject.charCodeAt(tokenStart);
      if (c === STAR || c === GT) return false;
    }
    tokenStart = i + 1;
  }
  return true;
}

/** A valid subject without wildcard tokens (nats-server IsValidPublishSubject). */
export function isValidPublishSubject(subject: string): boolean {
  return isValidSubject(subject) && !hasWildcard(subject);
}

/** True when some whole token is '*' or '>'. */
export function hasWildcard(subject: string): boolean {
  const n = subject.length;
  for (let i = 0; i < n; i++) {
    const c = subject.charCodeAt(i);
    if ((c === STAR || c === GT) && (i === 0 || subject.charCodeAt(i - 1) === DOT) && (i + 1 === n || subject.charCodeAt(i + 1) === DOT)) {
      return true;
    }
  }
  return false;
}

/** Number of tokens (`a.b.c` has 3; the empty subject has 1 empty token). */
export function tokenCount(subject: string): number {
  let n = 1;
  for (let i = 0; i < subject.length; i++) if (subject.charCodeAt(i) === DOT) n++;
  return n;
}

/** The 1-based `index`th token, or '' when there are fewer tokens. */
export function tokenAt(subject: string, index: number): string {
  let start = 0;
  for (let t = 1; t < index; t++) {
    const dot = subject.indexOf('.', start);
    if (dot < 0) return '';
    start = dot + 1;
  }
  if (index < 1) return '';
  const end = subject.indexOf('.', start);
  return end < 0 ? subject.slice(start) : subject.slice(start, end);
}

/** The tokens of a pattern, for matching it many times with `tokensMatch`. */
export function splitTokens(subject: string): string[] {
  return subject.split('.');
}

/**
 * Does the subject match the pattern (already split into tokens)? The subject's tokens are taken
 * literally: a '*' or '>' in it is matched only by a wildcard or the same character in the
 * pattern. Walks the subject in place, without allocating.
 */
export function tokensMatch(pattern: readonly string[], subject: string): boolean {
  const n = pattern.length;
  const len = subject.length;
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (pos > len) return false;
    const t = pattern[i];
    if (t === '>') return true;
    let end = subject.indexOf('.', pos);
    if (end < 0) end = len;
    if (t !== '*' && (end - pos !== t.length || !subject.startsWith(t, pos))) return false;
    pos = end + 1;
  }
  return pos === len + 1;
}

/** Does `subject` (its tokens taken literally) match `pattern`? Neither is split or copied. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const pl = pattern.length;
  const sl = subject.length;
  let p = 0;
  let s = 0;
  for (;;) {
    let pe = pattern.indexOf('.', p);
    if (pe < 0) pe = pl;
    if (s > sl) return false;
    let se = subject.indexOf('.', s);
    if (se < 0) se = sl;
    const plen = pe - p;
    if (plen === 1) {
      const c = pattern.charCodeAt(p);
      if (c === GT) return true;
      if (c !== STAR && (se - s !== 1 || subject.charCodeAt(s) !== c)) return false;
    } else {
      if (se - s !== plen) return false;
      for (let k = 0; k < plen; k++) if (pattern.charCodeAt(p + k) !== subject.charCodeAt(s + k)) return false;
    }
    p = pe + 1;
    s = se + 1;
    if (p > pl) return s > sl;
  }
}

/**
 * Is every subject matched by `sub` also matched by `sup`? Both may contain wildcards
 * (`a.*` is a subset of `a.>`; `a.>` is not a subset of `a.*`; nats-server isSubsetMatch,
 * which also answers false for an empty token on either side).
 */
export function subjectIsSubsetOf(sub: string, sup: string): boolean {
  const a = sub.split('.');
  const b = sup.split('.');
  for (let i = 0; i < b.length; i++) {
    if (i >= a.length) return false;
    const t = b[i];
    if (t.length === 0) return false;
    if (t === '>') return true;
    const u = a[i];
    if (u.length === 0 || u === '>') return false;
    if (t === '*') continue;
    if (u === '*' || u !== t) return false;
  }
  return a.length === b.length;
}

/** Could one literal subject match both patterns? (nats-server SubjectsCollide.) */
export function subjectsCollide(a: string, b: string): boolean {
  if (a === b) return true;
  const x = a.split('.');
  const y = b.split('.');
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const u = x[i];
    const v = y[i];
    if (u === '>' || v === '>') return true;
    if (u !== v && u !== '*' && v !== '*') return false;
  }
  return x.length === y.length;
}

/**
 * What is wrong with a subject typed into a form, or null when it is fine. `wildcards: false`
 * asks for a literal. One point is stricter than the server: a '*' or '>' inside a longer token
 * (`a.b*`) is refused, because in a form it is nearly always a mistyped wildcard (the server
 * would take it as an ordinary character).
 */
export function subjectError(subject: string, rules: { wildcards?: boolean } = {}): string | null {
  const wildcards = rules.wildcards ?? true;
  if (subject.length === 0) return 'subject is empty';
  if (/\s/.test(subject)) return 'subject must not contain whitespace';
  const tokens = subject.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.length === 0) return 'subject has an empty token (check the dots)';
    if (t.includes('>') && t !== '>') return '">" must be a whole token';
    if (t.includes('*') && t !== '*') return '"*" must be a whole token';
    if ((t === '>' || t === '*') && !wildcards) return 'wildcards are not allowed here';
    if (t === '>' && i !== tokens.length - 1) return '">" must be the last token';
  }
  return null;
}
