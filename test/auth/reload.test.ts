import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { parseConfigText, type Switchboard } from '@switchboard/broker';
import { resolveOptions } from '@switchboard/shared';
import { startEmbedded, startProcess, waitFor } from '../helpers/servers.js';
import { Peer, pub, targets } from './differential.js';
import { tmpDir, writeConf } from './helpers.js';

const BEFORE = `
authorization {
  users = [
    { user: u, password: u, permissions: { subscribe: { allow: ["foo.>", "bar.>", "q.> grp"] } } }
    { user: v, password: v }
    { user: w, password: w }
    { user: all, password: all }
  ]
}
`;
const AFTER = `
authorization {
  users = [
    { user: u, password: u, permissions: { subscribe: { allow: ["foo.>"] } } }
    { user: v, password: changed }
    { user: all, password: all }
  ]
}
`;

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

interface ReloadTarget {
  port: number;
  reload(conf: string): Promise<void>;
}

async function startSwitchboard(conf: string): Promise<ReloadTarget & { server: Switchboard }> {
  const s = await startEmbedded(parseConfigText(conf).options);
  cleanups.push(() => s.server.shutdown());
  return {
    port: s.port,
    server: s.server,
    async reload(next: string) {
      const r = await s.server.reload({ ...parseConfigText(next).options, host: '127.0.0.1', port: -1 });
      assert.ok(r.applied, JSON.stringify(r));
    },
  };
}

async function startNatsServer(conf: string): Promise<ReloadTarget> {
  const dir = tmpDir('reload');
  const file = writeConf(dir, 'r.conf', conf);
  const p = await startProcess('nats-server', ['-c', file]);
  cleanups.push(() => p.stop());
  return {
    port: p.port,
    async reload(next: string) {
      writeFileSync(file, next);
      const before = p.output().length;
      p.proc.kill('SIGHUP');
      await waitFor(() => p.output().slice(before).includes('Reloaded server configuration'), 5000, 'nats-server reload');
    },
  };
}

for (const target of targets()) {
  describe(`reload of users and permissions (${target})`, () => {
    test('subs no longer allowed are removed with the (sid) text; changed password and removed user are disconnected', async () => {
      const t = target === 'switchboard' ? await startSwitchboard(BEFORE) : await startNatsServer(BEFORE);
      const u = await Peer.open(t.port, 'u', 'u');
      const v = await Peer.open(t.port, 'v', 'v');
      const w = await Peer.open(t.port, 'w', 'w');
      const all = await Peer.open(t.port, 'all', 'all');
      cleanups.push(() => [u, v, w, all].forEach((p) => p.close()));
      assert.deepEqual(await u.op('SUB foo.x 1\r\nSUB bar.x 2\r\nSUB q.a grp 3\r\n'), []);

      await t.reload(AFTER);

      const got = await u.op('');
      assert.deepEqual(got.sort(), [`-ERR 'Permissions Violation for Subscription to "bar.x" (sid "2")'`, `-ERR 'Permissions Violation for Subscription to "q.a" (sid "3")'`].sort());
      assert.equal(u.closed, false);
      await all.op(pub('foo.x', 'f') + pub('bar.x', 'b'));
      assert.deepEqual(await u.op(''), ['MSG foo.x 1 1', 'f']);

      await waitFor(() => v.closed && w.closed, 3000, 'v and w closed');
      assert.equal(all.closed, false);
    });
  });
}

describe('auth.apply (a reload of authorization, direct)', () => {
  test('moving a user to another account closes it; survivors get new permissions; INFO follows', async () => {
    const first = `accounts { A { users = [ { user: m, password: m }, { user: s, password: s } ] } }`;
    const t = await startSwitchboard(first);
    const m = await Peer.open(t.port, 'm', 'm');
    const s = await Peer.open(t.port, 's', 's');
    cleanups.push(() => [m, s].forEach((p) => p.close()));
    const next = resolveOptions({
      ...parseConfigText(`accounts {
        A { users = [ { user: s, password: s, permissions: { publish: "ok" } } ] }
        B { users = [ { user: m, password: m } ] }
      }`).options,
      host: '127.0.0.1',
      port: -1,
    });
    t.server.opts = next;
    const res = t.server.auth.apply(next);
    assert.deepEqual(res, { moved: 1, unauthorized: 0, subsRemoved: 0 });
    await waitFor(() => m.closed, 3000, 'moved client closed');
    assert.deepEqual(await s.op(pub('nope')), [`-ERR 'Permissions Violation for Publish to "nope"'`]);
    assert.ok(t.server.accounts.has('B'));
  });

  test('an invalid auth configuration is refused without changing anything', async () => {
    const t = await startSwitchboard(`authorization { users = [ { user: x, password: x } ] }`);
    const bad = resolveOptions({ authorization: { users: [{ user: 'x', password: 'x' }] }, noAuthUser: 'ghost' });
    assert.throws(() => t.server.auth.apply(bad), /no_auth_user/);
    const p = await Peer.open(t.port, 'x', 'x');
    cleanups.push(() => p.close());
    assert.deepEqual(await p.op(''), []);
  });
});
