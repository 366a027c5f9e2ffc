import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveOptions } from '@switchboard/shared';
import { diffOptions, explainChange, blockingChanges, reloadRefusal } from './diff.js';

test('diff: hot changes', () => {
  const a = resolveOptions({ debug: false, maxPayload: 1024, cluster: { routes: ['nats://a:1'] } });
  const b = resolveOptions({ debug: true, maxPayload: 2048, cluster: { routes: ['nats://a:1', 'nats://b:2'] }, authorization: { token: 't' } });
  const ch = diffOptions(a, b);
  assert.deepEqual(
    ch.map((c) => [c.path, c.kind, c.hot]).sort(),
    [
      ['authorization', 'added', true],
      ['cluster.routes', 'changed', true],
      ['debug', 'changed', true],
      ['maxPayload', 'changed', true],
    ],
  );
  assert.deepEqual(blockingChanges(ch), []);
  assert.equal(explainChange(ch.find((c) => c.path === 'maxPayload')!), 'maxPayload: 1024 → 2048 (applied on reload)');
});

test('diff: restart-only changes', () => {
  const a = resolveOptions({ port: 4222, lameDuckDuration: 60_000, cluster: { port: 6222 }, gateway: { name: 'g' } });
  const b = resolveOptions({ port: 4333, lameDuckDuration: 90_000, cluster: { port: 6333 }, gateway: { name: 'h' } });
  const ch = diffOptions(a, b);
  assert.deepEqual(ch.map((c) => [c.path, c.hot]), [
    ['port', false],
    ['lameDuckDuration', false],
    ['cluster.port', false],
    ['gateway', false],
  ]);
  assert.equal(reloadRefusal(ch[0]!), 'config reload not supported for port: old=4222, new=4333');
  assert.match(explainChange(ch[1]!), /^lameDuckDuration: 60000 → 90000 \(requires a restart/);
});

test('diff: special cases (random port, no_auth_user removal, $SYS)', () => {
  const a = resolveOptions({ port: 4222, noAuthUser: 'x', systemAccount: '$SYS', authorization: { users: [{ user: 'x' }] } });
  const b = resolveOptions({ port: -1 });
  const ch = diffOptions(a, b);
  assert.deepEqual(ch.map((c) => [c.path, c.hot]), [
    ['port', true],
    ['authorization', true],
    ['noAuthUser', true],
    ['systemAccount', true],
  ]);
  const c = diffOptions(resolveOptions({ noAuthUser: 'x' }), resolveOptions({ noAuthUser: 'y' }));
  assert.equal(c[0]!.hot, false);
});
