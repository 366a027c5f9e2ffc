import { describe, expect, it } from 'vitest';
import { isSubsetOf, subjectError, subjectsOverlap } from './subjects';

describe('subjectError', () => {
  it('accepts literals and well-formed wildcards', () => {
    for (const s of ['a', 'a.b.c', 'a.*', 'a.>', '*', '>', 'a.*.c', '$SYS.REQ.>']) {
      expect(subjectError(s)).toBeNull();
    }
  });
  it('explains what is wrong', () => {
    expect(subjectError('')).toMatch(/empty/);
    expect(subjectError('a..b')).toMatch(/empty token/);
    expect(subjectError('a.b.')).toMatch(/empty token/);
    expect(subjectError('a b')).toMatch(/whitespace/);
    expect(subjectError('a.>.b')).toMatch(/last/);
    expect(subjectError('a.b*')).toMatch(/whole token/);
    expect(subjectError('a.>x')).toMatch(/whole token/);
  });
  it('refuses wildcards where literals are required', () => {
    expect(subjectError('a.*', { wildcards: false })).toMatch(/not allowed/);
    expect(subjectError('a.b', { wildcards: false })).toBeNull();
  });
});

describe('isSubsetOf', () => {
  it('handles literals and wildcards', () => {
    expect(isSubsetOf('a.b', 'a.b')).toBe(true);
    expect(isSubsetOf('a.b', 'a.*')).toBe(true);
    expect(isSubsetOf('a.b.c', 'a.>')).toBe(true);
    expect(isSubsetOf('a.*', 'a.>')).toBe(true);
    expect(isSubsetOf('a.>', 'a.>')).toBe(true);
    expect(isSubsetOf('a.>', 'a.*')).toBe(false);
    expect(isSubsetOf('a', 'a.>')).toBe(false);
    expect(isSubsetOf('a.b', 'a.c')).toBe(false);
    expect(isSubsetOf('a.b.c', 'a.*')).toBe(false);
  });
});

describe('subjectsOverlap', () => {
  it('finds common subjects', () => {
    expect(subjectsOverlap('a.*', 'a.b')).toBe(true);
    expect(subjectsOverlap('a.>', '*.b.c')).toBe(true);
    expect(subjectsOverlap('a.b', 'a.c')).toBe(false);
    expect(subjectsOverlap('a', 'a.>')).toBe(false);
    expect(subjectsOverlap('a.b', 'a.b.c')).toBe(false);
    expect(subjectsOverlap('>', 'x')).toBe(true);
  });
});
