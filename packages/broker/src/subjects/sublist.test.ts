/**
 * Sublist against a naive model: random inserts and removes (plain and queue subscriptions,
 * with '*' and '>') interleaved with matches, so that cached results must be kept right. The
 * subject rules themselves are tested in packages/shared (subjects.test.ts).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Sublist, InvalidSubjectError, type SublistResult } from './sublist.js';

interface Entry {
  readonly id: number;
  readonly subject: string;
  readonly queue: string | null;
}

/** The reference matcher: a regular expression built from the pattern. */
function naiveMatches(pattern: string, subject: string): boolean {
  const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parts = pattern.split('.').map((t) => (t === '*' ? '[^.]+' : t === '>' ? '[^.]+(?:\\.[^.]+)*' : esc(t)));
  return new RegExp(`^${parts.join('\\.')}$`).test(subject);
}

/** A result as comparable data: sorted plain ids, and per queue name the sorted member ids. */
function shape(r: SublistResult<Entry>): { plain: number[]; queues: Record<string, number[]> } {
  const queues: Record<string, number[]> = {};
  for (const group of r.qsubs) {
    assert.ok(group.length > 0, 'no empty queue group in a result');
    const name = group[0].queue as string;
    assert.ok(group.every((e) => e.queue === name), 'one queue name per group');
    assert.equal(queues[name], undefined, `queue ${name} appears once`);
    queues[name] = group.map((e) => e.id).sort((a, b) => a - b);
  }
  return { plain: r.psubs.map((e) => e.id).sort((a, b) => a - b), queues };
}

function expected(live: Set<Entry>, subject: string): ReturnType<typeof shape> {
  const plain: number[] = [];
  const queues: Record<string, number[]> = {};
  for (const e of live) {
    if (!naiveMatches(e.subject, subject)) continue;
    if (e.queue === null) plain.push(e.id);
    else (queues[e.queue] ??= []).push(e.id);
  }
  plain.sort((a, b) => a - b);
  for (const q of Object.values(queues)) q.sort((a, b) => a - b);
  return { plain, queues };
}

// A small token alphabet so that patterns and subjects overlap often.
const tok = fc.constantFrom('a', 'b', 'c', 'foo', 'bar');
const literal = fc.array(tok, { minLength: 1, maxLength: 4 }).map((t) => t.join('.'));
const pattern = fc
  .tuple(fc.array(fc.oneof({ weight: 3, arbitrary: tok }, { weight: 1, arbitrary: fc.constant('*') }), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([t, fwc]) => (fwc && t.length < 4 ? [...t, '>'] : t).join('.'));
const queue = fc.option(fc.constantFrom('q1', 'q2', 'q3'), { nil: null, freq: 2 });

type Cmd = { kind: 'insert'; subject: string; queue: string | null } | { kind: 'remove'; pick: number } | { kind: 'reinsert'; pick: number } | { kind: 'match'; subject: string };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), subject: pattern, queue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reinsert' as const), pick: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('match' as const), subject: literal }) },
);

function runModel(cmds: Cmd[], cache: boolean): void {
  const sl = new Sublist<Entry>({ cache });
  const live = new Set<Entry>();
  const removed: Entry[] = [];
  let nextId = 1;
  for (const c of cmds) {
    switch (c.kind) {
      case 'insert': {
        const e: Entry = { id: nextId++, subject: c.subject, queue: c.queue };
        sl.insert(e);
        live.add(e);
        break;
      }
      case 'remove': {
        const all = [...live];
        if (all.length === 0 || c.pick % 4 === 0) {
          // Removing something that is not there (never inserted, or already removed) is a no-op.
          const ghost = removed.length > 0 ? removed[c.pick % removed.length] : { id: -1, subject: 'a.b', queue: null };
          assert.equal(sl.remove(ghost), false);
        } else {
          const e = all[c.pick % all.length];
          assert.equal(sl.remove(e), true);
          live.delete(e);
          removed.push(e);
        }
        break;
      }
      case 'reinsert': {
        // Inserting a present entry again changes nothing.
        const all = [...live];
        if (all.length > 0) sl.insert(all[c.pick % all.length]);
        break;
      }
      case 'match': {
        const first = shape(sl.match(c.subject));
        assert.deepEqual(first, expected(live, c.subject), `match ${c.subject} over ${[...live].map((e) => e.subject + (e.queue ? `(${e.queue})` : '')).join(' ')}`);
        // A second match (a cache hit when caching) agrees.
        assert.deepEqual(shape(sl.match(c.subject)), first);
        break;
      }
    }
    assert.equal(sl.size, live.size);
  }
  assert.deepEqual(
    sl.all().map((e) => e.id).sort((a, b) => a - b),
    [...live].map((e) => e.id).sort((a, b) => a - b),
  );
}

describe('Sublist against a naive matcher', () => {
  test('random inserts, removes and matches (with the cache)', () => {
    fc.assert(fc.property(fc.array(cmd, { minLength: 1, maxLength: 80 }), (cmds) => runModel(cmds, true)), { numRuns: 400 });
  });

  test('random inserts, removes and matches (without the cache)', () => {
    fc.assert(fc.property(fc.array(cmd, { minLength: 1, maxLength: 80 }), (cmds) => runModel(cmds, false)), { numRuns: 200 });
  });

  test('the cache stays right past its size limit', () => {
    const sl = new Sublist<Entry>();
    const w: Entry = { id: 1, subject: 'm.*', queue: null };
    sl.insert(w);
    for (let i = 0; i < 3000; i++) assert.equal(sl.match(`m.${i}`).psubs.length, 1);
    assert.ok(sl.cacheSize <= 1024, `cache size ${sl.cacheSize}`);
    const late: Entry = { id: 2, subject: 'm.>', queue: 'g' };
    sl.insert(late);
    for (let i = 0; i < 3000; i += 7) assert.deepEqual(shape(sl.match(`m.${i}`)), { plain: [1], queues: { g: [2] } });
    sl.remove(w);
    for (let i = 0; i < 3000; i += 7) assert.deepEqual(shape(sl.match(`m.${i}`)), { plain: [], queues: { g: [2] } });
  });

  test('subjects with an empty token match nothing, even against >', () => {
    const sl = new Sublist<Entry>();
    sl.insert({ id: 1, subject: '>', queue: null });
    sl.insert({ id: 2, subject: 'a.*', queue: null });
    for (const s of ['a.', '.a', 'a..b', '', '.']) assert.deepEqual(shape(sl.match(s)), { plain: [], queues: {} }, JSON.stringify(s));
    assert.deepEqual(shape(sl.match('a.b')), { plain: [1, 2], queues: {} });
  });

  test('insert rejects what nats-server rejects, and only that', () => {
    const sl = new Sublist<Entry>();
    for (const s of ['', 'a..b', '.a', 'a.', 'a.>.b', '>.a', '>.>']) {
      assert.throws(() => sl.insert({ id: 1, subject: s, queue: null }), InvalidSubjectError, JSON.stringify(s));
    }
    let id = 10;
    for (const s of ['a', '*', '>', 'a.*.>', 'a\fb', 'a*.b>', '*.*']) sl.insert({ id: id++, subject: s, queue: null });
    assert.equal(sl.size, 7);
    assert.deepEqual(shape(sl.match('a\fb')).plain, [11, 12, 14]);
  });

  test('queue subscriptions group by name across levels', () => {
    const sl = new Sublist<Entry>();
    sl.insert({ id: 1, subject: 'x.y', queue: 'g' });
    sl.insert({ id: 2, subject: 'x.*', queue: 'g' });
    sl.insert({ id: 3, subject: 'x.>', queue: 'h' });
    sl.insert({ id: 4, subject: 'x.y', queue: null });
    assert.deepEqual(shape(sl.match('x.y')), { plain: [4], queues: { g: [1, 2], h: [3] } });
    assert.deepEqual(shape(sl.match('x.z')), { plain: [], queues: { g: [2], h: [3] } });
  });
});
