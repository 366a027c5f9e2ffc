import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, StringCodec } from 'nats';
import { createServer, Logger, loadConfigFile } from '@switchboard/broker';
import { waitFor } from '../helpers/servers.js';

const sc = StringCodec();

const conf = (withShare: boolean, extraB?: string) => `
listen: "127.0.0.1:-1"
accounts {
  A {
    users = [ {user: a, password: a} ]
    ${withShare ? 'exports = [ {stream: "news.>"} ]' : ''}
  }
  B {
    users = [ {user: b, password: b} ]
    ${extraB ?? (withShare ? 'imports = [ {stream: {account: A, subject: "news.>"}, prefix: "a"} ]' : '')}
  }
}
`;

test('reload adds and removes exports and imports on live connections', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-accreload-')), 'server.conf');
  writeFileSync(file, conf(false));
  const loaded = loadConfigFile(file);
  assert.deepEqual(loaded.errors, []);
  const server = createServer(loaded.options, { logger: new Logger({ sink: () => {} }), configFile: file });
  await server.start();
  const url = `127.0.0.1:${server.port}`;
  const a = await connect({ servers: url, user: 'a', pass: 'a' });
  const b = await connect({ servers: url, user: 'b', pass: 'b' });
  try {
    const got: string[] = [];
    b.subscribe('a.news.>', { callback: (_e, m) => got.push(m.subject) });
    await b.flush();
    a.publish('news.one', sc.encode('1'));
    await a.flush();
    await b.flush();
    assert.deepEqual(got, [], 'nothing crosses before the export/import exists');

    writeFileSync(file, conf(true));
    const r = await server.reload();
    assert.equal(r.ok, true, r.errors.join('\n'));
    a.publish('news.two', sc.encode('2'));
    await waitFor(() => got.length === 1, 3000, 'delivery through the new import');
    assert.deepEqual(got, ['a.news.two']);

    writeFileSync(file, conf(false));
    assert.equal((await server.reload()).ok, true);
    a.publish('news.three', sc.encode('3'));
    await a.flush();
    await b.flush();
    assert.deepEqual(got, ['a.news.two'], 'removing the import stops the flow');
    assert.equal(a.isClosed() || b.isClosed(), false, 'connections survive');
  } finally {
    await a.close();
    await b.close();
    await server.shutdown();
  }
});

test('reload refuses an import of a missing export and keeps the running rules', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-accreload-')), 'server.conf');
  writeFileSync(file, conf(true));
  const server = createServer(loadConfigFile(file).options, { logger: new Logger({ sink: () => {} }), configFile: file });
  await server.start();
  try {
    writeFileSync(file, conf(true, 'imports = [ {service: {account: A, subject: "nope"}} ]'));
    const r = await server.reload();
    assert.equal(r.ok, false);
    assert.ok(r.errors.some((e) => e.includes('service import not authorized')), r.errors.join('\n'));
    assert.equal(server.accounts.get('A')!.streamExports.length, 1, 'old rules still in force');
  } finally {
    await server.shutdown();
  }
});
