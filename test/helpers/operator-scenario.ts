/*
 * One operator-mode scenario, checked the same way on any server running the same JWTs
 * (Switchboard or nats-server 2.9.10): a stream across an activation-token import arrives; a user
 * of a scoped signing key publishes only where the scope's template lets it; a user limited to
 * another network is refused; a user with src/times/resp/tags connects.
 */
import assert from 'node:assert/strict';
import { connect, credsAuthenticator, StringCodec, type NatsConnection } from 'nats';

const sc = StringCodec();
const open = (url: string, creds: string) => connect({ servers: url, authenticator: credsAuthenticator(new TextEncoder().encode(creds)), reconnect: false });

export interface Scenario {
  /** A user of the exporting account (publishes on private.news). */
  exporterCreds: string;
  /** A user of the importing account (imports private.> with an activation token). */
  importerCreds: string;
  /** A user of the importer's scoped key whose template allows publishing on ops.{{name()}}.>. */
  scopedCreds: string;
  scopedName: string;
  /** Any unrestricted user of the importing account. */
  observerCreds: string;
  /** A user whose src excludes 127.0.0.1. */
  remoteOnlyCreds: string;
  /** A user whose src, times, locale, resp, tags admit a local client now. */
  fieldsCreds: string;
}

/** The first message `sub` gets within a generous bound. */
async function first(sub: AsyncIterable<{ subject: string; data: Uint8Array }>): Promise<{ subject: string; data: string }> {
  let t: NodeJS.Timeout | undefined;
  const timer = new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error('no message within 10 s')), 10_000)));
  const got = (async () => {
    for await (const m of sub) return { subject: m.subject, data: sc.decode(m.data) };
    throw new Error('subscription closed');
  })();
  try {
    return await Promise.race([got, timer]);
  } finally {
    clearTimeout(t);
  }
}

/**
 * What must hold on any server running these JWTs: the stream across the activation-token
 * import arrives; the scoped user publishes only where its scope's template lets it; a user
 * limited to another network is refused; a user with src/times/resp/tags connects.
 */
export async function checkScenario(url: string, s: Scenario): Promise<void> {
  const conns: NatsConnection[] = [];
  try {
    const exporter = await open(url, s.exporterCreds);
    const importer = await open(url, s.importerCreds);
    conns.push(exporter, importer);
    const sub = importer.subscribe('private.>', { max: 1 });
    await importer.flush();
    // The import may be applied a moment after the account loads: publish until it arrives.
    const got = first(sub);
    const pump = setInterval(() => exporter.publish('private.news', sc.encode('across')), 200);
    try {
      const m = await got;
      assert.equal(m.subject, 'private.news');
      assert.equal(m.data, 'across');
    } finally {
      clearInterval(pump);
    }

    const observer = await open(url, s.observerCreds);
    const scoped = await open(url, s.scopedCreds);
    conns.push(observer, scoped);
    const seen = observer.subscribe('>', { max: 1 });
    await observer.flush();
    scoped.publish('forbidden.x', sc.encode('no')); // outside the scope: dropped (permissions violation)
    scoped.publish(`ops.${s.scopedName}.ok`, sc.encode('yes'));
    await scoped.flush();
    const m = await first(seen);
    assert.equal(m.subject, `ops.${s.scopedName}.ok`, 'the scoped user published outside its template');

    await assert.rejects(open(url, s.remoteOnlyCreds), /Authorization Violation/i);
    const fields = await open(url, s.fieldsCreds);
    conns.push(fields);
    await fields.flush();
  } finally {
    for (const c of conns) if (!c.isClosed()) await c.close();
  }
}

