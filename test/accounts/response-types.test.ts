import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, StringCodec, createInbox, type NatsConnection } from 'nats';
import { startProcess, natsServerAvailable, waitFor, type ProcServer } from '../helpers/servers.js';

/** Service response types across accounts: a singleton answers once, a stream many times. */
const CONF = `
accounts {
  SVC {
    users = [ {user: svc, password: svc} ]
    exports = [
      {service: "one", response_type: singleton}
      {service: "many", response_type: stream}
    ]
  }
  APP {
    users = [ {user: app, password: app} ]
    imports = [
      {service: {account: SVC, subject: "one"}}
      {service: {account: SVC, subject: "many"}, to: "app.many"}
    ]
  }
}
`;

const sc = StringCodec();
const kinds = natsServerAvailable() ? (['switchboard', 'nats-server'] as const) : (['switchboard'] as const);

for (const kind of kinds) {
  let server: ProcServer;
  let svc: NatsConnection;
  let app: NatsConnection;

  before(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sb-resp-')), 'server.conf');
    writeFileSync(file, CONF);
    server = await startProcess(kind, ['-c', file]);
    svc = await connect({ servers: server.url, user: 'svc', pass: 'svc' });
    app = await connect({ servers: server.url, user: 'app', pass: 'app' });
    // Each service answers three times.
    for (const subject of ['one', 'many']) {
      svc.subscribe(subject, {
        callback: (_e, m) => {
          for (let i = 0; i < 3; i++) m.respond(sc.encode(`${subject}-${i}`));
        },
      });
    }
    await svc.flush();
  });
  after(async () => {
    await app.close();
    await svc.close();
    await server.stop();
  });

  async function collect(subject: string): Promise<string[]> {
    const inbox = createInbox();
    const got: string[] = [];
    app.subscribe(inbox, { callback: (_e, m) => got.push(sc.decode(m.data)) });
    await app.flush();
    app.publish(subject, sc.encode('req'), { reply: inbox });
    await waitFor(() => got.length >= 1, 3000, 'first response');
    // Let any further responses arrive, then make sure all queued bytes were read.
    await svc.flush();
    await app.flush();
    await new Promise((r) => setTimeout(r, 100));
    await app.flush();
    return got;
  }

  test(`${kind}: a singleton service answers once across accounts`, async () => {
    assert.deepEqual(await collect('one'), ['one-0']);
  });

  test(`${kind}: a stream service answers many times across accounts`, async () => {
    assert.deepEqual(await collect('app.many'), ['many-0', 'many-1', 'many-2']);
  });
}
