import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Msg } from 'nats';
import { ConnectEventMsgSchema, DisconnectEventMsgSchema, AccountNumConnsSchema, ServerStatsMsgSchema, ServerAPIResponseSchema, ConnzSchema } from '@switchboard/shared';
import { startEmbedded, waitFor } from '../helpers/servers.js';

const ACCOUNTS = {
  $SYS: { users: [{ user: 'sys', password: 'sys' }] },
  A: { users: [{ user: 'a', password: 'a' }] },
};

test('a client of the system account sees CONNECT, CONNS, DISCONNECT and STATSZ; PING services answer', async () => {
  const { server, url } = await startEmbedded({ accounts: ACCOUNTS, serverName: 'sb1' });
  const sys = await connect({ servers: url, user: 'sys', pass: 'sys' });
  try {
    const seen: Msg[] = [];
    sys.subscribe('$SYS.>', { callback: (_e, m) => seen.push(m) });
    await sys.flush();
    const a = await connect({ servers: url, user: 'a', pass: 'a', name: 'alpha' });
    await a.flush();
    await a.close();
    const bySubject = (s: string) => seen.find((m) => m.subject === s);
    await waitFor(() => bySubject('$SYS.ACCOUNT.A.DISCONNECT') !== undefined && seen.some((m) => m.subject.endsWith('.STATSZ')), 5000, 'events');

    const conn = ConnectEventMsgSchema.parse(bySubject('$SYS.ACCOUNT.A.CONNECT')!.json());
    assert.equal(conn.client.name, 'alpha');
    assert.equal(conn.client.user, 'a');
    assert.equal(conn.client.acc, 'A');
    assert.equal(conn.server.name, 'sb1');
    const disc = DisconnectEventMsgSchema.parse(bySubject('$SYS.ACCOUNT.A.DISCONNECT')!.json());
    assert.equal(disc.reason, 'Client Closed');
    assert.equal(disc.client.id, conn.client.id);
    assert.ok(disc.server.seq > conn.server.seq);
    const conns = seen.filter((m) => m.subject === '$SYS.ACCOUNT.A.SERVER.CONNS').map((m) => AccountNumConnsSchema.parse(m.json()));
    assert.deepEqual(conns.map((c) => c.conns), [1, 0]);
    assert.ok(bySubject('$SYS.SERVER.ACCOUNT.A.CONNS'));
    ServerStatsMsgSchema.parse(seen.find((m) => m.subject === `$SYS.SERVER.${server.serverId}.STATSZ`)!.json());

    const ping = await sys.request('$SYS.REQ.SERVER.PING', '');
    assert.equal(ServerStatsMsgSchema.parse(ping.json()).server.id, server.serverId);
    const connzResp = ServerAPIResponseSchema.parse((await sys.request('$SYS.REQ.SERVER.PING.CONNZ', JSON.stringify({ auth: true }))).json());
    assert.equal(ConnzSchema.parse(connzResp.data).connections[0].account, '$SYS');
    const direct = (await sys.request(`$SYS.REQ.SERVER.${server.serverId}.HEALTHZ`, '')).json() as { data: unknown };
    assert.deepEqual(direct.data, { status: 'ok' });
    const bad = (await sys.request('$SYS.REQ.SERVER.PING.CONNZ', '{"sort":"nope"}')).json() as { error: { code: number; description: string } };
    assert.deepEqual(bad.error, { code: 500, description: 'invalid sorting option: nope' });
    const undecodable = (await sys.request('$SYS.REQ.SERVER.PING.VARZ', '{"x"')).json() as { error: { code: number } };
    assert.equal(undecodable.error.code, 400);
    // Filtered out: no answer.
    await assert.rejects(sys.request('$SYS.REQ.SERVER.PING.VARZ', JSON.stringify({ server_name: 'other' }), { timeout: 300 }));
    const subsz = (await sys.request('$SYS.REQ.ACCOUNT.A.SUBSZ', '')).json() as { data: { num_subscriptions: number } };
    assert.equal(subsz.data.num_subscriptions, 3, 'the three automatic imports of A');
  } finally {
    await sys.close();
    await server.shutdown();
  }
});

test('the automatic $SYS.REQ.ACCOUNT.PING.CONNZ import answers with the requester account only', async () => {
  const { server, url } = await startEmbedded({ accounts: ACCOUNTS });
  const a = await connect({ servers: url, user: 'a', pass: 'a', name: 'mine' });
  const g = await connect({ servers: url, name: 'global' }).catch(() => null);
  try {
    const r = ServerAPIResponseSchema.parse((await a.request('$SYS.REQ.ACCOUNT.PING.CONNZ', '')).json());
    const data = ConnzSchema.parse(r.data);
    assert.deepEqual(data.connections.map((c) => c.name), ['mine']);
    const r2 = ConnzSchema.parse(ServerAPIResponseSchema.parse((await a.request('$SYS.REQ.SERVER.PING.CONNZ', '')).json()).data);
    assert.equal(r2.total, 1);
    const st = ServerAPIResponseSchema.parse((await a.request('$SYS.REQ.ACCOUNT.PING.STATZ', '')).json()).data as { account_statz: { acc: string }[] };
    assert.deepEqual(st.account_statz.map((x) => x.acc), ['A']);
  } finally {
    await a.close();
    await g?.close();
    await server.shutdown();
  }
});

test('in-process API: subscribe, request, requestMany, SHUTDOWN; STATSZ schedule starts at 250 ms', async () => {
  const { server, url } = await startEmbedded({ accounts: ACCOUNTS });
  const events: [string, unknown][] = [];
  const stop = server.events.subscribe('$SYS.>', (subject, data) => events.push([subject, data]));
  const started = Date.now();
  await waitFor(() => events.some(([s]) => s.endsWith('.STATSZ')), 3000, 'first STATSZ');
  const firstAfter = Date.now() - started;
  assert.ok(firstAfter < 1500, `first STATSZ after ${firstAfter} ms`);
  const a = await connect({ servers: url, user: 'a', pass: 'a' });
  await waitFor(() => events.some(([s]) => s === '$SYS.ACCOUNT.A.CONNECT'));
  const statsz = ServerStatsMsgSchema.parse(await server.events.request('$SYS.REQ.SERVER.PING', '', 1000));
  assert.equal(statsz.statsz.connections, 1);
  const many = await server.events.requestMany('$SYS.REQ.SERVER.PING.VARZ', '', { timeoutMs: 200 });
  assert.equal(many.length, 1);
  const nsubs = await server.events.request('$SYS.REQ.ACCOUNT.NSUBS', { acc: 'A', subject: '_INBOX.x.y' });
  assert.equal(typeof nsubs, 'number');
  await a.close();
  await waitFor(() => events.some(([s]) => s === '$SYS.ACCOUNT.A.DISCONNECT'));
  const before = events.length;
  stop();
  await server.events.request('$SYS.REQ.SERVER.PING', '').catch(() => undefined);
  assert.equal(events.length, before, 'unsubscribed');
  const shut: string[] = [];
  server.events.subscribe(`$SYS.SERVER.${server.serverId}.SHUTDOWN`, (s) => shut.push(s));
  await server.shutdown();
  assert.deepEqual(shut, [`$SYS.SERVER.${server.serverId}.SHUTDOWN`]);
});

test('no_system_account: no $SYS account, the API refuses', async () => {
  const { server } = await startEmbedded({ noSystemAccount: true });
  try {
    assert.equal(server.accounts.has('$SYS'), false);
    assert.throws(() => server.events.subscribe('$SYS.>', () => {}), /no system account/);
  } finally {
    await server.shutdown();
  }
});

test('a failed authentication is published on $SYS.SERVER.<id>.CLIENT.AUTH.ERR', async () => {
  const { server, url } = await startEmbedded({ accounts: ACCOUNTS });
  const sys = await connect({ servers: url, user: 'sys', pass: 'sys' });
  try {
    const seen: Msg[] = [];
    sys.subscribe(`$SYS.SERVER.${server.serverId}.CLIENT.AUTH.ERR`, { callback: (_e, m) => seen.push(m) });
    await sys.flush();
    await assert.rejects(connect({ servers: url, user: 'a', pass: 'wrong', name: 'intruder', reconnect: false }));
    await waitFor(() => seen.length === 1, 5000, 'auth error event');
    const ev = DisconnectEventMsgSchema.parse(seen[0].json());
    assert.equal(ev.reason, 'Authentication Failure');
    assert.equal(ev.client.name, 'intruder');
    assert.equal(JSON.stringify(ev).includes('wrong'), false, 'no secret in the event');
  } finally {
    await sys.close();
    await server.shutdown();
  }
});
