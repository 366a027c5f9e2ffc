import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, StringCodec } from 'nats';
import { startWithConf, targets, Peer, pub, HAVE_NATS_SERVER, type Running } from './differential.js';

const sc = StringCodec();
const running: Running[] = [];
const peers: Peer[] = [];

after(async () => {
  for (const p of peers) p.close();
  await Promise.all(running.map((r) => r.stop()));
});

async function open(r: Running, user: string, pass = user): Promise<Peer> {
  const p = await Peer.open(r.port, user, pass);
  peers.push(p);
  return p;
}

const PERMS_CONF = `
authorization {
  default_permissions {
    publish: "pub.default.>"
    subscribe: "sub.default.>"
  }
  users = [
    { user: a, password: a, permissions: {
        publish: { allow: ["foo.*", "bar.>"], deny: ["foo.secret"] }
        subscribe: { allow: ["foo.*", "q.> workers", "baz.>", "wq.* v.*"], deny: ["baz.secret", "foo.deny"] }
    } }
    { user: all, password: all, permissions: { publish: ">", subscribe: ">" } }
    { user: d, password: d }
    { user: svc, password: svc, permissions: {
        subscribe: "req.>"
        allow_responses: { max: 2, expires: "1s" }
    } }
    { user: req, password: req, permissions: { publish: "req.>", subscribe: ["reply.>", "_INBOX.>"] } }
    { user: mute, password: mute, permissions: { publish: "nothing", subscribe: "req.>" } }
  ]
}
`;

if (!HAVE_NATS_SERVER) test('nats-server 2.9.10 not installed: differential permission checks run against Switchboard only', { skip: 'nats-server not on PATH' }, () => {});

for (const target of targets()) {
  describe(`permissions (${target})`, () => {
    let r: Running;

    test('start', async () => {
      r = await startWithConf(target, PERMS_CONF);
      running.push(r);
    });

    test('publish allow/deny with wildcards; deny beats allow; connection stays open', async () => {
      const a = await open(r, 'a');
      assert.deepEqual(await a.op(pub('foo.bar')), []);
      assert.deepEqual(await a.op(pub('foo.secret')), [`-ERR 'Permissions Violation for Publish to "foo.secret"'`]);
      assert.deepEqual(await a.op(pub('foo.a.b')), [`-ERR 'Permissions Violation for Publish to "foo.a.b"'`]);
      assert.deepEqual(await a.op(pub('bar.x.y')), []);
      assert.deepEqual(await a.op(pub('other')), [`-ERR 'Permissions Violation for Publish to "other"'`]);
      // Cached decisions stay the same.
      assert.deepEqual(await a.op(pub('foo.secret') + pub('foo.bar')), [`-ERR 'Permissions Violation for Publish to "foo.secret"'`]);
      assert.equal(a.closed, false);
    });

    test('subscribe allow/deny, queue permissions and the wildcard-as-literal quirk', async () => {
      const a = await open(r, 'a');
      assert.deepEqual(await a.op('SUB foo.x 1\r\n'), []);
      assert.deepEqual(await a.op('SUB foo.deny 2\r\n'), [`-ERR 'Permissions Violation for Subscription to "foo.deny"'`]);
      // allow foo.* admits SUB foo.> (the requested subject is matched as a literal).
      assert.deepEqual(await a.op('SUB foo.> 3\r\n'), []);
      assert.deepEqual(await a.op('SUB q.a 4\r\n'), [`-ERR 'Permissions Violation for Subscription to "q.a"'`]);
      assert.deepEqual(await a.op('SUB q.a workers 5\r\n'), []);
      assert.deepEqual(await a.op('SUB q.a others 6\r\n'), [`-ERR 'Permissions Violation for Subscription to "q.a" using queue "others"'`]);
      assert.deepEqual(await a.op('SUB baz.> 7\r\n'), []);
      assert.deepEqual(await a.op('SUB baz.secret 8\r\n'), [`-ERR 'Permissions Violation for Subscription to "baz.secret"'`]);
      assert.deepEqual(await a.op('SUB bar.x 9\r\n'), [`-ERR 'Permissions Violation for Subscription to "bar.x"'`]);
      // Wildcard queue names in permissions.
      assert.deepEqual(await a.op('SUB wq.x v.1 10\r\n'), []);
      assert.deepEqual(await a.op('SUB wq.x v* 11\r\n'), [`-ERR 'Permissions Violation for Subscription to "wq.x" using queue "v*"'`]);
      assert.deepEqual(await a.op('SUB wq.x w.1 12\r\n'), [`-ERR 'Permissions Violation for Subscription to "wq.x" using queue "w.1"'`]);

      // Deliveries: subscribe-deny entries filter messages on wider wildcard subscriptions.
      const all = await open(r, 'all');
      await all.op(pub('foo.deny', 'd') + pub('foo.x', 'fx') + pub('baz.secret', 's') + pub('baz.ok', 'ok') + pub('q.a', 'q'));
      const got = await a.op('');
      const msgs: string[] = [];
      for (let i = 0; i < got.length; i += 2) msgs.push(`${got[i]} | ${got[i + 1]}`);
      assert.deepEqual(msgs.sort(), ['MSG baz.ok 7 2 | ok', 'MSG foo.x 1 2 | fx', 'MSG foo.x 3 2 | fx', 'MSG q.a 5 1 | q']);
    });

    test('default_permissions apply to users without their own', async () => {
      const d = await open(r, 'd');
      assert.deepEqual(await d.op(pub('pub.default.x')), []);
      assert.deepEqual(await d.op(pub('pub.other')), [`-ERR 'Permissions Violation for Publish to "pub.other"'`]);
      assert.deepEqual(await d.op('SUB sub.default.> 1\r\n'), []);
      assert.deepEqual(await d.op('SUB other 2\r\n'), [`-ERR 'Permissions Violation for Subscription to "other"'`]);
    });

    test('allow_responses: replies allowed up to max, until expiry; nothing else', async () => {
      const svc = await open(r, 'svc');
      const req = await open(r, 'req');
      assert.deepEqual(await svc.op('SUB req.> 1\r\n'), []);
      assert.deepEqual(await req.op('SUB reply.> 1\r\n'), []);
      // Without a request, publishing to a reply-like subject is denied (allow list is empty).
      assert.deepEqual(await svc.op(pub('reply.1', 'early')), [`-ERR 'Permissions Violation for Publish to "reply.1"'`]);
      await req.op(pub('req.a', 'hi', 'reply.1'));
      assert.deepEqual(await svc.op(''), ['MSG req.a 1 reply.1 2', 'hi']);
      assert.deepEqual(await svc.op(pub('reply.1', 'r1')), []);
      assert.deepEqual(await svc.op(pub('reply.1', 'r2')), []);
      assert.deepEqual(await svc.op(pub('reply.1', 'r3')), [`-ERR 'Permissions Violation for Publish to "reply.1"'`]);
      assert.deepEqual(await svc.op(pub('other')), [`-ERR 'Permissions Violation for Publish to "other"'`]);
      assert.deepEqual(await req.op(''), ['MSG reply.1 1 2', 'r1', 'MSG reply.1 1 2', 'r2']);
      // Expiry (1s).
      await req.op(pub('req.b', 'hi', 'reply.2'));
      assert.deepEqual(await svc.op(''), ['MSG req.b 1 reply.2 2', 'hi']);
      await new Promise((res) => setTimeout(res, 1200));
      assert.deepEqual(await svc.op(pub('reply.2', 'late')), [`-ERR 'Permissions Violation for Publish to "reply.2"'`]);
      assert.deepEqual(await req.op(''), []);
    });

    test('request/reply across permission boundaries with nats.js', async () => {
      const svcConn = await connect({ servers: r.url, user: 'svc', pass: 'svc', reconnect: false });
      const muteConn = await connect({ servers: r.url, user: 'mute', pass: 'mute', reconnect: false });
      const reqConn = await connect({ servers: r.url, user: 'req', pass: 'req', reconnect: false });
      try {
        const sub = svcConn.subscribe('req.echo', { queue: 'svc' });
        (async () => {
          for await (const m of sub) m.respond(sc.encode(`echo:${sc.decode(m.data)}`));
        })();
        const muted = muteConn.subscribe('req.mute');
        (async () => {
          for await (const m of muted) m.respond(sc.encode('never'));
        })();
        await Promise.all([svcConn.flush(), muteConn.flush()]);
        const reply = await reqConn.request('req.echo', sc.encode('ping'), { timeout: 2000 });
        assert.equal(sc.decode(reply.data), 'echo:ping');
        // A responder without publish rights on the reply: the request times out.
        await assert.rejects(reqConn.request('req.mute', sc.encode('x'), { timeout: 500 }), /TIMEOUT|503|no responders/i);
        // The requester may not publish outside req.>: nats.js reports the violation.
        const errs: string[] = [];
        (async () => {
          for await (const s of reqConn.status()) if (s.type === 'error') errs.push(String(s.data));
        })();
        reqConn.publish('forbidden.subject');
        await reqConn.flush();
        await new Promise((res) => setTimeout(res, 100));
        assert.ok(errs.some((e) => /PERMISSIONS_VIOLATION|Permissions Violation/i.test(e)), JSON.stringify(errs));
        assert.equal(reqConn.isClosed(), false);
      } finally {
        await Promise.all([svcConn.close(), muteConn.close(), reqConn.close()]);
      }
    });
  });
}

const ACCOUNT_DEFAULTS_CONF = `
accounts {
  A {
    default_permissions { publish: "a.>", subscribe: "a.>" }
    users = [ { user: a1, password: a1 }, { user: a2, password: a2, permissions: { publish: ">" } } ]
  }
}
`;

for (const target of targets()) {
  test(`account-level default_permissions (${target})`, async () => {
    const r = await startWithConf(target, ACCOUNT_DEFAULTS_CONF);
    running.push(r);
    const a1 = await open(r, 'a1');
    const a2 = await open(r, 'a2');
    assert.deepEqual(await a1.op(pub('a.x')), []);
    assert.deepEqual(await a1.op(pub('b.x')), [`-ERR 'Permissions Violation for Publish to "b.x"'`]);
    assert.deepEqual(await a1.op('SUB b.x 1\r\n'), [`-ERR 'Permissions Violation for Subscription to "b.x"'`]);
    // a2 has its own permissions (publish only): defaults do not apply, subscribe is free.
    assert.deepEqual(await a2.op(pub('b.x')), []);
    assert.deepEqual(await a2.op('SUB b.x 1\r\n'), []);
  });
}
