import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from 'nats';
import { MonitorError, parseConnzQuery, parseSubszQuery, ConnzSchema, VarzSchema, SubszSchema, AccountzSchema, AccountStatzSchema } from '@switchboard/shared';
import { connz, varz, subsz, subszHttpBody, routez, gatewayz, accountz, accountStatz, healthz, ClosedReason } from '@switchboard/broker';
import { startEmbedded, waitFor } from '../helpers/servers.js';

const ACCOUNTS = {
  $SYS: { users: [{ user: 'sys', password: 'sys' }] },
  A: { users: [{ user: 'a', password: 'a' }, { user: 'a2', password: 'a2' }] },
  B: { users: [{ user: 'b', password: 'b' }] },
};

async function withServer(fn: (s: Awaited<ReturnType<typeof startEmbedded>>, conns: NatsConnection[]) => Promise<void>): Promise<void> {
  const s = await startEmbedded({ accounts: ACCOUNTS });
  const conns: NatsConnection[] = [];
  try {
    await fn(s, conns);
  } finally {
    for (const c of conns) await c.close().catch(() => {});
    await s.server.shutdown();
  }
}

test('connz: sorting in every key with its direction, paging, cid, filters', async () => {
  await withServer(async ({ server, url }, conns) => {
    const a1 = await connect({ servers: url, user: 'a', pass: 'a', name: 'one' });
    const a2 = await connect({ servers: url, user: 'a2', pass: 'a2', name: 'two' });
    const b = await connect({ servers: url, user: 'b', pass: 'b', name: 'three' });
    conns.push(a1, a2, b);
    for (let i = 0; i < 3; i++) a2.subscribe(`s.${i}`);
    a1.subscribe('x.*', { queue: 'q' });
    await a2.flush();
    for (let i = 0; i < 5; i++) b.publish('nowhere', 'hello');
    a1.publish('s.1', 'abcdefgh');
    await Promise.all(conns.map((c) => c.flush()));
    await waitFor(() => server.clients.size === 3 && connz(server, { sort: 'msgs_to' }).connections[0].out_msgs === 1);

    const all = connz(server);
    ConnzSchema.parse(all);
    assert.equal(all.total, 3);
    assert.equal(all.limit, 1024);
    assert.deepEqual(all.connections.map((c) => c.name), ['one', 'two', 'three']);
    assert.equal(connz(server, { sort: 'subs' }).connections[0].name, 'two');
    assert.equal(connz(server, { sort: 'msgs_from' }).connections[0].name, 'three');
    assert.equal(connz(server, { sort: 'bytes_from' }).connections[0].name, 'three');
    assert.equal(connz(server, { sort: 'msgs_to' }).connections[0].name, 'two');
    assert.equal(connz(server, { sort: 'bytes_to' }).connections[0].name, 'two');
    assert.deepEqual(connz(server, { sort: 'start' }).connections.map((c) => c.name), ['one', 'two', 'three']);
    assert.equal(connz(server, { sort: 'uptime' }).connections[0].name, 'three', 'uptime ascends: youngest first');
    for (const key of ['pending', 'last', 'idle'] as const) assert.equal(connz(server, { sort: key }).connections.length, 3);

    const page = connz(server, { offset: 1, limit: 1 });
    assert.equal(page.num_connections, 1);
    assert.equal(page.total, 3);
    assert.equal(page.connections[0].name, 'two');
    assert.equal(connz(server, { offset: 10 }).num_connections, 0);

    const cid = all.connections[2].cid;
    const one = connz(server, { cid });
    assert.equal(one.limit, 1);
    assert.equal(one.connections[0].cid, cid);

    const accA = connz(server, { acc: 'A', auth: true });
    assert.equal(accA.total, 2);
    assert.deepEqual(accA.connections.map((c) => [c.authorized_user, c.account]), [['a', 'A'], ['a2', 'A']]);
    assert.equal(connz(server, { user: 'a2', auth: true }).connections[0].name, 'two');
    assert.equal(connz(server, { acc: 'nope' }).total, 0);
    assert.equal(connz(server, { acc: 'A', filterSubject: 's.*' }).connections[0].name, 'two');
    assert.equal(all.connections[0].authorized_user, undefined, 'auth fields only with auth');

    const subs = connz(server, { subs: true }).connections[1];
    assert.deepEqual([...subs.subscriptions_list!].sort(), ['s.0', 's.1', 's.2']);
    const det = connz(server, { subs: 'detail' }).connections[0].subscriptions_list_detail!;
    assert.deepEqual(Object.keys(det[0]), ['subject', 'qgroup', 'sid', 'msgs', 'cid']);
    assert.equal(det[0].qgroup, 'q');
  });
});

test('connz: 400 errors with nats-server messages', async () => {
  await withServer(async ({ server }) => {
    assert.throws(() => connz(server, { sort: 'bogus' }), (e: unknown) => e instanceof MonitorError && e.status === 400 && e.message === 'invalid sorting option: bogus');
    assert.throws(() => connz(server, { sort: 'stop' }), /sort by stop only valid on closed connections/);
    assert.throws(() => connz(server, { sort: 'reason', state: 'any' }), /sort by reason only valid on closed connections/);
    assert.throws(() => connz(server, { filterSubject: 'a' }), /filter by subject only valid with account filtering/);
    assert.throws(() => parseConnzQuery({ auth: 'maybe' }), /^Error: Error decoding boolean for 'auth': strconv.ParseBool: parsing "maybe": invalid syntax$|Error decoding boolean/);
    assert.throws(() => parseConnzQuery({ limit: 'x' }), (e: unknown) => (e as Error).message === `Error decoding int for 'limit': strconv.Atoi: parsing "x": invalid syntax`);
    assert.throws(() => parseConnzQuery({ state: 'weird' }), (e: unknown) => (e as Error).message === 'Error decoding state for weird');
    assert.deepEqual(parseConnzQuery(new URLSearchParams('subs=detail&state=all&sort=idle&cid=4')), { auth: false, subs: 'detail', offset: 0, limit: 0, cid: 4, state: 'any', sort: 'idle' });
  });
});

test('connz: closed connections with their reasons, sorted by stop and reason', async () => {
  await withServer(async ({ server, url }, conns) => {
    const c1 = await connect({ servers: url, user: 'a', pass: 'a', name: 'first' });
    c1.subscribe('kept.a');
    c1.subscribe('kept.b', { queue: 'g' });
    await c1.flush();
    await c1.close();
    await connect({ servers: url, user: 'a', pass: 'wrong', name: 'bad', reconnect: false }).then((c) => conns.push(c)).catch(() => {});
    const c3 = await connect({ servers: url, user: 'b', pass: 'b', name: 'third' });
    await c3.close();
    await waitFor(() => server.monitor.closed.length === 3);
    const closed = connz(server, { state: 'closed', auth: true, subs: 'detail' });
    assert.equal(closed.total, 3);
    const byName = new Map(closed.connections.map((c) => [c.name, c]));
    assert.equal(byName.get('first')!.reason, ClosedReason.clientClosed);
    assert.equal(byName.get('bad')!.reason, ClosedReason.authFailure);
    assert.equal(byName.get('first')!.subscriptions, 2);
    assert.deepEqual(byName.get('first')!.subscriptions_list_detail!.map((d) => d.subject).sort(), ['kept.a', 'kept.b']);
    assert.equal(byName.get('first')!.account, 'A');
    assert.ok(byName.get('first')!.stop);
    const byStop = connz(server, { state: 'closed', sort: 'stop' }).connections.map((c) => c.name);
    assert.deepEqual(byStop, ['third', 'bad', 'first']);
    const byReason = connz(server, { state: 'closed', sort: 'reason' }).connections.map((c) => c.reason);
    assert.deepEqual(byReason, [...byReason].sort());
    assert.equal(connz(server, { state: 'closed', acc: 'B' }).total, 1);
    const any = connz(server, { state: 'any' });
    assert.equal(any.total, 3);
  });
});

test('subsz with subs, test, acc, paging; varz, routez, gatewayz, accountz, accstatz, healthz', async () => {
  await withServer(async ({ server, url }, conns) => {
    const a = await connect({ servers: url, user: 'a', pass: 'a' });
    const b = await connect({ servers: url, user: 'b', pass: 'b' });
    conns.push(a, b);
    a.subscribe('orders.*');
    a.subscribe('orders.new', { queue: 'workers' });
    a.subscribe('other');
    b.subscribe('orders.>');
    a.publish('orders.new', 'x');
    await a.flush();
    await b.flush();

    const stats = subsz(server);
    SubszSchema.parse(stats);
    assert.equal(stats.subscriptions_list, undefined);
    assert.deepEqual(Object.keys(subszHttpBody(stats)), ['num_subscriptions', 'num_cache', 'num_inserts', 'num_removes', 'num_matches', 'cache_hit_rate', 'max_fanout', 'avg_fanout']);
    const inA = subsz(server, { subs: true, acc: 'A', test: 'orders.new' });
    assert.deepEqual(inA.subscriptions_list!.map((s) => s.subject).sort(), ['orders.*', 'orders.new']);
    assert.ok(inA.subscriptions_list!.every((s) => s.account === 'A'));
    assert.equal(subsz(server, { subs: true, test: 'orders.new' }).subscriptions_list!.filter((s) => s.cid !== 0).length, 3);
    const paged = subsz(server, { subs: true, acc: 'A', offset: 1, limit: 2 });
    assert.equal(paged.total, 2);
    assert.throws(() => subsz(server, { test: 'orders.*' }), /invalid test subject, must be valid publish subject: orders.\*/);
    assert.deepEqual(parseSubszQuery({ subs: '1', test: 'a.b' }), { subs: true, offset: 0, limit: 0, test: 'a.b' });

    const v = varz(server);
    VarzSchema.parse(v);
    assert.equal(v.connections, 2);
    assert.ok(v.in_msgs >= 1);
    assert.equal(v.system_account, '$SYS');
    assert.equal(v.ping_interval, 120_000_000_000);
    assert.equal(v.subscriptions, stats.num_subscriptions);
    assert.deepEqual(v.jetstream, {});

    assert.deepEqual(Object.keys(routez(server)), ['server_id', 'now', 'num_routes', 'routes']);
    assert.deepEqual(Object.keys(gatewayz(server)), ['server_id', 'now', 'outbound_gateways', 'inbound_gateways']);

    const list = accountz(server);
    AccountzSchema.parse(list);
    assert.deepEqual([...list.accounts!].sort(), ['$G', '$SYS', 'A', 'B']);
    const detail = accountz(server, { acc: '$SYS' }).account_detail!;
    assert.equal(detail.is_system, true);
    assert.equal(detail.exports!.length, 2);
    assert.equal(accountz(server, { acc: 'A' }).account_detail!.client_connections, 1);
    assert.throws(() => accountz(server, { acc: 'nope' }), /Account nope does not exist/);

    const st = accountStatz(server);
    AccountStatzSchema.parse(st);
    assert.deepEqual(st.account_statz.map((x) => x.acc).sort(), ['A', 'B']);
    assert.equal(st.account_statz.find((x) => x.acc === 'A')!.received.msgs, 1);
    assert.ok(accountStatz(server, { includeUnused: true }).account_statz.length >= 4);
    assert.deepEqual(accountStatz(server, { accounts: ['B'] }).account_statz.map((x) => x.acc), ['B']);

    assert.deepEqual(healthz(server), { status: 'ok' });
  });
});
