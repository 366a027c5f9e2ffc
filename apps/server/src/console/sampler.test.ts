/*
 * The chart windows agree with what was drawn live (issue 15, the 1 h window): a burst in the
 * first step of a server's history — where a fresh server's first burst lands — is in the 1 h and
 * 24 h windows as soon as it is sampled, rated against the counters the step started from; the
 * browser folding the same live samples into its windows (shared addSample) draws the same points;
 * a console restart in the middle of a step keeps the step's base.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addSample, type StatsPoint, type StatsSample, type StatsWindow } from '@switchboard/shared';
import { createServer, Logger } from '@switchboard/broker';
import { openDatabase } from './db.js';
import { StatsSampler } from './sampler.js';

const sample = (inMsgs: number): StatsSample => ({ connections: 1, totalConnections: 1, subscriptions: 0, slowConsumers: 0, inMsgs, outMsgs: 0, inBytes: inMsgs * 10, outBytes: 0, mem: 1, cpu: 0 });
/** A fresh server's first seconds, 1 s apart (epoch ms chosen 3 s into a 10 s and a 5 min step). */
const T0 = 1_800_000_003_000;
const SAMPLES: [number, number][] = [
  [T0, 0],
  [T0 + 1000, 0],
  [T0 + 2000, 20_000],
  [T0 + 3000, 20_000],
  [T0 + 6000, 20_000],
];

test('a burst in the first step shows in the 1 h and 24 h windows, stored and live alike; a console restart keeps the step base', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sampler-'));
  const server = createServer({ host: '127.0.0.1', port: -1 }, { logger: new Logger({ sink: () => undefined }) });
  let { db } = openDatabase(dir);
  try {
    let sampler = new StatsSampler(server, db);
    const live: Record<StatsWindow, StatsPoint[]> = { '5m': [], '1h': [], '24h': [] };
    const feed = (t: number, n: number) => {
      sampler.record('fresh', 'fresh', sample(n), t);
      for (const w of ['5m', '1h', '24h'] as const) live[w] = addSample(live[w], w, sample(n), t);
    };
    for (const [t, n] of SAMPLES.slice(0, 3)) feed(t, n);
    const now = T0 + 2500;
    for (const w of ['1h', '24h'] as const) {
      const stored = sampler.points('fresh', w, now);
      assert.equal(stored.length, 1, w);
      // 20 000 messages between the first sample and this one, 2 s apart.
      assert.equal(stored[0].inMsgsRate, 10_000, w);
      assert.equal(stored[0].inBytesRate, 100_000, w);
      assert.deepEqual(live[w], stored, `${w}: drawn live = reloaded`);
    }
    assert.equal(Math.max(...sampler.points('fresh', '5m', now).map((p) => p.inMsgsRate)), 20_000);

    // The console restarts in the middle of the step: the step keeps the base it started from.
    db.close();
    ({ db } = openDatabase(dir));
    sampler = new StatsSampler(server, db);
    for (const [t, n] of SAMPLES.slice(3)) feed(t, n);
    const later = sampler.points('fresh', '1h', T0 + 6500);
    assert.equal(later.length, 1);
    assert.equal(later[0].inMsgsRate, 20_000 / 6);
    assert.deepEqual(live['1h'], later);

    // The next step is rated against this one, as every later step.
    feed(T0 + 7000, 25_000);
    const next = sampler.points('fresh', '1h', T0 + 7500);
    assert.deepEqual(
      next.map((p) => [p.t, p.inMsgsRate]),
      [
        [T0 - 3000, 20_000 / 6],
        [T0 + 7000, 5_000 / 10],
      ],
    );
    assert.equal(next[1].base, undefined);
    assert.deepEqual(live['1h'], next);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
