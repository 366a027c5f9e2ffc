import { describe, expect, it } from 'vitest';
import type { HeardServer, ServerStatsMsg } from '@switchboard/shared';
import { mergeServers } from './servers';

function msg(id: string, name: string, connections: number): ServerStatsMsg {
  const data = { msgs: 0, bytes: 0 };
  return {
    server: { id, name, host: '127.0.0.1', ver: '2.9.0', seq: 1, jetstream: false, time: '2024-01-01T00:00:00Z' },
    statsz: { start: '2024-01-01T00:00:00Z', mem: 1, cores: 1, cpu: 1, connections, total_connections: connections, active_accounts: 1, subscriptions: 0, sent: data, received: data, slow_consumers: 0 },
  };
}

const iso = (t: number) => new Date(t).toISOString();
const listed = (id: string, name: string, t: number, statsz: ServerStatsMsg | null, local = false): HeardServer => ({ id, serverId: id, name, lastSeen: iso(t), statsz, local });
const live = (m: ServerStatsMsg, time: number, local = false) => ({ serverId: m.server.id, name: m.server.name, local, time, statsz: m });

describe('mergeServers', () => {
  it('is complete from /api/servers alone, sorted by name, with the local flag', () => {
    const rows = mergeServers([listed('B', 'zulu', 2000, msg('B', 'zulu', 2)), listed('A', 'alpha', 1000, msg('A', 'alpha', 1), true), listed('C', 'mike', 500, null)], undefined);
    expect(rows.map((r) => [r.name, r.lastSeen, r.local, r.msg?.statsz.connections])).toEqual([
      ['alpha', 1000, true, 1],
      ['mike', 500, false, undefined],
      ['zulu', 2000, false, 2],
    ]);
  });

  it('takes the newer of the listed STATSZ and the live one', () => {
    const rows = mergeServers(
      [listed('A', 'alpha', 5000, msg('A', 'alpha', 1), true), listed('B', 'bravo', 5000, msg('B', 'bravo', 1)), listed('C', 'charlie', 5000, null)],
      { A: live(msg('A', 'alpha', 9), 6000, true), B: live(msg('B', 'bravo', 9), 4000), C: live(msg('C', 'charlie', 3), 7000) },
    );
    expect(rows.map((r) => [r.id, r.lastSeen, r.msg?.statsz.connections, r.local])).toEqual([
      ['A', 6000, 9, true],
      ['B', 5000, 1, false],
      ['C', 7000, 3, false],
    ]);
  });

  it('adds servers heard live but not listed yet', () => {
    const rows = mergeServers([listed('A', 'alpha', 1000, null, true)], { N: live(msg('N', 'new', 4), 7000) });
    expect(rows.map((r) => [r.id, r.name, r.lastSeen, r.local])).toEqual([
      ['A', 'alpha', 1000, true],
      ['N', 'new', 7000, false],
    ]);
  });

  it('a restarted server (same name, new id) stays one row, with the new id', () => {
    const rows = mergeServers([listed('east', 'east', 1000, msg('OLD', 'east', 1))], { east: live(msg('NEW', 'east', 2), 9000) });
    expect(rows.map((r) => [r.id, r.serverId, r.lastSeen, r.msg?.statsz.connections])).toEqual([['east', 'NEW', 9000, 2]]);
  });
});
