import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { resolveOptions, type OptionsInput } from '@switchboard/shared';
import { subjectMatches } from '@switchboard/shared';
import { validateAccountRules } from '../config/account-rules.js';
import { Logger } from '../log/logger.js';
import { createServer } from '../switchboard.js';
import { withHeader } from './accounts.js';
import { SubjectTransform } from './transform.js';

const quiet = () => new Logger({ sink: () => {} });

test('subject transforms carry wildcard tokens', () => {
  assert.equal(new SubjectTransform('a.*.c', 'x.*').apply('a.b.c'), 'x.b');
  assert.equal(new SubjectTransform('a.*.*', 'x.$2.$1').apply('a.b.c'), 'x.c.b');
  assert.equal(new SubjectTransform('a.>', 'x.>').apply('a.b.c'), 'x.b.c');
  assert.equal(new SubjectTransform('a.*', 'x.{{wildcard(1)}}.y').apply('a.q'), 'x.q.y');
});

test('headers are added to a message with or without a header block', () => {
  const plain = withHeader(Buffer.from('hello'), 0, 5, -1, 'K', 'v');
  assert.equal(plain.buf.toString(), 'NATS/1.0\r\nK: v\r\n\r\nhello');
  assert.equal(plain.hdr, 'NATS/1.0\r\nK: v\r\n\r\n'.length);
  const h = 'NATS/1.0\r\nA: 1\r\n\r\n';
  const withH = withHeader(Buffer.from(h + 'x'), 0, h.length + 1, h.length, 'K', 'v');
  assert.equal(withH.buf.toString(), 'NATS/1.0\r\nA: 1\r\nK: v\r\n\r\nx');
});

test('config errors: missing account, unauthorized import, cycle', () => {
  const errs = (o: OptionsInput) => validateAccountRules(resolveOptions(o));
  assert.deepEqual(errs({ accounts: { A: { imports: [{ stream: { account: 'Z', subject: 'x' } }] } } }), ['"Z" account not defined for stream import']);
  assert.deepEqual(errs({ accounts: { A: { exports: [{ stream: 'x', accounts: ['C'] }] }, B: { imports: [{ stream: { account: 'A', subject: 'x' } }] }, C: {} } }), [
    'Error adding stream import "x": stream import not authorized',
  ]);
  assert.deepEqual(errs({ accounts: { A: { exports: [{ service: 'q.*' }] }, B: { imports: [{ service: { account: 'A', subject: 'q.>' } }] } } }), [
    'Error adding service import "q.>": service import not authorized',
  ]);
  const cycle = errs({
    accounts: {
      A: { exports: [{ service: 'a' }], imports: [{ service: { account: 'B', subject: 'b' }, to: 'a' }] },
      B: { exports: [{ service: 'b' }], imports: [{ service: { account: 'A', subject: 'a' }, to: 'b' }] },
    },
  });
  assert.ok(cycle.some((e) => e.includes('import forms a cycle')), cycle.join('\n'));
  assert.deepEqual(errs({ accounts: { A: { exports: [{ stream: 'acc.*.x', accountTokenPosition: 2 }] }, B: { imports: [{ stream: { account: 'A', subject: 'acc.B.x' } }] } } }), []);
  assert.equal(errs({ accounts: { A: { exports: [{ stream: 'acc.*.x', accountTokenPosition: 2 }] }, B: { imports: [{ stream: { account: 'A', subject: 'acc.C.x' } }] } } }).length, 1);
});

// ---- isolation property: deliveries equal what a naive model of the rules allows ---------------

const ACCOUNTS = ['A', 'B', 'C'];
const TOKENS = ['a', 'b', 'c'];
const literal = fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 3 }).map((t) => t.join('.'));
const pattern = fc
  .array(fc.constantFrom(...TOKENS, '*'), { minLength: 1, maxLength: 3 })
  .chain((t) => fc.boolean().map((fwc) => (fwc && t.length < 3 ? [...t, '>'] : t).join('.')));

interface World {
  exports: Array<{ account: string; kind: 'stream' | 'service'; subject: string; allowed: string[] | null }>;
  imports: Array<{ account: string; from: string; kind: 'stream' | 'service'; subject: string; prefix?: string }>;
  subs: Array<{ account: string; pattern: string }>;
  pubs: Array<{ account: string; subject: string }>;
}

const world: fc.Arbitrary<World> = fc
  .record({
    exports: fc.array(
      fc.record({
        account: fc.constantFrom(...ACCOUNTS),
        kind: fc.constantFrom('stream' as const, 'service' as const),
        subject: pattern,
        allowed: fc.option(fc.subarray(ACCOUNTS, { minLength: 1 }), { nil: null }),
      }),
      { maxLength: 4 },
    ),
    importPicks: fc.array(fc.record({ exp: fc.nat(), account: fc.constantFrom(...ACCOUNTS), narrow: fc.boolean(), prefix: fc.option(fc.constantFrom('p', 'q'), { nil: undefined }) }), { maxLength: 4 }),
    subs: fc.array(fc.record({ account: fc.constantFrom(...ACCOUNTS), pattern }), { maxLength: 6 }),
    pubs: fc.array(fc.record({ account: fc.constantFrom(...ACCOUNTS), subject: literal }), { minLength: 1, maxLength: 6 }),
  })
  .map(({ exports, importPicks, subs, pubs }) => {
    const imports: World['imports'] = [];
    for (const p of importPicks) {
      if (exports.length === 0) break;
      const e = exports[p.exp % exports.length];
      if (e.account === p.account) continue;
      if (e.allowed !== null && !e.allowed.includes(p.account)) continue;
      // Import exactly the export's subject, or (for streams) a literal narrowing of it.
      const subject = e.kind === 'stream' && p.narrow ? e.subject.replace(/\*/g, 'a').replace(/>/, 'b') : e.subject;
      if (imports.some((i) => i.account === p.account && i.kind === 'service')) continue; // keep service graphs acyclic
      imports.push({ account: p.account, from: e.account, kind: e.kind, subject, prefix: e.kind === 'stream' ? p.prefix : undefined });
    }
    return { exports, imports, subs, pubs };
  });

/** Naive model: who receives a message published in `account` on `subject`. */
function expected(w: World, account: string, subject: string, inFlight: Set<number> = new Set(), onlyClients = false): string[] {
  const out: string[] = [];
  w.subs.forEach((s, i) => {
    if (s.account === account && subjectMatches(s.pattern, subject)) out.push(`${i}:${subject}`);
  });
  if (onlyClients) return out;
  w.imports.forEach((im, k) => {
    if (im.kind === 'stream' && im.from === account && subjectMatches(im.subject, subject)) {
      const mapped = im.prefix ? `${im.prefix}.${subject}` : subject;
      out.push(...expected(w, im.account, mapped, inFlight, true));
    }
    if (im.kind === 'service' && im.account === account && subjectMatches(im.subject, subject) && !inFlight.has(k)) {
      const next = new Set(inFlight).add(k);
      out.push(...expected(w, im.from, subject, next));
    }
  });
  return out;
}

test('property: a message reaches exactly the subscribers the export/import rules allow', async () => {
  await fc.assert(
    fc.asyncProperty(world, async (w) => {
      const accounts: NonNullable<OptionsInput['accounts']> = {};
      for (const a of ACCOUNTS) accounts[a] = { exports: [], imports: [] };
      for (const e of w.exports) {
        accounts[e.account].exports!.push(e.kind === 'stream' ? { stream: e.subject, ...(e.allowed ? { accounts: e.allowed } : {}) } : { service: e.subject, ...(e.allowed ? { accounts: e.allowed } : {}) });
      }
      for (const im of w.imports) {
        accounts[im.account].imports!.push(im.kind === 'stream' ? { stream: { account: im.from, subject: im.subject }, ...(im.prefix ? { prefix: im.prefix } : {}) } : { service: { account: im.from, subject: im.subject } });
      }
      const opts = resolveOptions({ accounts });
      if (validateAccountRules(opts).length > 0) return; // the generator may make a cycle; config load refuses those
      const server = createServer({ accounts }, { logger: quiet() });
      const got: string[] = [];
      w.subs.forEach((s, i) => {
        const acc = server.accounts.get(s.account)!;
        acc.addInternalSub({ subject: s.pattern, sid: `obs${i}`, advertise: true, handler: (_sub, _from, subject) => (got.push(`${i}:${subject}`), true) });
      });
      for (const p of w.pubs) {
        got.length = 0;
        server.deliverMessage(null, server.accounts.get(p.account)!, p.subject, '', -1, Buffer.from('x'), 0, 1);
        assert.deepEqual([...got].sort(), expected(w, p.account, p.subject).sort(), `publish ${p.account}/${p.subject}`);
      }
    }),
    { numRuns: 300 },
  );
});

