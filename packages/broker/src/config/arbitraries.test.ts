/** fast-check generators of option models, shared by the round-trip and differential tests. */
import fc from 'fast-check';
import type { OptionsInput, Permissions, SubjectPermission } from '@switchboard/shared';

const subject = fc.constantFrom('foo', 'foo.bar', 'foo.*', 'foo.>', '>', 'a.b.c', '_INBOX.>', '$SYS.REQ.>', 'orders.*.new');
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('$2a$11$abc/def.ghi', 'a "quoted" \\ value', 'tab\there', 'line\nbreak', '2m', 'true', '127.0.0.1:4222', '#x', '//y'),
);
/** Export subjects never overlap the public `pub.>` / `svc.*` exports (nats-server picks the first match at random). */
const exportSubject = fc.constantFrom('foo', 'foo.bar', 'foo.*', 'foo.>', 'a.b.c', 'orders.*.new');
const literal = fc.constantFrom('foo', 'foo.bar', 'a.b.c', 'orders.new');
const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
const ms = fc.integer({ min: 1, max: 10_000 }).map((n) => n * 1000);

const subjectPerm: fc.Arbitrary<SubjectPermission> = fc
  .record({ allow: fc.array(subject, { minLength: 1, maxLength: 3 }), deny: fc.array(subject, { minLength: 1, maxLength: 3 }) }, { requiredKeys: [] })
  .filter((p) => p.allow !== undefined || p.deny !== undefined);

const permissions: fc.Arbitrary<Permissions> = fc.record(
  {
    publish: subjectPerm,
    subscribe: subjectPerm,
    allowResponses: fc.record({ maxMsgs: fc.integer({ min: 1, max: 100 }), expires: ms }),
  },
  { requiredKeys: [] },
);

const users = (prefix: string) =>
  fc.uniqueArray(
    fc.record({ user: name.map((n) => `${prefix}${n}`), password: text, permissions: fc.option(permissions, { nil: undefined }) }),
    { selector: (u) => u.user, maxLength: 3 },
  ).map((us) => us.map((u) => (u.permissions === undefined ? { user: u.user, password: u.password } : u)));

const ACCOUNTS = ['A', 'B', 'C'] as const;

const account = fc.record(
  {
    users: users('acc_'),
    exports: fc.array(
      fc.oneof(
        fc.record({ stream: exportSubject, accounts: fc.option(fc.subarray([...ACCOUNTS], { minLength: 1 }), { nil: undefined }) }),
        fc.record({
          service: exportSubject,
          responseType: fc.constantFrom('singleton' as const, 'stream' as const, 'chunked' as const),
          accountTokenPosition: fc.constant(0),
        }),
      ),
      { maxLength: 2 },
    ),
    imports: fc.array(
      fc.oneof(
        fc.record({ stream: fc.record({ account: fc.constantFrom(...ACCOUNTS), subject: fc.constantFrom('pub.x', 'pub.y.z') }), prefix: fc.constantFrom('p', 'q.r') }),
        fc.record({ service: fc.record({ account: fc.constantFrom(...ACCOUNTS), subject: fc.constantFrom('svc.a', 'svc.b') }), share: fc.boolean() }),
      ),
      { maxLength: 2 },
    ),
    limits: fc.record({ maxConnections: fc.integer({ min: 1, max: 1000 }), maxPayload: fc.integer({ min: 1, max: 1 << 20 }) }, { requiredKeys: [] }),
    defaultPermissions: permissions,
    mappings: fc.dictionary(literal, fc.constantFrom('bar', 'baz'), { maxKeys: 2 }),
  },
  { requiredKeys: [] },
);

/** An account as the model takes it (looser than what the arbitraries generate). */
type AccountInput = NonNullable<OptionsInput['accounts']>[string];

/** Strips undefined values (the parser never produces them). */
function clean<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Dedupe service imports by their local subject (nats-server refuses duplicates). */
function fixAccounts(accs: Record<string, AccountInput>): OptionsInput['accounts'] {
  // Imports and exports name accounts from ACCOUNTS: define them all.
  for (const n of ACCOUNTS) accs[n] ??= {};
  // Every account exports `pub.>` and `svc.*` publicly, so that generated imports are authorized.
  for (const acc of Object.values(accs)) acc.exports = [...(acc.exports ?? []), { stream: 'pub.>', accounts: undefined }, { service: 'svc.*', responseType: 'singleton', accountTokenPosition: 0 }];
  const seenUsers = new Set<string>();
  for (const acc of Object.values(accs)) {
    const svc = new Set<string>();
    const streams = new Set<string>();
    if (acc.imports) {
      acc.imports = acc.imports.filter((i) => {
        if (i.service) return !svc.has(i.service.subject) && !!svc.add(i.service.subject);
        const key = `${i.stream!.account}/${i.stream!.subject}`;
        return !streams.has(key) && !!streams.add(key);
      });
    }
    if (acc.users) acc.users = acc.users.filter((u) => !seenUsers.has(u.user ?? '') && !!seenUsers.add(u.user ?? ''));
  }
  return clean(accs) as OptionsInput['accounts'];
}

export const optionsArb: fc.Arbitrary<OptionsInput> = fc
  .record(
    {
      host: fc.constantFrom('0.0.0.0', '127.0.0.1', '::1', 'localhost'),
      port: fc.integer({ min: -1, max: 65535 }),
      serverName: name,
      clientAdvertise: fc.constantFrom('nats.example.com:4222', '10.0.0.1'),
      maxPayload: fc.integer({ min: 1, max: 64 << 20 }),
      maxControlLine: fc.integer({ min: 256, max: 1 << 16 }),
      maxConnections: fc.integer({ min: 1, max: 1 << 20 }),
      maxPending: fc.integer({ min: 1, max: 1 << 30 }),
      maxSubscriptions: fc.integer({ min: 0, max: 1000 }),
      maxSubTokens: fc.integer({ min: 1, max: 255 }),
      pingInterval: ms,
      pingMax: fc.integer({ min: 1, max: 10 }),
      writeDeadline: fc.oneof(ms, fc.integer({ min: 1, max: 999 })),
      authTimeout: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.constantFrom(0.5, 1.25)),
      debug: fc.boolean(),
      trace: fc.boolean(),
      traceVerbose: fc.boolean(),
      logtime: fc.boolean(),
      logFile: fc.constantFrom('/tmp/sb.log', 'log file with spaces.log'),
      httpHost: fc.constantFrom('127.0.0.1', '0.0.0.0'),
      httpPort: fc.integer({ min: -1, max: 65535 }),
      lameDuckDuration: fc.integer({ min: 30, max: 600 }).map((s) => s * 1000),
      lameDuckGracePeriod: fc.oneof(ms, fc.constant(0)),
      noHeaderSupport: fc.boolean(),
      disableSublistCache: fc.boolean(),
      maxTracedMsgLen: fc.integer({ min: 0, max: 4096 }),
      noSystemAccount: fc.boolean(),
      authorization: fc.oneof(
        fc.record({ token: text }),
        fc.record({ user: name, password: text }),
        fc.record({ users: users('u_'), defaultPermissions: permissions }, { requiredKeys: ['users'] }),
      ),
      accounts: fc.dictionary(fc.constantFrom(...ACCOUNTS), account, { minKeys: 0, maxKeys: 3 }),
      mappings: fc.dictionary(literal, fc.oneof(fc.constantFrom('bar', 'baz'), fc.constant([{ destination: 'x', weight: 50 }, { destination: 'y', weight: 50 }])), { maxKeys: 2 }),
      cluster: fc.record(
        {
          name: name,
          host: fc.constantFrom('127.0.0.1', '0.0.0.0'),
          port: fc.integer({ min: -1, max: 65535 }),
          routes: fc.uniqueArray(fc.constantFrom('nats-route://a:6222', 'nats://b:6223', 'nats://user:pw@c:6224'), { maxLength: 3 }),
          noAdvertise: fc.boolean(),
          connectRetries: fc.integer({ min: 0, max: 10 }),
          authorization: fc.record({ user: name, password: text, timeout: fc.constantFrom(1, 2.5) }, { requiredKeys: [] }),
          permissions: fc.record({ import: subjectPerm, export: subjectPerm }, { requiredKeys: [] }),
        },
        { requiredKeys: [] },
      ),
      gateway: fc.record(
        {
          name: name,
          port: fc.integer({ min: -1, max: 65535 }),
          rejectUnknown: fc.boolean(),
          gateways: fc.array(fc.record({ name, urls: fc.uniqueArray(fc.constantFrom('nats://a:7222', 'nats://b:7222'), { maxLength: 2 }) }), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      serverTags: fc.array(fc.constantFrom('az:1', 'region:eu', 'x'), { maxLength: 3 }),
      passthrough: fc.constantFrom({ leafnodes: { listen: '127.0.0.1:-1' } }, { websocket: { port: -1, no_tls: true } }),
    },
    { requiredKeys: [] },
  )
  .map((o) => {
    const out = { ...o } as OptionsInput;
    if (o.accounts) out.accounts = fixAccounts(o.accounts as Record<string, AccountInput>);
    // Account users and a single authorization user/token can not be combined (nats-server).
    const accUsers = Object.values(out.accounts ?? {}).some((a) => (a.users ?? []).length > 0);
    if (accUsers && out.authorization && !('users' in out.authorization)) delete out.authorization;
    return clean(out);
  });

// This file is a test helper; the check below keeps the generator honest.
import { test } from 'node:test';
import { OptionsSchema } from '@switchboard/shared';
test('generated option models satisfy the schema', () => {
  fc.assert(fc.property(optionsArb, (o) => OptionsSchema.safeParse(o).success), { numRuns: 100 });
});
