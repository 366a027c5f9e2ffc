/*
 * A console that dies by SIGKILL in the middle of a config write (for the crash test):
 * argv = <conf file> <data dir> <when: before-write | after-write>. It logs in as admin, PUTs a
 * config with one more line, and kills itself in the file write, before or after the file is on
 * disk. Prints nothing; the parent inspects the state it leaves.
 */
import { readFileSync } from 'node:fs';
import { Logger, createServer, loadConfigFile } from '@switchboard/broker';
import { buildConsole } from '../../apps/server/src/console/index.js';
import { atomicWrite } from '../../apps/server/src/console/config-store.js';
import { ORIGIN, login } from './console.js';

const [file, dataDir, when] = process.argv.slice(2);
const server = createServer(loadConfigFile(file).options, { logger: new Logger({ sink: () => {} }), configFile: file });
await server.start();
const app = await buildConsole({ server, dataDir, adminPassword: 'secret', print: () => {}, sampleStats: false });
const cookie = await login(app, 'admin', 'secret');
const rev = (await app.inject({ url: '/api/config', headers: { cookie } })).json().revision as string;
app.consoleContext.config.writeFile = (path, text) => {
  if (when === 'after-write') atomicWrite(path, text);
  process.kill(process.pid, 'SIGKILL');
};
await app.inject({ method: 'PUT', url: '/api/config', headers: { ...ORIGIN, cookie, 'if-match': rev }, payload: { text: `${readFileSync(file, 'utf8')}max_payload: 4096\n`, comment: 'smaller payloads' } });
console.error('not killed');
process.exit(2);
