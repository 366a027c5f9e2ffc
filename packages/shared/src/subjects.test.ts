/**
 * The one subject-rules module, with nats-server's behaviour as the reference: unit examples,
 * and properties against naive split/regex models.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  isValidSubject,
  isValidLiteralSubject,
  isValidPublishSubject,
  isValidSublistSubject,
  hasWildcard,
  subjectIsSubsetOf,
  subjectMatches,
  subjectsCollide,
  subjectError,
  splitTokens,
  tokensMatch,
  tokenAt,
  tokenCount,
} from './subjects.js';

/** The reference matcher: a regular expression built from the pattern. */
function naiveMatches(pattern: string, subject: string): boolean {
  const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parts = pattern.split('.').map((t) => (t === '*' ? '[^.]+' : t === '>' ? '[^.]+(?:\\.[^.]+)*' : esc(t)));
  return new RegExp(`^${parts.join('\\.')}$`).test(subject);
}

// A small token alphabet so that patterns and subjects overlap often.
const tok = fc.constantFrom('a', 'b', 'c', 'foo', 'bar');
const literal = fc.array(tok, { minLength: 1, maxLength: 4 }).map((t) => t.join('.'));
const pattern = fc
  .tuple(fc.array(fc.oneof({ weight: 3, arbitrary: tok }, { weight: 1, arbitrary: fc.constant('*') }), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([t, fwc]) => (fwc && t.length < 4 ? [...t, '>'] : t).join('.'));

describe('subject rules', () => {
  test('isValidSubject (nats-server IsValidSubject)', () => {
    for (const s of ['a', 'a.b', '*', '>', 'a.*', 'a.>', '*.*.>', 'a*b', 'a>', '$SYS.>', 'caf\u00e9', 'a-b_c']) assert.equal(isValidSubject(s), true, s);
    for (const s of ['', '.', 'a.', '.a', 'a..b', 'a.>.b', '>.a', 'a b', 'a\tb', 'a\nb', 'a\rb', 'a\fb', ' ', 'a. ']) assert.equal(isValidSubject(s), false, JSON.stringify(s));
  });

  test('isValidLiteralSubject (nats-server IsValidLiteralSubject: no whitespace check)', () => {
    for (const s of ['a', 'a.b', 'a*', 'a>.b', 'a\fb', 'a b', '$JS.API.INFO']) assert.equal(isValidLiteralSubject(s), true, JSON.stringify(s));
    for (const s of ['', '*', '>', 'a.*', 'a.>', 'a..b', 'a.', '.a', '*.a']) assert.equal(isValidLiteralSubject(s), false, JSON.stringify(s));
  });

  test('isValidPublishSubject: valid and literal', () => {
    assert.equal(isValidPublishSubject('a.b'), true);
    assert.equal(isValidPublishSubject('a b'), false);
    assert.equal(isValidPublishSubject('a.*'), false);
    assert.equal(isValidPublishSubject(''), false);
  });

  test('isValidSublistSubject (nats-server Sublist.Insert)', () => {
    for (const s of ['a', 'a\fb', 'a b', 'a.*.>', '>']) assert.equal(isValidSublistSubject(s), true, JSON.stringify(s));
    for (const s of ['', 'a..b', 'a.', '.a', '>.a', 'a.>.>']) assert.equal(isValidSublistSubject(s), false, JSON.stringify(s));
  });

  test('hasWildcard and tokenCount', () => {
    assert.equal(hasWildcard('a.*'), true);
    assert.equal(hasWildcard('>'), true);
    assert.equal(hasWildcard('a*.b>'), false);
    assert.equal(hasWildcard('a.b'), false);
    assert.equal(tokenCount('a'), 1);
    assert.equal(tokenCount('a.b.>'), 3);
  });

  test('subjectIsSubsetOf examples', () => {
    const yes: Array<[string, string]> = [
      ['a.b', 'a.b'],
      ['a.b', 'a.*'],
      ['a.b', '>'],
      ['a.*', 'a.*'],
      ['a.*', 'a.>'],
      ['a.>', 'a.>'],
      ['a.b.>', 'a.*.>'],
      ['a.*.c', '*.*.c'],
      ['*', '*'],
    ];
    const no: Array<[string, string]> = [
      ['a.*', 'a.b'],
      ['a.>', 'a.*'],
      ['a', 'a.>'],
      ['a.b', 'a.b.c'],
      ['a.b.c', 'a.b'],
      ['>', 'a.>'],
      ['*', 'a'],
    ];
    for (const [a, b] of yes) assert.equal(subjectIsSubsetOf(a, b), true, `${a} ⊆ ${b}`);
    for (const [a, b] of no) assert.equal(subjectIsSubsetOf(a, b), false, `${a} ⊄ ${b}`);
  });

  test('subjectIsSubsetOf agrees with the sets of literals both patterns match', () => {
    // Over tokens {a, b} plus a fresh one and lengths up to one past the longer pattern, the
    // literal sets decide the subset relation exactly.
    const small = fc
      .tuple(fc.array(fc.constantFrom('a', 'b', '*'), { minLength: 1, maxLength: 3 }), fc.boolean())
      .map(([t, fwc]) => (fwc ? [...t, '>'] : t).join('.'));
    fc.assert(
      fc.property(small, small, (sub, sup) => {
        const maxLen = Math.max(tokenCount(sub), tokenCount(sup)) + 1;
        const universe: string[] = [];
        const grow = (prefix: string[]) => {
          if (prefix.length > 0) universe.push(prefix.join('.'));
          if (prefix.length === maxLen) return;
          for (const t of ['a', 'b', 'z']) grow([...prefix, t]);
        };
        grow([]);
        const subset = universe.every((s) => !naiveMatches(sub, s) || naiveMatches(sup, s));
        assert.equal(subjectIsSubsetOf(sub, sup), subset, `${sub} ⊆ ${sup}`);
      }),
      { numRuns: 1000 },
    );
  });

  test('subjectMatches equals the naive matcher', () => {
    fc.assert(
      fc.property(pattern, literal, (p, s) => {
        assert.equal(subjectMatches(p, s), naiveMatches(p, s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('matching without allocation', () => {
  test('tokensMatch (pre-split pattern) equals subjectMatches, also for odd subjects', () => {
    const odd = fc.array(fc.constantFrom('a', 'b', '*', '>', ''), { minLength: 1, maxLength: 4 }).map((t) => t.join('.'));
    fc.assert(
      fc.property(fc.oneof(pattern, odd), fc.oneof(literal, odd), (p, s) => {
        assert.equal(tokensMatch(splitTokens(p), s), subjectMatches(p, s), `${p} ~ ${s}`);
      }),
      { numRuns: 3000 },
    );
  });

  test('a subject token is taken literally', () => {
    assert.equal(subjectMatches('a.*', 'a.>'), true);
    assert.equal(subjectMatches('a.b', 'a.*'), false);
    assert.equal(subjectMatches('>', 'a.b'), true);
    assert.equal(subjectMatches('a.>', 'a'), false);
    assert.equal(subjectMatches('foo.bar', 'foo.baz'), false);
  });

  test('tokenAt is 1-based', () => {
    assert.equal(tokenAt('a.b.c', 1), 'a');
    assert.equal(tokenAt('a.b.c', 3), 'c');
    assert.equal(tokenAt('a.b.c', 4), '');
    assert.equal(tokenAt('a.b.c', 0), '');
  });
});

describe('subjectsCollide (nats-server SubjectsCollide)', () => {
  test('examples', () => {
    for (const [a, b] of [['a.*', 'a.b'], ['a.>', '*.b.c'], ['>', 'x'], ['foo.*', '*.bar'], ['a.b', 'a.b'], ['a.*.c', 'a.b.*'], ['a.>', 'a.b.c']]) assert.equal(subjectsCollide(a, b), true, `${a} ~ ${b}`);
    for (const [a, b] of [['a.b', 'a.c'], ['a', 'a.>'], ['a.b', 'a.b.c'], ['a.*', 'a.b.c']]) assert.equal(subjectsCollide(a, b), false, `${a} !~ ${b}`);
  });

  test('agrees with the sets of literals both patterns match', () => {
    const small = fc
      .tuple(fc.array(fc.constantFrom('a', 'b', '*'), { minLength: 1, maxLength: 3 }), fc.boolean())
      .map(([t, fwc]) => (fwc ? [...t, '>'] : t).join('.'));
    fc.assert(
      fc.property(small, small, (x, y) => {
        const maxLen = Math.max(tokenCount(x), tokenCount(y)) + 1;
        let common = false;
        const grow = (prefix: string[]) => {
          if (common) return;
          if (prefix.length > 0 && naiveMatches(x, prefix.join('.')) && naiveMatches(y, prefix.join('.'))) common = true;
          if (prefix.length === maxLen) return;
          for (const t of ['a', 'b', 'z']) grow([...prefix, t]);
        };
        grow([]);
        assert.equal(subjectsCollide(x, y), common, `${x} ~ ${y}`);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('subjectError (form fields)', () => {
  test('accepts literals and well-formed wildcards', () => {
    for (const s of ['a', 'a.b.c', 'a.*', 'a.>', '*', '>', 'a.*.c', '$SYS.REQ.>']) assert.equal(subjectError(s), null, s);
  });

  test('explains what is wrong', () => {
    assert.match(subjectError('') ?? '', /empty/);
    assert.match(subjectError('a..b') ?? '', /empty token/);
    assert.match(subjectError('a.b.') ?? '', /empty token/);
    assert.match(subjectError('a b') ?? '', /whitespace/);
    assert.match(subjectError('a.>.b') ?? '', /last/);
    assert.match(subjectError('a.b*') ?? '', /whole token/);
    assert.match(subjectError('a.>x') ?? '', /whole token/);
  });

  test('refuses wildcards where literals are required', () => {
    assert.match(subjectError('a.*', { wildcards: false }) ?? '', /not allowed/);
    assert.equal(subjectError('a.b', { wildcards: false }), null);
  });

  test('what it accepts the server accepts', () => {
    const any = fc.array(fc.constantFrom('a', 'b*', '*', '>', '', ' ', 'c>'), { minLength: 1, maxLength: 4 }).map((t) => t.join('.'));
    fc.assert(fc.property(any, (s) => subjectError(s) !== null || isValidSubject(s)), { numRuns: 2000 });
  });
});

describe('subjectIsSubsetOf (the web forms cases)', () => {
  test('literals and wildcards', () => {
    const yes: Array<[string, string]> = [['a.b', 'a.b'], ['a.b', 'a.*'], ['a.b.c', 'a.>'], ['a.*', 'a.>'], ['a.>', 'a.>']];
    const no: Array<[string, string]> = [['a.>', 'a.*'], ['a', 'a.>'], ['a.b', 'a.c'], ['a.b.c', 'a.*']];
    for (const [a, b] of yes) assert.equal(subjectIsSubsetOf(a, b), true, `${a} ⊆ ${b}`);
    for (const [a, b] of no) assert.equal(subjectIsSubsetOf(a, b), false, `${a} ⊄ ${b}`);
  });
});
