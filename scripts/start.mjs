#!/usr/bin/env node
// `npm start`: runs Switchboard from data/switchboard.conf, creating it from the embedded default
// configuration on the first start. Extra arguments go to the switchboard command (`npm start -- -D`).
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dataDir = process.env.SWITCHBOARD_DATA_DIR ?? join(process.cwd(), 'data');
const conf = join(dataDir, 'switchboard.conf');
// The data directory holds the console's state and config revisions with their secrets: owner only.
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
if (!existsSync(conf)) {
  copyFileSync(join(root, 'apps/server/conf/default.conf'), conf);
  chmodSync(conf, 0o600);
  console.log(`Wrote the default configuration to ${conf}`);
}
// --max-semi-space-size=2: V8's young generation stays at 2 MiB semi-spaces instead of growing
// to 16 MiB while the modules load; ~12 MB less RSS for ~1 % more GC time (docs/perf/issue-11.md).
const child = spawn(process.execPath, ['--max-semi-space-size=2', join(root, 'apps/server/bin/switchboard.js'), '-c', conf, '--data_dir', dataDir, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
