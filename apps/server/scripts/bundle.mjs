#!/usr/bin/env node
// Builds the `switchboard` command as one file, dist/switchboard.js: the tsc output (dist/cli.js)
// bundled with the workspace packages and every pure-JS dependency, so an installed package needs
// no workspace and no dev dependency. Beside it, dist/bcrypt-worker.js: the broker's bcrypt worker
// thread (it runs in its own thread, so it is its own file; the pool looks for it there). Packages listed in this app's "dependencies" (better-sqlite3,
// native) stay outside the bundle and are installed with the package; everything the bundle
// takes in is a devDependency (or a workspace package). The locked versions are the ones shipped.
//
//   node scripts/bundle.mjs            the bundle (run by `npm run build` after tsc and the web build)
//   node scripts/bundle.mjs --pack     prepack: the bundle again, and the web build copied to web/
//   node scripts/bundle.mjs --unpack   postpack: web/ removed again
//
// Files are replaced by rename, so a process starting during a rebuild sees the old or the new
// file, never half of one.
import { build } from 'esbuild';
import { chmodSync, cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(app, '..', '..');
const mode = process.argv[2] ?? '';
const webBuild = join(root, 'apps', 'web', 'dist');
const packedWeb = join(app, 'web');

function fail(msg) {
  process.stderr.write(`bundle: ${msg}\n`);
  process.exit(1);
}

if (mode === '--unpack') {
  rmSync(packedWeb, { recursive: true, force: true });
  process.exit(0);
}
if (mode !== '' && mode !== '--pack') fail(`unknown option ${mode}`);

const entry = join(app, 'dist', 'cli.js');
if (!existsSync(entry)) fail('apps/server/dist/cli.js is missing: run `npm run build` at the repository root first');
if (mode === '--pack' && !existsSync(join(webBuild, 'index.html'))) fail('apps/web/dist is missing: run `npm run build` at the repository root first');

const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
const external = Object.keys(pkg.dependencies ?? {});
const out = join(app, 'dist', 'switchboard.js');
const tmp = `${out}.${process.pid}.tmp`;

// CommonJS dependencies call require() for Node's built-ins; an ES module has none, so give it one.
const banner = "import { createRequire as __switchboardCreateRequire } from 'node:module';\nconst require = __switchboardCreateRequire(import.meta.url);";
const result = await build({
  entryPoints: [entry],
  outfile: tmp,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  banner: { js: banner },
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

// The licences of what the bundle took in, as their licences ask when redistributed.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  // The innermost node_modules/<name> of each input file is the package it belongs to.
  const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
  if (m && !packages.has(m[2])) packages.set(m[2], join(process.cwd(), m[1]));
}
const notices = [];
for (const [name, dir] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
  const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const licenceFile = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE', 'license.md'].map((f) => join(dir, f)).find(existsSync);
  notices.push(`${name}@${meta.version} (${meta.license ?? 'see package'})\n\n${licenceFile ? readFileSync(licenceFile, 'utf8').trim() : `No licence file shipped; package.json says: ${meta.license ?? 'nothing'}`}\n`);
}
const licences = join(app, 'dist', 'THIRD-PARTY-LICENSES.txt');
writeFileSync(`${licences}.${process.pid}.tmp`, `Third-party packages bundled in dist/switchboard.js\n\n${notices.join(`\n${'-'.repeat(72)}\n\n`)}`);
renameSync(`${licences}.${process.pid}.tmp`, licences);

// The bcrypt pool's worker thread, bundled with bcryptjs (already in the licences above).
const workerOut = join(app, 'dist', 'bcrypt-worker.js');
await build({
  entryPoints: [join(root, 'packages', 'broker', 'dist', 'auth', 'bcrypt-worker.js')],
  outfile: `${workerOut}.${process.pid}.tmp`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: banner },
  legalComments: 'none',
  logLevel: 'warning',
});
renameSync(`${workerOut}.${process.pid}.tmp`, workerOut);

// Non-ASCII characters survive in comments and regular expressions (esbuild escapes them in
// strings only). One of them makes V8 hold the whole multi-megabyte source as a two-byte string;
// as \u escapes the source stays one byte per character (≈ 4.7 MB less resident). A \u escape
// means the same character in a regular expression and is plain text in a comment.
writeFileSync(tmp, readFileSync(tmp, 'utf8').replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
chmodSync(tmp, 0o755);
renameSync(tmp, out);
// `node dist/cli.js` and `./dist/cli.js` both work in a checkout (the tsc output keeps the shebang).
chmodSync(entry, 0o755);

if (mode === '--pack') {
  const staging = `${packedWeb}.${process.pid}.tmp`;
  // Source maps stay out of the package (a third of its size); the checkout keeps them.
  cpSync(webBuild, staging, { recursive: true, filter: (src) => !src.endsWith('.map') });
  rmSync(packedWeb, { recursive: true, force: true });
  renameSync(staging, packedWeb);
}

const size = (readFileSync(out).length / 1024).toFixed(0);
console.error(`bundle: ${relative(root, out)} (${size} KiB, ${packages.size} packages inlined; external: ${external.join(', ') || 'none'})${mode === '--pack' ? `; web build copied to ${relative(root, packedWeb)}` : ''}`);
