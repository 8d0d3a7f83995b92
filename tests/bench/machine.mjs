// What the machine and a process did during a benchmark phase, from /proc: the figures of a shared 2-vCPU VM
// only mean something beside how busy it was and how much CPU the hypervisor gave to others (steal).
import { readFileSync } from 'node:fs';

// Linux reports /proc times in clock ticks of 1/100 s on every architecture we run on.
const CLK_TCK = 100;

/** The machine's CPU time so far (all cores), its idle part, and the part the hypervisor took (steal), in ticks. */
export function machineTicks() {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = f.slice(0, 8).map(Number);
  return { total: n.reduce((a, b) => a + b, 0), steal: n[7], idle: n[3] + n[4] };
}

/** Idle and steal as percentages of the machine's time between two machineTicks() readings. */
export function machineShares(before, after) {
  const total = after.total - before.total || 1;
  return {
    idlePct: Math.round(((after.idle - before.idle) / total) * 100),
    stealPct: Math.round(((after.steal - before.steal) / total) * 100),
  };
}

/** CPU seconds (user + system) a process has used so far (0 when it is gone). */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}
