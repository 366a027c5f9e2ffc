import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectChunks, renderChunks, SharedRenders, type Chunks } from './render.js';
import { TopK } from './topk.js';

test('renderChunks: the chunks joined are JSON.stringify of the view, any indent, non-ASCII text included', async () => {
  const items = Array.from({ length: 3000 }, (_, i) => i);
  const fill = (i: number) => ({ cid: i, rtt: `${i}µs`, name: i % 7 === 0 ? 'ünïcødé ✓ "quoted"\n' : `c${i}`, subs: i % 3 === 0 ? [] : [{ subject: `a.${i}`, sid: String(i) }] });
  for (const indent of [0, 2, 4]) {
    const head = { server_id: 'S', now: 'x', num_connections: items.length, connections: [] as unknown[] };
    const expected = JSON.stringify({ ...head, connections: items.map(fill) }, null, indent);
    const text = (await collectChunks(renderChunks(head, items, fill, indent))).toString('utf8');
    assert.equal(text, expected, `indent ${indent}`);
  }
  assert.equal((await collectChunks(renderChunks({ a: 1, l: [] }, [], () => 0, 2))).toString(), JSON.stringify({ a: 1, l: [] }, null, 2));
  // Entries larger than a chunk buffer, between small ones.
  const big = (i: number) => ({ i, text: (i % 2 ? 'é' : 'x').repeat(i % 3 === 0 ? 150_000 : 10) });
  const many = Array.from({ length: 12 }, (_, i) => i);
  assert.equal((await collectChunks(renderChunks({ l: [] }, many, big, 2))).toString('utf8'), JSON.stringify({ l: many.map(big) }, null, 2));
});

test('TopK keeps the first k of a full sort, in order', () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const rows = Array.from({ length: 5000 }, (_, i) => ({ cid: i + 1, subs: Math.floor(rnd() * 20) }));
  const cmp = (a: { cid: number; subs: number }, b: { cid: number; subs: number }) => b.subs - a.subs || a.cid - b.cid;
  for (const k of [0, 1, 10, 1024, 5000, 9000]) {
    const top = new TopK(k, cmp);
    for (const r of rows) top.add(r);
    const steps = top.drain();
    let r = steps.next();
    while (!r.done) r = steps.next();
    assert.deepEqual(r.value, [...rows].sort(cmp).slice(0, k), `k=${k}`);
  }
});

test('SharedRenders: identical requests during a rendering share it; a later one renders again; a failed plan is not kept', async () => {
  const shared = new SharedRenders();
  let plans = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const plan = async (): Promise<Chunks> => {
    plans++;
    const n = plans;
    return (async function* () {
      yield Buffer.from(`[${n},`);
      await gate;
      yield Buffer.from(`${n}]`);
    })();
  };
  const a = await shared.render('k', plan);
  const b = await shared.render('k', plan);
  const other = await shared.render('other', plan);
  assert.equal(plans, 2, 'one plan for the two identical requests, one for the other key');
  release();
  const [ta, tb, to] = await Promise.all([a, b, other].map(async (c) => (await collectChunks(c)).toString()));
  assert.equal(ta, '[1,1]');
  assert.equal(tb, '[1,1]', 'the second request read the same rendering');
  assert.equal(to, '[2,2]');
  assert.equal(shared.size, 0, 'nothing in flight once the renderings ended');
  assert.equal((await collectChunks(await shared.render('k', plan))).toString(), '[3,3]', 'a request after the end renders again');

  const failing = () => Promise.reject(new Error('bad option'));
  await assert.rejects(shared.render('bad', failing), /bad option/);
  await assert.rejects(shared.render('bad', failing), /bad option/);
  assert.equal(shared.size, 0);
  let calls = 0;
  const breaks = async (): Promise<Chunks> => {
    calls++;
    return (async function* () {
      yield Buffer.from('x');
      throw new Error('broke mid-way');
    })();
  };
  await assert.rejects(collectChunks(await shared.render('mid', breaks)), /broke mid-way/);
  await assert.rejects(collectChunks(await shared.render('mid', breaks)), /broke mid-way/);
  assert.equal(calls, 2);
});
