import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveOptions } from '@switchboard/shared';
import { layerOverrides, planReload } from './reload.js';

test('command-line options win key by key; auth flags go into the file authorization block', () => {
  const file = { port: 4222, debug: true, authorization: { token: 'from-file' } };
  const merged = layerOverrides(file, { port: 5555, authorization: { user: 'u', password: 'p' } });
  assert.equal(merged.port, 5555);
  assert.equal(merged.debug, true);
  assert.deepEqual(merged.authorization, { token: 'from-file', user: 'u', password: 'p' });
});

test('a reload lays the flags over the new file, not over the file as it was at start', () => {
  const running = resolveOptions({ authorization: { token: 'old', user: 'u', password: 'p' } });
  const plan = planReload(running, { options: { authorization: { token: 'new' } } }, { authorization: { user: 'u', password: 'p' } });
  assert.equal(plan.result.ok, true, plan.result.errors.join('\n'));
  assert.deepEqual(plan.next?.authorization, { token: 'new', user: 'u', password: 'p' });
  assert.deepEqual(plan.result.changes.map((c) => c.path), ['authorization']);
});
