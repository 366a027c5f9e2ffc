/**
 * Reload by what changed: a module's `reload` runs only when the change set touches one of its
 * declared keys, modules run in registration order, and the auth module re-checks connected
 * clients only when who may connect changed (not for `debug`, nor for `auth_timeout` alone).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OptionsInput } from '@switchboard/shared';
import type { BrokerModule, ChangeSet } from '../contracts/index.js';
import { Logger } from '../log/logger.js';
import { createServer } from '../switchboard.js';

test('modules reload only for their keys, in registration order; auth re-checks clients only when needed', async () => {
  const calls: string[] = [];
  const probe = (name: string, keys: BrokerModule['reloadKeys']): BrokerModule => ({
    name,
    reloadKeys: keys,
    reload: (c: ChangeSet) => calls.push(`${name}:${c.changes.map((x) => x.path).join(',')}`),
  });
  const base: OptionsInput = { host: '127.0.0.1', port: -1, authorization: { users: [{ user: 'u', password: 'p' }] } };
  const server = createServer(base, {
    logger: new Logger({ sink: () => {} }),
    modules: [probe('first', ['authorization', 'debug']), probe('second', ['authorization']), probe('never', ['maxPayload'])],
  });
  let rechecks = 0;
  const reapply = server.auth.reapply.bind(server.auth);
  server.auth.reapply = () => {
    rechecks++;
    return reapply();
  };
  await server.start();
  try {
    let r = await server.reload({ ...base, debug: true });
    assert.equal(r.applied, true, r.errors.join('\n'));
    assert.deepEqual(calls, ['first:debug']);
    assert.equal(rechecks, 0, 'debug alone re-checks no client');

    r = await server.reload({ ...base, debug: true, authTimeout: 5 });
    assert.equal(r.applied, true, r.errors.join('\n'));
    assert.equal(rechecks, 0, 'auth_timeout alone re-checks no client');
    assert.equal(server.authTimeoutSeconds(), 5);

    r = await server.reload({ ...base, debug: true, authTimeout: 5, authorization: { users: [{ user: 'u', password: 'q' }] } });
    assert.equal(r.applied, true, r.errors.join('\n'));
    assert.deepEqual(calls, ['first:debug', 'first:authorization', 'second:authorization']);
    assert.equal(rechecks, 1);
  } finally {
    await server.shutdown();
  }
});
