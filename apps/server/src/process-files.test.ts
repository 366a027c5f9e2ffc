import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { commandName, portsFilePath, runsCommand } from './process-files.js';

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

test('--signal finds servers run as switchboard, or by the name it was itself invoked by, and skips signal senders', () => {
  // argv as read from /proc/<pid>/cmdline: NUL-separated, so it ends with an empty field.
  assert.ok(runsCommand(['node', '/repo/node_modules/.bin/switchboard', '-p', '-1', ''], 'switchboard'));
  assert.ok(runsCommand(['node', '/repo/apps/server/bin/switchboard.js', '-c', 's.conf', ''], 'switchboard'));
  assert.ok(runsCommand(['/usr/bin/node', '/repo/apps/server/dist/cli.js', ''], 'cli'));
  assert.ok(runsCommand(['node', '/home/me/bin/nats-server', '-c', 's.conf', ''], 'nats-server'));
  assert.ok(runsCommand(['/usr/sbin/nats-server', '-p', '4222', ''], 'nats-server'));
  // Not a server: other programs, npm's own process (one retitled field), signal senders.
  assert.ok(!runsCommand(['bash', '-l', ''], 'switchboard'));
  assert.ok(!runsCommand(['/usr/sbin/nats-server', '-p', '4222', ''], 'switchboard'));
  assert.ok(!runsCommand(['npm exec switchboard -c s.conf', '', '', ''], 'switchboard'));
  assert.ok(!runsCommand(['node', '/repo/node_modules/.bin/switchboard', '--signal', 'reload', ''], 'switchboard'));
  assert.ok(!runsCommand(['node', '/x/other/cli.js', ''], 'cli'));
});
