/**
 * The $SYS.SERVER.<id>.CLIENT.AUTH.ERR advisory against nats-server 2.9.10: it names the user the
 * client claimed (issue 16).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { startEmbedded, startProcess, natsServerAvailable, waitFor } from '../helpers/servers.js';

const skip = natsServerAvailable() ? false : 'nats-server is not on PATH';

const CONF = `accounts {
  $SYS { users [{user: sys, password: sys}] }
  A { users [{user: a, password: a}] }
}
`;

async function authErrEvent(url: string): Promise<Record<string, unknown>> {
  const sys = await connect({ servers: url, user: 'sys', pass: 'sys' });
  try {
    const seen: Record<string, unknown>[] = [];
    sys.subscribe('$SYS.SERVER.*.CLIENT.AUTH.ERR', { callback: (_e, m) => seen.push(m.json()) });
    await sys.flush();
    await assert.rejects(connect({ servers: url, user: 'a', pass: 'wrong', name: 'intruder', reconnect: false, maxReconnectAttempts: 0 }));
    await waitFor(() => seen.length >= 1, 10_000, 'AUTH.ERR advisory');
    return seen[0];
  } finally {
    await sys.close();
  }
}

test('the AUTH.ERR advisory carries the claimed user, as nats-server', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auth-err-'));
  const file = join(dir, 'nats.conf');
  writeFileSync(file, CONF);
  const nats = await startProcess('nats-server', ['-c', file]);
  const sb = await startEmbedded({ accounts: { $SYS: { users: [{ user: 'sys', password: 'sys' }] }, A: { users: [{ user: 'a', password: 'a' }] } } });
  try {
    const theirs = (await authErrEvent(nats.url)).client as Record<string, unknown>;
    const ours = (await authErrEvent(sb.url)).client as Record<string, unknown>;
    assert.equal(theirs.user, 'a', 'nats-server names the user');
    assert.equal(ours.user, theirs.user);
    assert.equal(ours.name, theirs.name);
    assert.equal(JSON.stringify(ours).includes('wrong'), false, 'no password in the advisory');
  } finally {
    await nats.stop();
    await sb.server.shutdown();
  }
});
