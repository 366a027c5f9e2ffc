/**
 * A bounded sample of the differential fuzzer (`npm run fuzz` runs as many as asked): 300
 * generated and mutated inputs against nats-server 2.9.10 and the `switchboard` process; no
 * crash, no lost canary message, no divergence outside the documented allow-list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startProcess, natsServerAvailable } from '../helpers/servers.js';
import { fuzz, generate, prng, ALLOWED } from '../../scripts/fuzz/differential.js';

const skip = natsServerAvailable() ? false : 'nats-server is not on PATH';

test('the generator is deterministic per seed and produces varied frames', () => {
  const a = Array.from({ length: 50 }, ((r) => () => generate(r))(prng(7)));
  const b = Array.from({ length: 50 }, ((r) => () => generate(r))(prng(7)));
  assert.deepEqual(a, b);
  assert.ok(new Set(a).size > 40);
  assert.ok(a.some((s) => s.includes('PUB')) && a.some((s) => s.includes('SUB')));
});

test('300 fuzz inputs: 0 crashes, 0 lost canary messages, divergences only from the allow-list', { skip }, async () => {
  const nats = await startProcess('nats-server');
  const sb = await startProcess('switchboard');
  try {
    const report = await fuzz(
      { name: 'nats-server', port: nats.port, alive: () => nats.proc.exitCode === null },
      { name: 'switchboard', port: sb.port, alive: () => sb.proc.exitCode === null && sb.proc.signalCode === null },
      { count: 300, seed: 20261127 },
    );
    assert.equal(report.inputs, 300);
    assert.equal(report.crashes, 0, JSON.stringify(report.samples));
    assert.equal(report.lost, 0);
    assert.ok(report.canaries > 0, 'the canary ran');
    assert.equal(report.divergences, 0, JSON.stringify(report.samples.filter((s) => s.allowed === null), null, 1));
    for (const a of ALLOWED) assert.ok(a.why.length > 10, `allow-list entry ${a.name} says why`);
  } finally {
    await sb.stop();
    await nats.stop();
  }
});
