import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHeaders, encodeHeaders, headerError } from './headers.js';

test('header blocks: encoded as nats.js sends them, decoded with status, repeated names and order kept', () => {
  const block = encodeHeaders([
    ['Trace-Id', 'abc 123'],
    ['X', '1'],
    ['X', '2'],
  ]);
  assert.equal(block.toString(), 'NATS/1.0\r\nTrace-Id: abc 123\r\nX: 1\r\nX: 2\r\n\r\n');
  assert.deepEqual(decodeHeaders(block, 0, block.length), { status: '', description: '', headers: [['Trace-Id', 'abc 123'], ['X', '1'], ['X', '2']] });
  const nr = Buffer.from('NATS/1.0 503\r\n\r\n');
  assert.deepEqual(decodeHeaders(nr, 0, nr.length), { status: '503', description: '', headers: [] });
  const desc = Buffer.from('xxNATS/1.0 408 Request Timeout\r\nA:b\r\n\r\nyy');
  assert.deepEqual(decodeHeaders(desc, 2, desc.length - 2), { status: '408', description: 'Request Timeout', headers: [['A', 'b']] });
});

test('header names and values that cannot go on the wire are refused with the reason', () => {
  assert.equal(headerError('Ok-Name', 'any value: with colon'), null);
  assert.match(headerError('', 'v') ?? '', /empty/);
  assert.match(headerError('Bad Name', 'v') ?? '', /visible ASCII/);
  assert.match(headerError('a:b', 'v') ?? '', /no ':'/);
  assert.match(headerError('X', 'line\r\nbreak') ?? '', /line break/);
  assert.throws(() => encodeHeaders([['X', 'a\nb']]), /line break/);
});
