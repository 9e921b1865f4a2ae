import fs from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux for all common architectures). */
const TICK_MS = 10;

export interface CpuSnapshot {
  /** Time since boot all CPUs spent busy (not idle, waiting for I/O or stolen), ms. */
  machineBusyMs: number;
  /**
   * Time since boot the hypervisor gave this virtual machine's CPUs to others while they had work (steal), ms: on a
   * shared host it comes and goes, and a phase that loses more of it runs slower for that alone, so it is reported.
   */
  machineStealMs: number;
  /** Time since boot all CPUs spent in any state, ms. */
  machineTotalMs: number;
  /**
   * Each live process named `name`, by pid: its CPU time (with its threads), ms, and its title (its command line:
   * PostgreSQL names its role there, e.g. "postgres: walwriter").
   */
  processes: Map<number, { ms: number; title: string }>;
}

/** A reading of /proc: the machine's CPU time, and that of the processes named `name` (for example `postgres`; none without a name). */
export function cpuSnapshot(name?: string): CpuSnapshot {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest times are already in user).
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
  const busy = user + nice + system + irq + softirq;
  const processes = new Map<number, { ms: number; title: string }>();
  for (const pid of name === undefined ? [] : fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const close = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, close) !== name) continue;
    // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
    const fields = stat.slice(close + 2).split(' ');
    let title = name;
    try {
      title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    } catch {
      // gone meanwhile: its CPU time above still counts
    }
    processes.set(Number(pid), { ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS, title });
  }
  return { machineBusyMs: busy * TICK_MS, machineStealMs: steal * TICK_MS, machineTotalMs: (busy + idle + iowait + steal) * TICK_MS, processes };
}

/**
 * What happened between two snapshots: busy and stolen shares of all CPUs (0–1), busy ms, and the CPU ms of the named processes
 * alive at the second (a process that exited in between, such as an autovacuum worker, is not counted).
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot) {
  const total = after.machineTotalMs - before.machineTotalMs;
  const busyMs = after.machineBusyMs - before.machineBusyMs;
  let processesMs = 0;
  /** By role: the title's words before any address or database name (PostgreSQL: "walwriter", "autovacuum worker", a backend's user). */
  const byRole = new Map<string, number>();
  for (const [pid, { ms, title }] of after.processes) {
    const spent = ms - (before.processes.get(pid)?.ms ?? 0);
    processesMs += spent;
    const role = title.replace(/^postgres: /, '').replace(/\s*\d+\.\d+\.\d+\.\d+.*$/, '').replace(/^(\w+) \w+$/, 'backend $1');
    byRole.set(role, (byRole.get(role) ?? 0) + spent);
  }
  const stealMs = after.machineStealMs - before.machineStealMs;
  return { busyShare: total > 0 ? busyMs / total : NaN, stealShare: total > 0 ? stealMs / total : NaN, busyMs, processesMs, byRole };
}
