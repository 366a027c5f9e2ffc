/**
 * The interest seam: a module registered with createServer sees every sublist insert and remove
 * — client subscriptions, import subscriptions and the system account's handlers — in order,
 * with the flag saying whether other servers may learn of it (what routes and gateways will
 * send as RS+/RS-). Checked two ways: specific events in the order they must come, and a replay
 * of the whole log that must rebuild every account's sublist exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import { createServer, Logger, type BrokerModule, type InterestChange, type Switchboard } from '@switchboard/broker';
import type { OptionsInput } from '@switchboard/shared';
import { waitFor } from '../helpers/servers.js';

interface Seen {
  account: string;
  subject: string;
  queue: string | null;
  sid: string;
  owner: 'client' | 'internal';
  advertise: boolean;
  added: boolean;
  /** The subscription object itself, for the replay. */
  ref: InterestChange['sub'];
}

class Probe implements BrokerModule {
  readonly name = 'probe';
  readonly log: Seen[] = [];
  interestChanged(c: InterestChange): void {
    const owner = c.sub.conn === null ? 'internal' : c.sub.conn.kind === 'CLIENT' ? 'client' : assert.fail('only client connections exist');
    this.log.push({ account: c.account.name, subject: c.sub.subject, queue: c.sub.queue, sid: c.sub.sid, owner, advertise: c.sub.advertise, added: c.added, ref: c.sub });
  }
  /** Events since index `from`, without the object reference. */
  since(from: number): Omit<Seen, 'ref'>[] {
    return this.log.slice(from).map(({ ref: _ref, ...rest }) => rest);
  }
}

const OPTIONS: OptionsInput = {
  host: '127.0.0.1',
  port: -1,
  accounts: {
    A: { users: [{ user: 'a', password: 'a' }], exports: [{ stream: 'news.>' }, { service: 'svc.>' }] },
    B: {
      users: [{ user: 'b', password: 'b' }],
      imports: [{ stream: { account: 'A', subject: 'news.>' }, prefix: 'a' }, { service: { account: 'A', subject: 'svc.>' } }],
    },
    $SYS: { users: [{ user: 'sys', password: 'sys' }] },
  },
};

/** Replays the log: per account, the set of subscriptions it says are present. */
function replay(log: Seen[]): Map<string, Set<unknown>> {
  const live = new Map<string, Set<unknown>>();
  for (const e of log) {
    const set = live.get(e.account) ?? new Set();
    live.set(e.account, set);
    if (e.added) {
      assert.ok(!set.has(e.ref), `added twice: ${e.account} ${e.subject}`);
      set.add(e.ref);
    } else {
      assert.ok(set.delete(e.ref), `removed without being added: ${e.account} ${e.subject}`);
    }
  }
  return live;
}

function assertReplayMatches(server: Switchboard, log: Seen[]): void {
  const live = replay(log);
  for (const [name, acc] of server.accounts) {
    const inSublist = new Set<unknown>(acc.sublist.all());
    const fromLog = live.get(name) ?? new Set();
    assert.equal(fromLog.size, inSublist.size, `account ${name}: the log rebuilds ${fromLog.size} subscriptions, the sublist has ${inSublist.size}`);
    for (const s of inSublist) assert.ok(fromLog.has(s), `account ${name}: a subscription the log never showed`);
  }
}

test('a module sees every interest change, in order, for client, import and system subscriptions', async () => {
  const probe = new Probe();
  const server = createServer(OPTIONS, { logger: new Logger({ sink: () => {} }), modules: [probe] });
  try {
    // Imports are wired when the server is composed: the stream import forwards from the
    // exporter A (advertised, so other servers send A's news here); the service import listens
    // in B and is answered on this server only (not advertised).
    assert.deepEqual(probe.since(0), [
      { account: 'A', subject: 'news.>', queue: null, sid: 'stream-import:B', owner: 'internal', advertise: true, added: true },
      { account: 'B', subject: 'svc.>', queue: null, sid: 'service-import:A', owner: 'internal', advertise: false, added: true },
    ]);

    await server.start();
    const atStart = probe.log.length;
    const system = probe.log.slice(2);
    assert.ok(system.length > 20, `system subscriptions at start: ${system.length}`);
    assert.ok(system.every((e) => e.added && e.owner === 'internal'));
    // $SYS handlers are advertised; the automatic system imports of other accounts are not.
    for (const e of system) assert.equal(e.advertise, e.account === '$SYS', `${e.account} ${e.subject}`);
    assert.ok(system.some((e) => e.account === '$SYS' && e.subject === '$SYS.REQ.SERVER.PING'));
    for (const acc of ['$G', 'A', 'B']) {
      assert.deepEqual(
        system.filter((e) => e.account === acc).map((e) => e.subject).sort(),
        ['$SYS.REQ.ACCOUNT.PING.CONNZ', '$SYS.REQ.ACCOUNT.PING.STATZ', '$SYS.REQ.SERVER.PING.CONNZ'],
        `system imports of ${acc}`,
      );
    }
    assertReplayMatches(server, probe.log);

    // Client subscriptions: SUB, queue SUB, UNSUB, auto-unsubscribe at max, and the rest at close.
    const url = `127.0.0.1:${server.port}`;
    const b = await connect({ servers: url, user: 'b', pass: 'b' });
    const a = await connect({ servers: url, user: 'a', pass: 'a' });
    const before = probe.log.length;
    const foo = b.subscribe('foo');
    b.subscribe('bar', { queue: 'q1' });
    b.subscribe('once', { max: 1, callback: () => {} });
    await b.flush();
    foo.unsubscribe();
    await b.flush();
    b.publish('once', 'x');
    await b.flush();
    // The server removes it once it delivered the one message (UNSUB once 1).
    await waitFor(() => probe.log.slice(before).some((e) => e.subject === 'once' && !e.added), 3000, 'removal of the auto-unsubscribed sub');
    const clientEvents = probe.since(before).filter((e) => e.owner === 'client');
    assert.deepEqual(
      clientEvents.map((e) => [e.added ? '+' : '-', e.account, e.subject, e.queue, e.advertise]),
      [
        ['+', 'B', 'foo', null, true],
        ['+', 'B', 'bar', 'q1', true],
        ['+', 'B', 'once', null, true],
        ['-', 'B', 'foo', null, true],
        ['-', 'B', 'once', null, true],
      ],
    );

    // A request through the service import: the exporter's `_R_.<prefix>.>` response
    // subscription appears in A, advertised (a response may come from another server).
    const svc = a.subscribe('svc.>', { callback: (_e, m) => m.respond(new TextEncoder().encode('pong')) });
    await a.flush();
    const beforeReq = probe.log.length;
    const reply = await b.request('svc.ping', 'ping', { timeout: 2000 });
    assert.equal(new TextDecoder().decode(reply.data), 'pong');
    const responses = probe.since(beforeReq).filter((e) => e.sid === 'service-responses');
    assert.deepEqual(
      responses.map((e) => [e.account, e.owner, e.advertise, e.added, /^_R_\.[0-9A-Za-z]{6}\.>$/.test(e.subject)]),
      [['A', 'internal', true, true, true]],
    );
    svc.unsubscribe();
    await a.flush();

    // A reload that changes the accounts block rebuilds the imports: removed, then added again.
    const beforeReload = probe.log.length;
    const accounts = { ...OPTIONS.accounts!, B: { ...OPTIONS.accounts!.B, imports: [{ stream: { account: 'A', subject: 'news.>' }, prefix: 'a' }] } };
    const r = await server.reload({ ...OPTIONS, accounts });
    assert.equal(r.applied, true, r.errors.join('\n'));
    const imports = probe.since(beforeReload).filter((e) => e.sid.startsWith('stream-import') || e.sid.startsWith('service-import'));
    assert.deepEqual(
      imports.map((e) => [e.added ? '+' : '-', e.account, e.subject, e.advertise]),
      [
        ['-', 'A', 'news.>', true],
        ['-', 'B', 'svc.>', false],
        ['+', 'A', 'news.>', true],
      ],
    );

    // Closing a client removes its remaining subscriptions (bar and the request inbox nats.js made).
    const beforeClose = probe.log.length;
    await b.close();
    await waitFor(() => probe.log.length >= beforeClose + 2, 3000, 'removal at close');
    assert.deepEqual(
      probe.since(beforeClose).map((e) => [e.added ? '+' : '-', e.account, e.subject.startsWith('_INBOX.') ? '_INBOX' : e.subject, e.owner]),
      [
        ['-', 'B', 'bar', 'client'],
        ['-', 'B', '_INBOX', 'client'],
      ],
    );
    await a.close();
    await waitFor(() => server.clients.size === 0, 3000, 'clients gone');

    // Nothing was missed: the log, replayed from the start, is exactly what the sublists hold.
    assert.ok(probe.log.length > atStart);
    assertReplayMatches(server, probe.log);
  } finally {
    await server.shutdown();
  }
});
