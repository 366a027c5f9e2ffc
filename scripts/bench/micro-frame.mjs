#!/usr/bin/env node
// Outbound.frame micro-bench (issue 11): one message framed for 16 subscribers, flushed to a sink
// every 64 messages; prints CPU ns per frame.
// node scripts/bench/micro-frame.mjs [CHECKOUT_DIR] [SIZE] [SUBJECT] [COUNT]   (after a build)
const dir = process.argv[2] || new URL("../..", import.meta.url).pathname;
const size = Number(process.argv[3] ?? 16);
const subj = process.argv[4] ?? 'benchmark.fanout.1';
const total = Number(process.argv[5] ?? 4e6);
const { Outbound } = await import(`${dir}/packages/broker/dist/core/outbound.js`);
const outs = Array.from({ length: 16 }, () => new Outbound());
const sids = outs.map((_, i) => String(i + 1));
const payload = Buffer.alloc(size + 100, 97);
const sink = { cork() {}, uncork() {}, write(b, cb) { cb(); return true; } };
function run(n) {
  for (let m = 0; m < n; m += 16) {
    for (let k = 0; k < 16; k++) outs[k].frame(false, subj, sids[k], '', -1, payload, 50, 50 + size);
    if ((m & 1023) === 0) for (const o of outs) o.writeTo(sink);
  }
}
run(total / 4);
const t0 = process.cpuUsage();
run(total);
const cu = process.cpuUsage(t0);
console.log(`size ${size}: ${(1000 * (cu.user + cu.system) / total).toFixed(1)} cpu ns/frame`);
