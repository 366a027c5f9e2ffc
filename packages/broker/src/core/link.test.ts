import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advertisedHostPort } from './link.js';

test('advertise: host:port replaces both, a bare host keeps the listening port', () => {
  assert.deepEqual(advertisedHostPort('gw.example.com:7244', 7222), { host: 'gw.example.com', port: 7244 });
  assert.deepEqual(advertisedHostPort('10.0.0.5', 6222), { host: '10.0.0.5', port: 6222 });
  assert.deepEqual(advertisedHostPort('[::1]:6250', 6222), { host: '[::1]', port: 6250 });
});
