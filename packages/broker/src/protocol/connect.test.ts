/** CONNECT/INFO decoding as Go's json.Unmarshal into nats-server's ClientOpts / Info. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeConnect, checkClientInfo } from './connect.js';
import { ProtocolError } from './parser.js';

test('known fields keep their values; unknown ones are dropped', () => {
  assert.deepEqual(decodeConnect('{"verbose":false,"pedantic":true,"name":"n","protocol":1,"x":1,"import":{"allow":["a"]}}'), {
    verbose: false,
    pedantic: true,
    name: 'n',
    protocol: 1,
    import: { allow: ['a'] },
  });
});

test('keys match case-insensitively and the last duplicate wins', () => {
  assert.deepEqual(decodeConnect('{"VERBOSE":false,"No_Responders":true}'), { verbose: false, no_responders: true });
  assert.deepEqual(decodeConnect('{"verbose":true,"Verbose":false}'), { verbose: false });
  assert.deepEqual(decodeConnect('{"verbose":true,"verbose":false}'), { verbose: false });
});

test('null leaves a field unchanged; a null document is empty', () => {
  assert.deepEqual(decodeConnect('{"verbose":null,"name":null}'), {});
  assert.deepEqual(decodeConnect('null'), {});
});

test('wrong types, bad JSON and non-objects are protocol errors', () => {
  for (const j of ['{"verbose":"yes"}', '{"echo":0}', '{"name":1}', '{"protocol":1.5}', '{"protocol":"1"}', '{"import":[]}', '{bad}', '42', '[]', '"x"', '', '{"a":1} x']) {
    assert.throws(() => decodeConnect(j), (e: unknown) => e instanceof ProtocolError && e.kind === 'protocol', j);
  }
});

test('keys named like Object.prototype members are ignored, not trusted', () => {
  assert.deepEqual(decodeConnect('{"toString":1,"__proto__":{"verbose":false},"constructor":"x"}'), {});
});

test('any object of known fields round-trips', () => {
  const opts = fc.record(
    {
      verbose: fc.boolean(),
      pedantic: fc.boolean(),
      echo: fc.boolean(),
      headers: fc.boolean(),
      no_responders: fc.boolean(),
      name: fc.string(),
      lang: fc.string(),
      version: fc.string(),
      protocol: fc.integer({ min: -5, max: 5 }),
      user: fc.string(),
      pass: fc.string(),
    },
    { requiredKeys: [] },
  );
  fc.assert(fc.property(opts, (o) => assert.deepEqual(decodeConnect(JSON.stringify(o)), { ...o })), { numRuns: 300 });
});

test('client INFO must be a JSON object or null', () => {
  checkClientInfo('{}');
  checkClientInfo('{"server_id":"x"}');
  checkClientInfo('null');
  for (const j of ['', '\r', '42', '[]', '{']) assert.throws(() => checkClientInfo(j), ProtocolError, JSON.stringify(j));
});

test('an int field takes only an integer literal within int64, as Go does', () => {
  for (const lit of ['1.0', '0.0', '1e0', '1E2', '9223372036854775808', '-9223372036854775809']) {
    assert.throws(() => decodeConnect(`{"protocol":${lit}}`), ProtocolError, lit);
  }
  assert.ok((decodeConnect('{"protocol":9007199254740993}').protocol as number) > 1);
  assert.equal(decodeConnect('{"protocol":-0}').protocol, -0);
  assert.throws(() => decodeConnect('{"protocol":1,"PROTOCOL":1.0}'), ProtocolError);
  assert.deepEqual(decodeConnect('{"name":"a,b}","import":{"allow":["x"]},"protocol":1}'), { name: 'a,b}', import: { allow: ['x'] }, protocol: 1 });
});
