#!/usr/bin/env node
/**
 * `npm run fuzz [-- --count N --seed S]`: the differential protocol fuzzer against a Switchboard
 * process and a nats-server 2.9.10 process (both started here, stopped by PID). Prints the counts
 * of inputs, crashes, divergences and lost canary messages; exits 1 if any is not zero.
 */
import { startProcess } from '../../test/helpers/servers.js';
import { fuzz } from './differential.js';

const argv = process.argv.slice(2);
const arg = (name: string, d: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : d;
};
const count = arg('count', 2000);
const seed = arg('seed', Date.now() % 1_000_000);

const nats = await startProcess('nats-server');
const sb = await startProcess('switchboard');
let exitCode = 0;
try {
  console.log(`fuzz: ${count} inputs, seed ${seed} (replay with --seed ${seed})`);
  const report = await fuzz(
    { name: 'nats-server', port: nats.port, alive: () => nats.proc.exitCode === null },
    { name: 'switchboard', port: sb.port, alive: () => sb.proc.exitCode === null && sb.proc.signalCode === null },
    { count, seed, every: 1000, progress: (r) => console.log(`  ${r.inputs} inputs, ${r.crashes} crashes, ${r.divergences} divergences, ${r.lost} lost`) },
  );
  for (const s of report.samples) console.log(`divergence${s.allowed ? ` (allowed: ${s.allowed})` : ''}: ${JSON.stringify(s.input)}\n  nats-server: ${JSON.stringify(s.nats)}\n  switchboard: ${JSON.stringify(s.switchboard)}`);
  console.log(`inputs: ${report.inputs}, crashes: ${report.crashes}, divergences: ${report.divergences} (+${report.allowedDivergences} allowed), lost: ${report.lost} (of ${report.canaries} canary round trips)`);
  if (report.crashes > 0 || report.divergences > 0 || report.lost > 0) exitCode = 1;
} finally {
  await sb.stop();
  await nats.stop();
}
process.exit(exitCode);
