#!/usr/bin/env node
// The import-graph check of `npm test` (after a build): dependency-cruiser with the layer rules
// of .dependency-cruiser.cjs over packages/ and apps/*/src, type-only imports included; the
// contracts module must compile to nothing (types only); and the rules must still bite: a
// fixture tree that breaks each rule once must be reported for each of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const options = await extractDepcruiseOptions(join(root, '.dependency-cruiser.cjs'));
const ruleNames = options.ruleSet.forbidden.map((r) => r.name);
const problems = [];

async function violations(paths, baseDir) {
  const r = await cruise(paths, { ...options, validate: true, outputType: 'json', ...(baseDir ? { baseDir } : {}) });
  const out = typeof r.output === 'string' ? JSON.parse(r.output) : r.output;
  return { summary: out.summary, unresolved: out.modules.flatMap((m) => m.dependencies.filter((d) => d.couldNotResolve).map((d) => `${m.source} → ${d.module}`)) };
}

// 1. The real tree.
const real = await violations(['packages/shared/src', 'packages/broker/src', 'apps/server/src', 'apps/web/src']);
for (const v of real.summary.violations) {
  const via = v.cycle ? v.cycle.map((c) => c.name ?? c).join(' → ') : v.to;
  problems.push(`${v.rule.name}: ${v.from} → ${via}`);
}
// An import that does not resolve is an edge the rules never see.
for (const u of real.unresolved) problems.push(`unresolved import (build first?): ${u}`);

// 2. Contracts are types only: the compiled module has no code.
const contractsJs = join(root, 'packages/broker/dist/contracts/index.js');
const code = readFileSync(contractsJs, 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '').trim();
if (code !== 'export {};') problems.push(`contracts emit runtime code: ${contractsJs}`);

// 3. Every rule still matches something.
const fixture = join(root, 'test/fixtures/import-layers');
const bad = await violations(['packages', 'apps'], fixture);
const fired = new Set(bad.summary.violations.map((v) => v.rule.name));
for (const name of ruleNames) if (!fired.has(name)) problems.push(`rule "${name}" no longer reports the fixture's violation`);

console.log(`import graph: ${real.summary.totalCruised} modules, ${real.summary.totalDependenciesCruised} dependencies (type-only included), ${ruleNames.length} rules, each shown to fire on test/fixtures/import-layers`);
if (problems.length > 0) {
  for (const p of problems) console.log(`  ✖ ${p}`);
  process.exit(1);
}
console.log('  ✔ no import circle, every layer rule holds, contracts are types only');
