import { availableParallelism } from 'node:os';

/** Process resource usage as /varz and STATSZ report it: RSS bytes and CPU percent. */
export interface ProcessUsage {
  mem: number;
  cpu: number;
  cores: number;
}

let lastWall = performance.now();
let lastCpu = process.cpuUsage();
let lastPercent = 0;

/**
 * CPU percent over the time since the previous sample (sampled at most once a second, like
 * nats-server's pse which reports a rolling figure), RSS in bytes, cores of this machine.
 */
export function processUsage(): ProcessUsage {
  const now = performance.now();
  const elapsed = now - lastWall;
  if (elapsed >= 1000) {
    const cpu = process.cpuUsage();
    const used = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    lastPercent = Math.round((used / elapsed) * 1000) / 10;
    lastWall = now;
    lastCpu = cpu;
  }
  return { mem: residentMemory(), cpu: lastPercent, cores: availableParallelism() };
}

let lastRss = 0;

/**
 * RSS in bytes. Reading it opens /proc/self/stat, which fails with EMFILE when the process is
 * out of file descriptors: then the last figure is reported (a sample must never throw).
 */
function residentMemory(): number {
  try {
    lastRss = process.memoryUsage.rss();
  } catch {
    // keep the last figure
  }
  return lastRss;
}
