import { existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Makes sure the CLI and the web build exist (the test runner builds them; a lone `npx playwright test` may not have). */
export default function globalSetup(): void {
  mkdirSync(join(root, 'test-results', 'screenshots'), { recursive: true });
  const cli = join(root, 'apps/server/dist/cli.js');
  const web = join(root, 'apps/web/dist/index.html');
  if (!existsSync(cli)) {
    const r = spawnSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('tsc -b failed');
  }
  if (!existsSync(web)) {
    const r = spawnSync('npm', ['run', 'build', '-w', 'apps/web'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('web build failed');
  }
}
