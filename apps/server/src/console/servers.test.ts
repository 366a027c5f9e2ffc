import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ServerListSchema } from '@switchboard/shared';
import { login, startConsole } from '../../../../test/helpers/console.js';

const setup = startConsole;

for (const [label, conf] of [
  ['with a system account ($SYS.REQ.SERVER.PING)', ''],
  ['without a system account (local STATSZ)', 'no_system_account: true\n'],
] as const) {
  describe(`GET /api/servers ${label}`, () => {
    let ctx: Awaited<ReturnType<typeof setup>>;
    before(async () => {
      ctx = await setup(conf);
    });
    after(async () => {
      await ctx.app.close();
      rmSync(ctx.dir, { recursive: true, force: true });
    });

    test('anonymous callers get 401', async () => {
      const r = await ctx.app.inject('/api/servers');
      assert.equal(r.statusCode, 401);
      assert.equal(r.json().code, 'UNAUTHENTICATED');
    });

    test('a viewer sees the local server with its latest full STATSZ', async () => {
      ctx.app.consoleContext.users.create('vic', 'viewerpw', 'viewer');
      const cookie = await login(ctx.app, 'vic', 'viewerpw');
      assert.deepEqual(ServerListSchema.parse((await ctx.app.inject({ url: '/api/servers', headers: { cookie } })).json()), { servers: [] });
      await ctx.app.consoleContext.sampler.tick();
      const r = await ctx.app.inject({ url: '/api/servers', headers: { cookie } });
      assert.equal(r.statusCode, 200, r.body);
      const { servers } = ServerListSchema.parse(r.json());
      assert.equal(servers.length, 1);
      const [s] = servers;
      assert.equal(s.id, 'local');
      assert.equal(s.serverId, ctx.server.serverId);
      assert.equal(s.name, ctx.server.name);
      assert.equal(s.local, true);
      assert.ok(!Number.isNaN(Date.parse(s.lastSeen)));
      assert.ok(s.statsz);
      assert.equal(s.statsz.server.id, ctx.server.serverId);
      assert.equal(typeof s.statsz.statsz.connections, 'number');
      assert.ok(s.statsz.server.ver);
    });
  });
}
