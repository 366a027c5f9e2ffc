import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { resolveOptions } from '@switchboard/shared';
import { optionsArb } from './arbitraries.test.js';
import { writeConfig } from './writer.js';
import { parseConfigText } from './load.js';
import { formatError } from './parser.js';

test('property: model → writer text → parse → same model', () => {
  fc.assert(
    fc.property(optionsArb, (input) => {
      const text = writeConfig(input);
      const back = parseConfigText(text, 'rt.conf', { env: {} });
      assert.deepEqual(back.errors.map(formatError), [], text);
      assert.deepEqual(resolveOptions(back.options), resolveOptions(input), text);
    }),
    { numRuns: 300 },
  );
});

test('writer: defaults are omitted, durations and strings quoted', () => {
  assert.equal(writeConfig({}), '');
  const t = writeConfig({ pingInterval: 90_000, serverName: 'a"b', maxPayload: 2048, lameDuckDuration: 60_000 });
  assert.match(t, /^ping_interval: "1m30s"$/m);
  assert.match(t, /^server_name: "a\\"b"$/m);
  assert.match(t, /^max_payload: 2048$/m);
  assert.match(t, /^lame_duck_duration: "1m"$/m);
});

test('writer: users that name an account move into that account', () => {
  const t = writeConfig({ authorization: { users: [{ user: 'x', password: 'y', account: 'A' }] } });
  const back = parseConfigText(t, 'w.conf');
  assert.deepEqual(back.errors, []);
  assert.deepEqual(back.options.accounts, { A: { users: [{ user: 'x', password: 'y' }] } });
});
