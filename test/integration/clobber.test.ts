/**
 * One connection publishing fast to its own subscription (nats.js's test "clobber - buffers
 * don't clobber"): messages of 1 KiB published in one synchronous loop, then read back on the
 * same connection. nats-server never cuts this connection as a slow consumer: its queued output
 * is flushed after every read, and a connection whose own queue is long stops being read until
 * its peer catches up. Switchboard must do the same, and deliver every payload intact and in
 * order. Run against both servers (nats-server when installed).
 *
 * Scaled to the suite: 64 Ki messages (64 MiB) against max_pending 8 MiB instead of 256 MiB
 * against 64 MiB, the same ratio of traffic to limit. The write deadline is raised to 60 s: on a
 * loaded machine the client's event loop is blocked by its own publish loop for seconds, and
 * nats-server itself then cuts it for the deadline; that is not what this test is about.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createInbox } from 'nats';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { natsServerAvailable, startProcess, type ProcServer } from '../helpers/servers.js';

const ITERS = 64 * 1024;
const SIZE = 1024;

function makeData(n: number): Uint8Array {
  const buf = new Uint8Array(n);
  for (let i = 0; i < n; i++) buf[i] = 97 + (i % 26);
  return buf;
}

async function clobber(server: ProcServer): Promise<void> {
  const data = makeData(ITERS * SIZE);
  const nc = await connect({ servers: server.url, reconnect: false });
  try {
    const subj = createInbox();
    const sub = nc.subscribe(subj, { max: ITERS });
    let got = 0;
    let mismatch = -1;
    const reading = (async () => {
      for await (const m of sub) {
        const start = got * SIZE;
        if (mismatch < 0 && Buffer.compare(m.data, data.subarray(start, start + SIZE)) !== 0) mismatch = got;
        got++;
      }
    })();
    for (let i = 0; i < ITERS; i++) nc.publish(subj, data.subarray(i * SIZE, (i + 1) * SIZE));
    // The iterator ends after ITERS messages, or early when the server closes the connection.
    await Promise.race([reading, nc.closed()]);
    assert.equal(nc.isClosed(), false, `connection closed after ${got} of ${ITERS} messages`);
    assert.equal(got, ITERS);
    assert.equal(mismatch, -1, `payload ${mismatch} differs`);
  } finally {
    await nc.close().catch(() => {});
  }
  assert.doesNotMatch(server.output(), /Slow Consumer/);
}

function configFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'clobber-')), 'server.conf');
  writeFileSync(file, 'max_pending: 8388608\nwrite_deadline: "60s"\n');
  return file;
}

describe('clobber: a connection publishing fast to its own subscription', () => {
  test('Switchboard delivers everything and never cuts it as a slow consumer', async () => {
    const server = await startProcess('switchboard', ['-c', configFile()]);
    try {
      await clobber(server);
    } finally {
      await server.stop();
    }
  });

  test('nats-server behaves the same (differential)', { skip: !natsServerAvailable() && 'nats-server not installed' }, async () => {
    const server = await startProcess('nats-server', ['-c', configFile()]);
    try {
      await clobber(server);
    } finally {
      await server.stop();
    }
  });
});
