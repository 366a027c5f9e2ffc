import { describe, expect, test } from 'vitest';
import type { SubjectsResponse } from '@switchboard/shared';
import { SseParser } from './sse';
import { accountRates } from './useMessages';
import { draftErrors, emptyDraft } from './MessageFields';
import { showPayload } from './ReceivedView';
import { defaultAccount } from './MessagesPage';
import { formatLatency } from './RequestPanel';

describe('SseParser', () => {
  test('whole events out of chunks split anywhere; comments skipped; multi-line data joined', () => {
    const p = new SseParser();
    expect(p.push('event: msg\ndata: {"a"')).toEqual([]);
    expect(p.push(':1}\n\n: ping\n\nevent: tail-stats\r\ndata: 1\r\ndata: 2\r\n\r\ndata: plain\n\n')).toEqual([
      { type: 'msg', data: '{"a":1}' },
      { type: 'tail-stats', data: '1\n2' },
      { type: 'message', data: 'plain' },
    ]);
  });
});

const answer = (now: number, inMsgs: number, outMsgs: number): SubjectsResponse => ({
  now,
  accounts: [{ name: 'A', conns: 1, subscriptions: 1, inMsgs, outMsgs, inBytes: inMsgs * 10, outBytes: outMsgs * 10 }],
  subjects: [],
  total: 0,
});

describe('accountRates', () => {
  test('counter differences over the time between two answers; none without a previous answer; a restart counts from zero', () => {
    expect(accountRates(undefined, answer(2000, 10, 0)).size).toBe(0);
    expect(accountRates(answer(0, 100, 50), answer(2000, 300, 50)).get('A')).toEqual({ inMsgs: 100, outMsgs: 0, inBytes: 1000, outBytes: 0 });
    expect(accountRates(answer(0, 100, 50), answer(2000, 20, 50)).get('A')?.inMsgs).toBe(10);
    expect(accountRates(answer(2000, 1, 1), answer(2000, 5, 5)).size).toBe(0);
  });
});

describe('message drafts', () => {
  test('field errors: subject rules, JSON, header names, the size limit', () => {
    expect(draftErrors({ ...emptyDraft('A'), subject: 'a.b' })).toEqual({});
    expect(draftErrors(emptyDraft('')).account).toBe('choose an account');
    expect(draftErrors({ ...emptyDraft('A'), subject: 'a.*' }).subject).toMatch(/wildcards/);
    expect(draftErrors({ ...emptyDraft('A'), subject: 'a', encoding: 'json', payload: '{x' }).payload).toMatch(/not valid JSON/);
    expect(draftErrors({ ...emptyDraft('A'), subject: 'a', headers: [{ name: 'a b', value: '' }] }).header0).toMatch(/visible ASCII/);
    expect(draftErrors({ ...emptyDraft('A'), subject: 'a', payload: 'é'.repeat(40_000) }).payload).toMatch(/larger than the console's limit/);
  });
  test('payloads shown: JSON pretty-printed, other text and base64 as they came', () => {
    expect(showPayload({ payload: '{"a":1}', payloadEncoding: 'utf8', truncated: false })).toBe('{\n  "a": 1\n}');
    expect(showPayload({ payload: '{"a":', payloadEncoding: 'utf8', truncated: true })).toBe('{"a":');
    expect(showPayload({ payload: '/w==', payloadEncoding: 'base64', truncated: false })).toBe('/w==');
  });
  test('default account and latency format', () => {
    expect(defaultAccount(['A', '$G', 'B'])).toBe('$G');
    expect(defaultAccount(['B', 'A'])).toBe('B');
    expect(defaultAccount([])).toBe('');
    expect(formatLatency(0.25)).toBe('250 µs');
    expect(formatLatency(3.14159)).toBe('3.1 ms');
    expect(formatLatency(1234.5)).toBe('1235 ms');
  });
});
