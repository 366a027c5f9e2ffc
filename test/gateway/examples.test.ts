/**
 * examples/gateways/{east,west}.conf and examples/supercluster/*.conf run: the `switchboard`
 * command on every node, and Switchboard beside nats-server. The files are copied with the
 * route and gateway ports replaced by free ones (and the fixed monitoring port left out), so the
 * run never collides with anything.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, StringCodec, type NatsConnection } from 'nats';
import { ROOT, natsServerAvailable, waitFor } from '../helpers/servers.js';
import { startCommand, type Started } from '../package/procs.js';
import { freePort } from '../cluster/ports.js';

const SWITCHBOARD = join(ROOT, 'apps/server/bin/switchboard.js');
const sc = StringCodec();

function copyWithPorts(dir: string, name: string, ports: Record<string, number>, example = 'gateways'): string {
  let text = readFileSync(join(ROOT, 'examples', example, name), 'utf8');
  for (const [from, to] of Object.entries(ports)) text = text.replaceAll(`127.0.0.1:${from}`, `127.0.0.1:${to}`);
  text = text.replace(/^http: .*$/m, '');
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('examples/gateways', () => {
  for (const westCmd of ['switchboard', 'nats-server'] as const) {
    test(`east on switchboard, west on ${westCmd}: messages and requests cross`, { skip: westCmd === 'nats-server' && !natsServerAvailable() }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gw-example-'));
      const ports = { 7222: await freePort(), 7322: await freePort() };
      const procs: Started[] = [];
      const conns: NatsConnection[] = [];
      try {
        const east = await startCommand(SWITCHBOARD, ['-c', copyWithPorts(dir, 'east.conf', ports)]);
        procs.push(east);
        const west = await startCommand(westCmd === 'switchboard' ? SWITCHBOARD : 'nats-server', ['-c', copyWithPorts(dir, 'west.conf', ports)]);
        procs.push(west);
        const ce = await connect({ servers: `127.0.0.1:${east.natsPort}`, reconnect: false });
        const cw = await connect({ servers: `127.0.0.1:${west.natsPort}`, reconnect: false });
        conns.push(ce, cw);
        cw.subscribe('weather.west', { callback: (_e, m) => m.respond(sc.encode('sunny in the west')) });
        await cw.flush();
        let answer = '';
        await waitFor(async () => {
          try {
            answer = sc.decode((await ce.request('weather.west', undefined, { timeout: 1000 })).data);
            return true;
          } catch {
            return false;
          }
        }, 30_000, 'east → west request');
        assert.equal(answer, 'sunny in the west');
        const got: string[] = [];
        ce.subscribe('news', { callback: (_e, m) => got.push(sc.decode(m.data)) });
        await ce.flush();
        await waitFor(async () => {
          cw.publish('news', sc.encode('hello east'));
          await cw.flush();
          return got.length > 0;
        }, 30_000, 'west → east');
        assert.equal(got[0], 'hello east');
      } finally {
        for (const c of conns) await c.close().catch(() => {});
        for (const p of procs.reverse()) await p.stop();
      }
    });
  }
});

/** Request/reply and a stream between two clients, retried until interest has crossed. */
async function crossTraffic(ce: NatsConnection, cw: NatsConnection, what: string): Promise<void> {
  const svc = `weather.${what}`;
  cw.subscribe(svc, { callback: (_e, m) => m.respond(sc.encode(`sunny (${what})`)) });
  await cw.flush();
  let answer = '';
  await waitFor(async () => {
    try {
      answer = sc.decode((await ce.request(svc, undefined, { timeout: 1000 })).data);
      return true;
    } catch {
      return false;
    }
  }, 30_000, `request ${what}`);
  assert.equal(answer, `sunny (${what})`);
  const got: string[] = [];
  const news = `news.${what}`;
  ce.subscribe(news, { callback: (_e, m) => got.push(sc.decode(m.data)) });
  await ce.flush();
  await waitFor(async () => {
    cw.publish(news, sc.encode('hello'));
    await cw.flush();
    return got.length > 0;
  }, 30_000, `stream ${what}`);
}

describe('examples/supercluster', () => {
  for (const westCmd of ['switchboard', 'nats-server'] as const) {
    test(`east-1/east-2 on switchboard, west-1/west-2 on ${westCmd}: every node reaches the other cluster`, { skip: westCmd === 'nats-server' && !natsServerAvailable() }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sc-example-'));
      const ports: Record<string, number> = {};
      for (const p of [6222, 6223, 6322, 6323, 7222, 7223, 7322, 7323]) ports[p] = await freePort();
      const procs: Started[] = [];
      const conns: NatsConnection[] = [];
      try {
        const nodes: Record<string, Started> = {};
        for (const name of ['east-1', 'east-2', 'west-1', 'west-2']) {
          const cmd = name.startsWith('west') && westCmd === 'nats-server' ? 'nats-server' : SWITCHBOARD;
          nodes[name] = await startCommand(cmd, ['-c', copyWithPorts(dir, `${name}.conf`, ports, 'supercluster')]);
          procs.push(nodes[name]);
        }
        const c: Record<string, NatsConnection> = {};
        for (const [name, p] of Object.entries(nodes)) {
          c[name] = await connect({ servers: `127.0.0.1:${p.natsPort}`, reconnect: false });
          conns.push(c[name]);
        }
        for (const e of ['east-1', 'east-2']) for (const w of ['west-1', 'west-2']) {
          await crossTraffic(c[e], c[w], `${e}.${w}`);
          await crossTraffic(c[w], c[e], `${w}.${e}`);
        }
      } finally {
        for (const conn of conns) await conn.close().catch(() => {});
        for (const p of procs.reverse()) await p.stop();
      }
    });
  }
});
