/**
 * Differential: the same config and the same clients against nats-server 2.9.10 (its HTTP
 * monitoring port) and Switchboard (the monitor functions); the JSON key sets must match,
 * recursively (values aside). Likewise for $SYS events seen by a system-account subscriber.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { freePort } from '../cluster/ports.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Msg, type NatsConnection } from 'nats';
import { connz, varz, subsz, subszHttpBody, routez, gatewayz, accountz, accountStatz, healthz, type Switchboard } from '@switchboard/broker';
import { natsServerAvailable, startEmbedded, startProcess, waitFor } from '../helpers/servers.js';

const skip = !natsServerAvailable() && 'nats-server not installed';

const CONF = `
accounts {
  $SYS { users: [ {user: sys, password: sys} ] }
  A {
    users: [ {user: a, password: a} ]
    exports: [ {stream: "events.>"}, {service: "svc.>", accounts: [B]} ]
    mappings: { "old.*": "new.{{wildcard(1)}}" }
  }
  B {
    users: [ {user: b, password: b} ]
    imports: [ {stream: {account: A, subject: "events.>"}, prefix: "from_a"}, {service: {account: A, subject: "svc.>"}} ]
  }
}
`;
const OPTIONS = {
  accounts: {
    $SYS: { users: [{ user: 'sys', password: 'sys' }] },
    A: {
      users: [{ user: 'a', password: 'a' }],
      exports: [{ stream: 'events.>' }, { service: 'svc.>', accounts: ['B'] }],
      mappings: { 'old.*': 'new.{{wildcard(1)}}' },
    },
    B: {
      users: [{ user: 'b', password: 'b' }],
      imports: [{ stream: { account: 'A', subject: 'events.>' }, prefix: 'from_a' }, { service: { account: 'A', subject: 'svc.>' } }],
    },
  },
};

/** Every key path of a JSON value; arrays contribute the union of their elements' paths. */
function keyPaths(v: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const e of v) keyPaths(e, `${prefix}[]`, out);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.add(`${prefix}.${k}`);
      keyPaths(x, `${prefix}.${k}`, out);
    }
  }
  return out;
}

/** Maps with data-dependent keys (http_req_stats, mappings) are compared by their own rules. */
function normalize(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v), (k, x) => (k === 'http_req_stats' ? {} : x));
}

function assertSameKeys(what: string, ours: unknown, theirs: unknown): void {
  const a = keyPaths(normalize(ours));
  const b = keyPaths(normalize(theirs));
  const missing = [...b].filter((k) => !a.has(k));
  const extra = [...a].filter((k) => !b.has(k));
  assert.deepEqual({ what, missing, extra }, { what, missing: [], extra: [] });
}

/** The same client activity on either server. */
async function scenario(url: string): Promise<NatsConnection[]> {
  const a = await connect({ servers: url, user: 'a', pass: 'a', name: 'alpha' });
  const b = await connect({ servers: url, user: 'b', pass: 'b', name: 'beta' });
  a.subscribe('svc.>', { queue: 'workers', callback: (_e, m) => m.respond('ok') });
  a.subscribe('plain', { max: 10 });
  b.subscribe('from_a.events.>');
  await a.flush();
  await b.flush();
  a.publish('events.x', 'hello');
  await b.request('svc.echo', 'hi', { timeout: 2000 });
  const gone = await connect({ servers: url, user: 'b', pass: 'b', name: 'gone' });
  gone.subscribe('bye');
  await gone.flush();
  await gone.close();
  await a.flush();
  await b.flush();
  return [a, b];
}

test('monitoring JSON key sets match nats-server 2.9.10', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-diff-'));
  const conf = join(dir, 'n.conf');
  writeFileSync(conf, CONF);
  const httpPort = await freePort();
  const ns = await startProcess('nats-server', ['-c', conf, '-m', String(httpPort)]);
  const sb = await startEmbedded({ ...OPTIONS, httpPort });
  const conns: NatsConnection[] = [];
  try {
    conns.push(...(await scenario(ns.url)), ...(await scenario(sb.url)));
    const server: Switchboard = sb.server;
    const get = async (path: string) => {
      const r = await fetch(`http://127.0.0.1:${httpPort}${path}`);
      return r.json();
    };
    await waitFor(async () => ((await get('/connz?state=closed')) as { total: number }).total === 1 && server.monitor.closed.length === 1);
    const pairs: [string, unknown, string][] = [
      ['varz', varz(server), '/varz'],
      ['connz subs', connz(server, { subs: true }), '/connz?subs=1'],
      ['connz detail+auth', connz(server, { subs: 'detail', auth: true }), '/connz?subs=detail&auth=1'],
      ['connz closed', connz(server, { state: 'closed', subs: 'detail', auth: true }), '/connz?state=closed&subs=detail&auth=1'],
      ['subsz', subszHttpBody(subsz(server)), '/subsz'],
      ['subsz subs', subszHttpBody(subsz(server, { subs: true })), '/subsz?subs=1'],
      ['routez', routez(server), '/routez'],
      ['gatewayz', gatewayz(server), '/gatewayz'],
      ['accountz', accountz(server), '/accountz'],
      ['accountz A', accountz(server, { acc: 'A' }), '/accountz?acc=A'],
      ['accountz B', accountz(server, { acc: 'B' }), '/accountz?acc=B'],
      ['accountz $SYS', accountz(server, { acc: '$SYS' }), '/accountz?acc=%24SYS'],
      ['accstatz', accountStatz(server), '/accstatz'],
      ['healthz', healthz(server), '/healthz'],
    ];
    for (const [what, ours, path] of pairs) assertSameKeys(what, ours, await get(path));
    // Same 400 texts.
    for (const [path, call] of [
      ['/connz?sort=bogus', () => connz(server, { sort: 'bogus' })],
      ['/connz?sort=stop', () => connz(server, { sort: 'stop' })],
      ['/subsz?subs=1&test=a.*', () => subsz(server, { subs: true, test: 'a.*' })],
      ['/accountz?acc=nope', () => accountz(server, { acc: 'nope' })],
    ] as const) {
      const r = await fetch(`http://127.0.0.1:${httpPort}${path}`);
      assert.equal(r.status, 400);
      assert.throws(call, { message: await r.text() });
    }
  } finally {
    for (const c of conns) await c.close().catch(() => {});
    await sb.server.shutdown();
    await ns.stop();
  }
});

/** What a system-account subscriber sees while one client of account A comes and goes. */
async function sysEvents(url: string, serverId: () => Promise<string>): Promise<Map<string, unknown>> {
  const sys = await connect({ servers: url, user: 'sys', pass: 'sys' });
  const seen = new Map<string, unknown>();
  sys.subscribe('$SYS.>', {
    callback: (_e, m: Msg) => {
      const kind = m.subject.replace(/\$SYS\.SERVER\.[A-Z0-9]{56}\./, '$SYS.SERVER.<id>.');
      if (seen.has(kind)) return;
      try {
        seen.set(kind, m.json());
      } catch {
        seen.set(kind, m.string());
      }
    },
  });
  await sys.flush();
  const a = await connect({ servers: url, user: 'a', pass: 'a', name: 'alpha' });
  await a.flush();
  await a.close();
  const id = await serverId();
  seen.set('PING', (await sys.request('$SYS.REQ.SERVER.PING', '')).json());
  for (const x of ['VARZ', 'CONNZ', 'SUBSZ', 'ROUTEZ', 'GATEWAYZ', 'ACCOUNTZ', 'HEALTHZ', 'STATSZ']) {
    seen.set(`PING.${x}`, (await sys.request(`$SYS.REQ.SERVER.PING.${x}`, '')).json());
  }
  seen.set('DIRECT.HEALTHZ', (await sys.request(`$SYS.REQ.SERVER.${id}.HEALTHZ`, '')).json());
  seen.set('ACCOUNT.A.CONNZ', (await sys.request('$SYS.REQ.ACCOUNT.A.CONNZ', '')).json());
  seen.set('ACCOUNT.A.INFO', (await sys.request('$SYS.REQ.ACCOUNT.A.INFO', '')).json());
  seen.set('ERROR', (await sys.request('$SYS.REQ.SERVER.PING.CONNZ', '{"sort":"bogus"}')).json());
  await waitFor(() => seen.has('$SYS.ACCOUNT.A.DISCONNECT'), 3000, 'DISCONNECT');
  await sys.close();
  return seen;
}

test('$SYS events and responses: same subjects and key sets as nats-server 2.9.10', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-diff-'));
  const conf = join(dir, 'n.conf');
  writeFileSync(conf, CONF);
  const httpPort = await freePort();
  const ns = await startProcess('nats-server', ['-c', conf, '-m', String(httpPort)]);
  const sb = await startEmbedded(OPTIONS);
  try {
    const nsId = async () => ((await (await fetch(`http://127.0.0.1:${httpPort}/varz`)).json()) as { server_id: string }).server_id;
    const theirs = await sysEvents(ns.url, nsId);
    const ours = await sysEvents(sb.url, async () => sb.server.serverId);
    for (const kind of ['$SYS.ACCOUNT.A.CONNECT', '$SYS.ACCOUNT.A.DISCONNECT', '$SYS.ACCOUNT.A.SERVER.CONNS', '$SYS.SERVER.ACCOUNT.A.CONNS', '$SYS.ACCOUNT.$G.SERVER.CONNS']) {
      assert.ok(theirs.has(kind), `nats-server sent ${kind}`);
      assert.ok(ours.has(kind), `Switchboard sent ${kind}`);
    }
    for (const [kind, msg] of theirs) {
      if (kind.startsWith('$SYS.REQ.') || kind.startsWith('_INBOX') || kind.startsWith('$SYS._INBOX')) continue;
      if (!ours.has(kind)) continue; // e.g. a STATSZ heartbeat that fell into nats-server's window only
      assertSameKeys(kind, ours.get(kind), msg);
    }
  } finally {
    await sb.server.shutdown();
    await ns.stop();
  }
});
