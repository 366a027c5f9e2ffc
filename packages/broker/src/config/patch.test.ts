import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { resolveOptions, type OptionsInput } from '@switchboard/shared';
import { optionsArb } from './arbitraries.test.js';
import { parseConfigText } from './load.js';
import { formatError } from './parser.js';
import { contentLostByRewrite, patchConfigText, type PatchResult } from './patch.js';
import { renderTopLevel, writeConfig } from './writer.js';

const hasNats = spawnSync('nats-server', ['--version'], { encoding: 'utf8' }).status === 0;

const LIMITS = '# limits live here\nmax_subscriptions: 1000\n';
const BASE = `# Switchboard — hand-written config
# (comments, an include and variables must survive console edits)

MAXC: 100   // a variable
listen: 127.0.0.1:4333  # client port
include "limits.conf"
max_connections: $MAXC

max_payload: 1MB # one meg

# the accounts
accounts {
  # the app
  APP: {
    users: [ { user: app, password: "app-pw" } ]
    exports [ { stream: "app.events.>" } ]
  }
  OPS { users = [{user: ops, password: "ops-pw"}] }
}

debug: true; logtime = false
# end
`;

function setup(): { dir: string; file: string; before: OptionsInput; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sb-patch-'));
  writeFileSync(join(dir, 'limits.conf'), LIMITS);
  const file = join(dir, 'main.conf');
  writeFileSync(file, BASE);
  const r = parseConfigText(BASE, file, { env: {} });
  assert.deepEqual(r.errors.map(formatError), []);
  return { dir, file, before: r.options, done: () => rmSync(dir, { recursive: true, force: true }) };
}

function ok(r: PatchResult): string {
  if ('error' in r) assert.fail(r.error);
  return r.text;
}

/** The patched text gives exactly `after`, and nats-server accepts it. */
function checkResult(file: string, text: string, after: OptionsInput): void {
  const back = parseConfigText(text, file, { env: {} });
  assert.deepEqual(back.errors.map(formatError), [], text);
  assert.deepEqual(back.options, after, text);
  if (hasNats) {
    writeFileSync(file, text);
    const r = spawnSync('nats-server', ['-t', '-c', file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    assert.equal(r.status, 0, `nats-server -t rejected:\n${r.stdout}${r.stderr}\n${text}`);
  }
}

const ACCOUNTS_AT = BASE.indexOf('accounts {');
const ACCOUNTS_END = BASE.indexOf('}\n\ndebug') + 1;

test('patch: an account edit replaces only the accounts block', () => {
  const { file, before, done } = setup();
  try {
    const after = structuredClone(before);
    const accs = after.accounts!;
    accs.APP!.exports!.push({ service: 'app.api' });
    accs.OPS!.imports = [{ stream: { account: 'APP', subject: 'app.events.>' }, prefix: 'from_app' }];
    accs.OPS!.users!.push({ user: 'ops2', password: 'pw2' });
    const out = ok(patchConfigText(BASE, file, before, after, { env: {} }));
    const rendered = renderTopLevel(after).find((r) => r.key === 'accounts')!.text.replace(/\n$/, '');
    assert.equal(out, BASE.slice(0, ACCOUNTS_AT) + rendered + BASE.slice(ACCOUNTS_END));
    checkResult(file, out, after);
  } finally {
    done();
  }
});

test('patch: a changed value keeps its trailing comment; added keys are appended, removed keys lose their line', () => {
  const { file, before, done } = setup();
  try {
    const after = structuredClone(before);
    after.maxPayload = 2 * 1024 * 1024;
    after.serverName = 'sb-1';
    delete after.debug;
    const out = ok(patchConfigText(BASE, file, before, after, { env: {} }));
    const expected = BASE.replace('max_payload: 1MB # one meg', 'max_payload: 2097152 # one meg')
      .replace('debug: true; logtime = false', 'logtime = false')
      .concat('server_name: "sb-1"\n');
    assert.equal(out, expected);
    checkResult(file, out, after);

    // Removing a key that has its line to itself removes the line (and its trailing comment).
    const again = parseConfigText(out, file, { env: {} }).options;
    const fewer = structuredClone(again);
    delete fewer.maxPayload;
    const out2 = ok(patchConfigText(out, file, again, fewer, { env: {} }));
    assert.equal(out2, expected.replace('max_payload: 2097152 # one meg\n', ''));
    checkResult(file, out2, fewer);
  } finally {
    done();
  }
});

test('patch: a combined key (listen) is rewritten whole when a part changes', () => {
  const { file, before, done } = setup();
  try {
    const after = { ...structuredClone(before), port: 4444 };
    const out = ok(patchConfigText(BASE, file, before, after, { env: {} }));
    assert.equal(out, BASE.replace('listen: 127.0.0.1:4333', 'host: "127.0.0.1"\nport: 4444'));
    checkResult(file, out, after);
  } finally {
    done();
  }
});

test('patch: nothing changed, nothing written differently', () => {
  const { file, before, done } = setup();
  try {
    assert.equal(ok(patchConfigText(BASE, file, before, structuredClone(before), { env: {} })), BASE);
  } finally {
    done();
  }
});

test('patch: refuses what it cannot splice, naming the key', () => {
  const { file, before, done } = setup();
  try {
    const inc = patchConfigText(BASE, file, before, { ...structuredClone(before), maxSubscriptions: 5 }, { env: {} });
    assert.ok('error' in inc && /"max_subscriptions" is defined in the included file .*limits\.conf/.test(inc.error), JSON.stringify(inc));
    const variable = patchConfigText(BASE, file, before, { ...structuredClone(before), maxConnections: 5 }, { env: {} });
    assert.ok('error' in variable && /"max_connections" \(line 7\) uses the variable \$MAXC/.test(variable.error), JSON.stringify(variable));

    const withVar = 'PW: "secret"\naccounts { A { users [ { user: a, password: $PW } ] } }\n';
    const b = parseConfigText(withVar, file, { env: {} }).options;
    const a = structuredClone(b);
    a.accounts!.A!.users!.push({ user: 'b', password: 'c' });
    const r = patchConfigText(withVar, file, b, a, { env: {} });
    assert.ok('error' in r && /"accounts" \(line 2\) uses the variable \$PW/.test(r.error), JSON.stringify(r));

    const broken = patchConfigText('port: [', file, {}, { port: 1 }, { env: {} });
    assert.ok('error' in broken && /does not parse/.test(broken.error));
  } finally {
    done();
  }
});

test('patch: duplicate and aliased entries are all replaced', () => {
  const text = 'max_conn: 5 # old\n# keep\nmax_connections: 6\nport: 4333\n';
  const before = parseConfigText(text, 'd.conf', { env: {} }).options;
  const after = { ...before, maxConnections: 7 };
  const out = ok(patchConfigText(text, 'd.conf', before, after, { env: {} }));
  assert.equal(out, 'max_connections: 7 # old\n# keep\nport: 4333\n');
  const removed = ok(patchConfigText(text, 'd.conf', before, { port: 4333 }, { env: {} }));
  assert.equal(removed, '# keep\nport: 4333\n');
});

test('contentLostByRewrite: comments, includes and variables', () => {
  assert.deepEqual(contentLostByRewrite('port: 4222\nserver_name: "a#b//c"\n'), []);
  assert.deepEqual(contentLostByRewrite(writeConfig({ serverName: '# not a comment', accounts: { A: { users: [{ user: 'u', password: '$2a$11$abc' }] } } })), []);
  assert.deepEqual(contentLostByRewrite('port: 4222 # c\n'), ['comments']);
  assert.deepEqual(contentLostByRewrite('// c\nport: 4222\n'), ['comments']);
  assert.deepEqual(contentLostByRewrite('include "x.conf"\n').sort(), ['include directives']);
  assert.deepEqual(contentLostByRewrite('P: 1\nport: $P\n'), ['$variables']);
});

test('property: random edits over a commented base text → parse(patch) is the edited model, comments kept', () => {
  fc.assert(
    fc.property(optionsArb, optionsArb, (before, after) => {
      const entries = renderTopLevel(before);
      const base = `# head\n${entries.map((e, i) => `${e.text}# c${i}\n`).join('')}# tail\n`;
      const model = parseConfigText(base, 'p.conf', { env: {} });
      assert.deepEqual(model.errors.map(formatError), [], base);
      const r = patchConfigText(base, 'p.conf', model.options, after, { env: {} });
      if ('error' in r) assert.fail(`${r.error}\n${base}`);
      const back = parseConfigText(r.text, 'p.conf', { env: {} });
      assert.deepEqual(back.errors.map(formatError), [], r.text);
      assert.deepEqual(resolveOptions(back.options), resolveOptions(after), r.text);
      for (const c of ['# head', '# tail', ...entries.map((_, i) => `# c${i}`)]) assert.ok(r.text.includes(`${c}\n`), `${c} lost:\n${r.text}`);
    }),
    { numRuns: 150 },
  );
});
