import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// The server's CPU time and memory, read from /proc (works for any local server: FreeRADIUS, node, ...).

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime and stime of every thread of the process, in seconds (/proc/<pid>/stat fields 14 and 15). */
export function processCpu(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // The command name (field 2) may contain spaces and parentheses: split after its closing ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / clockTicks(), system: Number(fields[12]) / clockTicks() };
}

/** VmRSS and VmHWM (peak RSS) in MiB. */
export function processMemoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: Math.round(kib('VmRSS') / 102.4) / 10, peak: Math.round(kib('VmHWM') / 102.4) / 10 };
}

/** This process's own CPU seconds (user + system). */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
