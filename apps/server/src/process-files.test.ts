import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { commandName, portsFilePath } from './process-files.js';

test('the command name is the base name it was invoked by, symlinks unresolved and .js dropped, as nats-server takes argv[0]', () => {
  assert.equal(commandName('/usr/local/bin/nats-server'), 'nats-server');
  assert.equal(commandName('/prefix/bin/switchboard'), 'switchboard');
  assert.equal(commandName('/repo/node_modules/.bin/switchboard'), 'switchboard');
  assert.equal(commandName('/repo/apps/server/bin/switchboard.js'), 'switchboard');
  assert.equal(commandName('/repo/apps/server/dist/cli.js'), 'cli');
  assert.equal(commandName('tool.mjs'), 'tool');
  assert.equal(commandName('tool.cjs'), 'tool');
  assert.equal(commandName(''), 'switchboard');
});

test('the ports file is <command name>_<pid>.ports in the given directory', () => {
  const want = join('/tmp/ports', `${commandName()}_${process.pid}.ports`);
  assert.equal(portsFilePath('/tmp/ports'), want);
});
