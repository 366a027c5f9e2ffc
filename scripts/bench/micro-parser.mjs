#!/usr/bin/env node
// Parser micro-bench (issue 11): PUB frames fed to a client Parser in ~64 KiB reads cut at shifting
// boundaries (split op names, lines and payloads included); prints CPU ns per message.
// node scripts/bench/micro-parser.mjs [CHECKOUT_DIR] [SIZE] [SUBJECT] [COUNT]   (after a build)
const dir = process.argv[2] || new URL("../..", import.meta.url).pathname;
const { Parser } = await import(`${dir}/packages/broker/dist/protocol/parser.js`);
const { CLIENT_OPS } = await import(`${dir}/packages/broker/dist/protocol/client-ops.js`);
const size = Number(process.argv[3] ?? 16);
const subj = process.argv[4] ?? 'benchmark.pub.1';
let n = 0, bytes = 0;
const h = {
  onAuthBypass: () => true,
  onMsg(subject, reply, hdr, buf, s, e) { n++; bytes += e - s; },
  onPing() {}, onPong() {}, onConnect() {}, onInfo() {}, onErr() {}, onOk() {}, onSub() {}, onUnsub() {},
};
const p = new Parser(h, CLIENT_OPS);
const frame = Buffer.concat([Buffer.from(`PUB ${subj} ${size}\r\n`), Buffer.alloc(size, 97), Buffer.from('\r\n')]);
const per = Math.ceil(4 * 65536 / frame.length);
const stream = Buffer.concat(Array(per).fill(frame));
const READ = Buffer.allocUnsafe(65536);
const total = Number(process.argv[5] ?? 3e6);
let off = 0, cut = 65536 - 7;
function run(msgs) {
  n = 0;
  const target = msgs;
  while (n < target) {
    let len = Math.min(cut, stream.length - off);
    stream.copy(READ, 0, off, off + len);
    p.parse(READ.subarray(0, len));
    off += len; if (off >= stream.length) off = 0;
    cut = 65536 - ((cut * 31 + 17) % 4000);
  }
}
run(total / 5);
const t0 = process.cpuUsage(); const w0 = process.hrtime.bigint();
run(total);
const cu = process.cpuUsage(t0); const w = Number(process.hrtime.bigint() - w0);
console.log(`size ${size}: ${(1000 * (cu.user + cu.system) / n).toFixed(1)} cpu ns/msg, ${(w / n).toFixed(1)} wall ns/msg (${n} msgs)`);
