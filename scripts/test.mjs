#!/usr/bin/env node
// Runs the whole test suite: type-check/build, the import-graph check, node's test runner over every *.test.ts,
// then the Playwright browser tests when present. Ends with one line `N passed, M failed`.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('-'));
const skipE2E = args.includes('--no-e2e') || only.length > 0;

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

let passed = 0;
let failed = 0;

const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('type-check/build failed');
  failed += 1;
}
// Tests are TypeScript too: type-check them (they run through tsx, which does not).
const typecheck = spawnSync('npx', ['tsc', '-p', 'tsconfig.test.json'], { cwd: root, stdio: 'inherit' });
if (typecheck.status !== 0) {
  console.error('type-check of the tests failed');
  failed += 1;
}

// The import graph (layers, no circles; scripts/check-imports.mjs): one test, pass or fail.
if (!only.length || only.some((o) => o.includes('import'))) {
  const imports = spawnSync(process.execPath, [join(root, 'scripts', 'check-imports.mjs')], { cwd: root, stdio: 'inherit' });
  if (imports.status === 0) passed += 1;
  else {
    console.error('import graph check failed');
    failed += 1;
  }
}

const dirs = ['packages', 'apps', 'test'].map((d) => join(root, d)).filter(existsSync);
// apps/web's unit tests run under vitest (below), not node's runner.
let files = dirs.flatMap((d) => findTests(d)).filter((f) => !f.includes('/e2e/') && !f.includes('/apps/web/'));
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
files.sort();

if (files.length) {
  const tapFile = join(mkdtempSync(join(tmpdir(), 'sb-test-')), 'report.tap');
  const run = spawnSync(
    process.execPath,
    [
      '--import', 'tsx',
      '--test',
      '--test-concurrency=2',
      // Generous: on a loaded 2-core machine a file of server processes can take minutes.
      '--test-timeout=300000',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
      ...files,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const p = /^# pass (\d+)$/m.exec(tap);
  const f = /^# fail (\d+)$/m.exec(tap);
  const c = /^# cancelled (\d+)$/m.exec(tap);
  if (p) passed += Number(p[1]);
  if (f) failed += Number(f[1]);
  if (c) failed += Number(c[1]);
  if (!p && run.status !== 0) failed += 1;
  console.log(`node test runner: ${p ? p[1] : 0} passed, ${f ? f[1] : '?'} failed`);
}

// The web app's unit tests (vitest, jsdom where a test asks for it).
const webDir = join(root, 'apps', 'web');
if (existsSync(join(webDir, 'vite.config.ts')) && (!only.length || only.some((o) => o.includes('web')))) {
  const jsonFile = join(mkdtempSync(join(tmpdir(), 'sb-vitest-')), 'report.json');
  const run = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`], {
    cwd: webDir,
    stdio: 'inherit',
  });
  try {
    const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
    passed += report.numPassedTests ?? 0;
    // A failing file that ran no test (e.g. an import error) counts once; otherwise count tests.
    const failedTests = report.numFailedTests ?? 0;
    failed += failedTests > 0 ? failedTests : (report.numFailedTestSuites ?? 0);
    console.log(`vitest: ${report.numPassedTests ?? 0} passed, ${report.numFailedTests ?? 0} failed`);
  } catch {
    failed += 1;
    console.log(`vitest: no report (exit ${run.status})`);
  }
}

if (!skipE2E && existsSync(join(root, 'playwright.config.ts')) && existsSync(join(root, 'e2e'))) {
  const jsonFile = join(mkdtempSync(join(tmpdir(), 'sb-e2e-')), 'report.json');
  const run = spawnSync('npx', ['playwright', 'test', '--reporter=list,json'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: jsonFile },
  });
  try {
    const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
    const s = report.stats ?? {};
    passed += (s.expected ?? 0) + (s.flaky ?? 0);
    failed += s.unexpected ?? 0;
    console.log(`playwright: ${(s.expected ?? 0) + (s.flaky ?? 0)} passed, ${s.unexpected ?? 0} failed`);
  } catch {
    failed += 1;
    console.log(`playwright: no report (exit ${run.status})`);
  }
  if (run.status !== 0 && failed === 0) failed += 1;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
