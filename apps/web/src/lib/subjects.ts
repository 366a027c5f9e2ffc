/*
 * NATS subject rules (protocol §1.11), used to validate form fields before anything is sent.
 * A subject is dot-separated non-empty tokens without whitespace; `*` matches one token and `>`
 * matches one or more trailing tokens; each wildcard must be a whole token, `>` only last.
 */

export interface SubjectRules {
  /** Wildcards allowed (subscriptions, exports, permissions). Default true. */
  wildcards?: boolean;
}

/** Returns a message describing what is wrong with `subject`, or null when it is valid. */
export function subjectError(subject: string, rules: SubjectRules = {}): string | null {
  const wildcards = rules.wildcards ?? true;
  if (subject.length === 0) return 'subject is empty';
  if (/\s/.test(subject)) return 'subject must not contain whitespace';
  const tokens = subject.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.length === 0) return 'subject has an empty token (check the dots)';
    if (t.includes('>') && t !== '>') return '">" must be a whole token';
    if (t.includes('*') && t !== '*') return '"*" must be a whole token';
    if ((t === '>' || t === '*') && !wildcards) return 'wildcards are not allowed here';
    if (t === '>' && i !== tokens.length - 1) return '">" must be the last token';
  }
  return null;
}

export function isValidSubject(subject: string, rules?: SubjectRules): boolean {
  return subjectError(subject, rules) === null;
}

/** Whether the literal-or-wildcard `subject` is matched by the `pattern`. */
export function subjectMatches(pattern: string, subject: string): boolean {
  return isSubsetOf(subject, pattern);
}

/**
 * Whether every subject matched by `sub` is also matched by `pattern` (a literal is a subset of a
 * wildcard that matches it; `a.*` is a subset of `a.>`; `a.>` is not a subset of `a.*`).
 */
export function isSubsetOf(sub: string, pattern: string): boolean {
  const s = sub.split('.');
  const p = pattern.split('.');
  for (let i = 0; i < p.length; i++) {
    const pt = p[i]!;
    if (pt === '>') return s.length > i;
    if (i >= s.length) return false;
    const st = s[i]!;
    if (pt === '*') {
      if (st === '>') return false;
      continue;
    }
    if (st !== pt) return false;
  }
  return s.length === p.length;
}

/** Whether some subject is matched by both `a` and `b`. */
export function subjectsOverlap(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; ; i++) {
    const xt = x[i];
    const yt = y[i];
    if (xt === '>' || yt === '>') return xt !== undefined && yt !== undefined;
    if (xt === undefined || yt === undefined) return xt === yt;
    if (xt === '*' || yt === '*') continue;
    if (xt !== yt) return false;
  }
}
