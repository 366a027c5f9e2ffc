import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermissionSet, PUB_CACHE_MAX } from './permissions.js';

test('publish: allow, deny beats allow, empty allow denies all, cache stays bounded', () => {
  const p = new PermissionSet({ publish: { allow: ['foo.*', 'bar.>'], deny: ['foo.secret'] } });
  assert.equal(p.canPublish('foo.x'), true);
  assert.equal(p.canPublish('foo.secret'), false);
  assert.equal(p.canPublish('foo.x.y'), false);
  assert.equal(p.canPublish('bar'), false);
  assert.equal(p.canPublish('bar.a.b'), true);
  for (let i = 0; i < PUB_CACHE_MAX * 3; i++) p.canPublish(`bar.${i}`);
  assert.ok(p.cacheSizes.publish <= PUB_CACHE_MAX);
  assert.equal(new PermissionSet({ publish: { allow: [] } }).canPublish('anything'), false);
  assert.equal(new PermissionSet({ subscribe: { allow: ['x'] } }).canPublish('anything'), true);
});

test('subscribe: literal matching of wildcard requests, queues, delivery filter', () => {
  const p = new PermissionSet({ subscribe: { allow: ['foo.*', 'q.> grp', 'w.* v.*'], deny: ['foo.deny', 'foo.q bad'] } });
  assert.equal(p.canSubscribe('foo.>', null), true, 'allow foo.* admits foo.> as a literal');
  assert.equal(p.canSubscribe('foo.deny', null), false);
  assert.equal(p.canSubscribe('q.a', null), false);
  assert.equal(p.canSubscribe('q.a', 'grp'), true);
  assert.equal(p.canSubscribe('q.a', 'other'), false);
  assert.equal(p.canSubscribe('w.a', 'v.1'), true);
  assert.equal(p.canSubscribe('w.a', 'v'), false);
  assert.equal(p.canSubscribe('foo.q', 'bad'), false);
  assert.equal(p.canSubscribe('foo.q', 'good'), true);
  // foo.> is wider than the deny entry foo.deny: deliveries of foo.deny are filtered.
  assert.equal(p.canDeliver('foo.deny'), false);
  assert.equal(p.canDeliver('foo.ok'), true);
});

test('allow_responses: max uses and expiry', () => {
  const p = new PermissionSet({ subscribe: { allow: ['req'] }, allowResponses: { maxMsgs: 2, expires: 50 } });
  assert.equal(p.canPublish('r.1'), false);
  p.onDeliveredReply('r.1');
  assert.equal(p.canPublish('r.1'), true);
  assert.equal(p.canPublish('r.1'), true);
  assert.equal(p.canPublish('r.1'), false);
  const q = new PermissionSet({ allowResponses: { maxMsgs: -1, expires: 0 } });
  q.onDeliveredReply('r.2');
  for (let i = 0; i < 10; i++) assert.equal(q.canPublish('r.2'), true, 'negative max = unlimited');
});
