import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goDuration, uptimeString } from './format.js';

test('uptime strings as nats-server prints them', () => {
  assert.equal(uptimeString(0), '0s');
  assert.equal(uptimeString(59_999), '59s');
  assert.equal(uptimeString(61_000), '1m1s');
  assert.equal(uptimeString((3600 + 120 + 3) * 1000), '1h2m3s');
  assert.equal(uptimeString((86400 * 2 + 3600) * 1000), '2d1h0m0s');
  assert.equal(uptimeString((86400 * 366) * 1000), '1y1d0h0m0s');
});

test('Go duration strings', () => {
  assert.equal(goDuration(0), '0s');
  assert.equal(goDuration(850), '850ns');
  assert.equal(goDuration(1500), '1.5µs');
  assert.equal(goDuration(3_653_829), '3.653829ms');
  assert.equal(goDuration(5_000_000), '5ms');
  assert.equal(goDuration(1_500_000_000), '1.5s');
  assert.equal(goDuration(62_500_000_000), '1m2.5s');
  assert.equal(goDuration(3_600_000_000_000), '1h0m0s');
});
