import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BcryptPool, BcryptPoolBusyError } from './bcrypt-pool.js';
import { hashPassword } from './passwords.js';

test('the pool answers right, wrong and malformed like bcrypt, from worker threads', async () => {
  const pool = new BcryptPool(2);
  const hash = hashPassword('secret', 4);
  assert.deepEqual(await Promise.all([pool.compare('secret', hash), pool.compare('nope', hash), pool.compare('secret', 'not-a-hash')]), [true, false, false]);
  assert.equal(pool.pending, 0);
});

test('beyond the queue bound a check is refused, not queued', async () => {
  const pool = new BcryptPool(1, 2);
  const hash = hashPassword('secret', 8);
  const running = pool.compare('secret', hash);
  const queued = [pool.compare('secret', hash), pool.compare('x', hash)];
  await assert.rejects(pool.compare('secret', hash), BcryptPoolBusyError);
  assert.deepEqual(await Promise.all([running, ...queued]), [true, true, false]);
});
