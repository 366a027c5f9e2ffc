/**
 * Subject rules of NATS (nats-server sublist.go): tokens separated by '.', none empty;
 * '*' matches one token, '>' one or more trailing tokens and must be last.
 * Subjects are handled as latin1 strings so that bytes round-trip unchanged.
 */

const DOT = 46;
const STAR = 42;
const GT = 62;

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 12;
}

/** A valid subscription subject: wildcards allowed as whole tokens, '>' last. */
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
 * What the sublist accepts (nats-server Sublist.Insert): no empty token and nothing after a '>'
 * token. Unlike isValidSubject it does not reject whitespace inside tokens, so a client's
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
 * A literal subject as nats-server's IsValidLiteralSubject (the pedantic PUB check): no empty
 * token and no '*' or '>' token. Like nats-server it does not look for whitespace.
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

/** A valid publish subject (nats-server IsValidPublishSubject): valid and without wildcard tokens. */
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

/**
 * Does the literal `subject` match the (possibly wildcard) `pattern`?
 * Both are assumed valid. Used for permissions, exports and tests; the
 * message path uses the sublist instead.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  return tokensMatch(pattern.split('.'), subject);
}

/** `subjectMatches` for a pattern already split into tokens. */
export function tokensMatch(p: readonly string[], subject: string): boolean {
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const t = p[i];
    if (t === '>') return s.length > i;
    if (i >= s.length) return false;
    if (t !== '*' && t !== s[i]) return false;
  }
  return p.length === s.length;
}

/**
 * Is every subject matched by `sub` also matched by `sup`? (`sub` ⊆ `sup`.)
 * Both may contain wildcards.
 */
export function subjectIsSubsetOf(sub: string, sup: string): boolean {
  const a = sub.split('.');
  const b = sup.split('.');
  for (let i = 0; i < b.length; i++) {
    const t = b[i];
    if (t === '>') return a.length > i;
    if (i >= a.length) return false;
    const u = a[i];
    if (u === '>') return false;
    if (t === '*') continue;
    if (u === '*' || u !== t) return false;
  }
  return a.length === b.length;
}

export function tokenCount(subject: string): number {
  let n = 1;
  for (let i = 0; i < subject.length; i++) if (subject.charCodeAt(i) === DOT) n++;
  return n;
}
