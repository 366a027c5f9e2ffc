/**
 * examples/cluster runs: the three config files, as written, with only their fixed ports
 * swapped for free ones, start three switchboard processes that form a full mesh and carry
 * messages between nodes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { connect, StringCodec } from 'nats';
import { ROOT, startProcess, waitFor, type ProcServer } from '../helpers/servers.js';
import { freePortPair } from './ports.js';
import { awaitInterest } from './nodes.js';

const sc = StringCodec();

test('examples/cluster: three switchboard nodes from the example files form a mesh', { timeout: 110_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'example-cluster-'));
  const procs: ProcServer[] = [];
  try {
    const fixed = [4222, 4223, 4224, 6222, 6223, 6224, 8222, 8223, 8224];
    const free: number[] = [];
    while (free.length < fixed.length) free.push(...(await freePortPair()));
    const swap = (text: string) => fixed.reduce((t, p, i) => t.replaceAll(`127.0.0.1:${p}`, `127.0.0.1:${free[i]}`), text);
    for (const n of ['a', 'b', 'c']) {
      const f = join(dir, `node-${n}.conf`);
      writeFileSync(f, swap(readFileSync(join(ROOT, `examples/cluster/node-${n}.conf`), 'utf8')));
      procs.push(await startProcess('switchboard', ['-c', f], { startTimeoutMs: 60_000 }));
    }
    const monitor = [6, 7, 8].map((i) => `http://127.0.0.1:${free[i]}`);
    await waitFor(async () => {
      for (const m of monitor) {
        const r = (await (await fetch(`${m}/routez`)).json()) as { num_routes: number };
        if (r.num_routes !== 2) return false;
      }
      return true;
    }, 30_000, 'three nodes with two routes each');
    const sub = await connect({ servers: procs[2].url });
    const pub = await connect({ servers: procs[0].url });
    const got: string[] = [];
    sub.subscribe('example.hello', { callback: (_e, m) => got.push(sc.decode(m.data)) });
    await awaitInterest(pub, sub);
    pub.publish('example.hello', sc.encode('world'));
    await pub.flush();
    await waitFor(() => got.length === 1, 10_000, 'the message across the example cluster');
    assert.deepEqual(got, ['world']);
    assert.deepEqual([...(pub.info?.connect_urls ?? [])].sort(), procs.map((p) => p.url).sort());
    await sub.close();
    await pub.close();
  } finally {
    for (const p of procs) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
