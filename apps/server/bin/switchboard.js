#!/usr/bin/env node
// The `switchboard` command. It runs the bundled build, dist/switchboard.js (made by `npm run build`);
// this small file is committed so that npm links the command at install time, before any build.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/switchboard.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('switchboard: not built yet; run `npm run build` in the repository first\n');
  process.exit(1);
}
await import(bundle.href);
