#!/usr/bin/env node
// `npm run bench`: the main bench (scripts/bench/bench.mjs, which takes the command-line options)
// then the monitoring-canary row (scripts/bench/monitor-canary.mjs, which takes none). npm appends
// `-- options` to the end of a script line, so the two are run from here to give the options to
// the main bench.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const args = process.argv.slice(2);
const main = spawnSync(process.execPath, [here('./bench.mjs'), ...args], { stdio: 'inherit' });
if (args.includes('--help') || args.includes('-h')) process.exit(main.status ?? 1);
const canary = spawnSync(process.execPath, [here('./monitor-canary.mjs')], { stdio: 'inherit' });
process.exit(main.status || canary.status || 0);
