/**
 * `switchboard passwd`: prints a bcrypt hash (cost 11, Go's `$2a$` form, as `nats server passwd`)
 * for a config file. Prompt-free: the password comes from `--pass <pw>` or from stdin (first
 * line). `--cost N` picks another cost (4..31).
 */
import { readFileSync } from 'node:fs';
import { hashPassword, BCRYPT_COST } from '@switchboard/broker';

const USAGE = 'Usage: switchboard passwd [--pass <password>] [--cost <4..31>]   (without --pass the password is read from stdin)';

export function passwdMain(argv: string[]): number {
  let pass: string | undefined;
  let cost = BCRYPT_COST;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const value = eq >= 0 ? body.slice(eq + 1) : argv[++i];
    if ((name === 'pass' || name === 'password') && value !== undefined) pass = value;
    else if (name === 'cost' && value !== undefined && /^\d+$/.test(value)) cost = Number(value);
    else {
      process.stderr.write(`${USAGE}\n`);
      return 1;
    }
  }
  if (pass === undefined) {
    let input = '';
    try {
      input = readFileSync(0, 'utf8');
    } catch {
      input = '';
    }
    pass = input.split(/\r?\n/)[0];
  }
  if (pass === '') {
    process.stderr.write('switchboard: password can not be empty\n');
    return 1;
  }
  if (cost < 4 || cost > 31) {
    process.stderr.write('switchboard: bcrypt cost must be between 4 and 31\n');
    return 1;
  }
  process.stdout.write(`${hashPassword(pass, cost)}\n`);
  return 0;
}
