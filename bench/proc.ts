/** Linux /proc readings: RSS, peak RSS and CPU time of a set of processes. */
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Direct children of a process. */
export function childPids(parent: number): number[] {
  return allPids().filter((pid) => {
    const stat = read(`/proc/${pid}/stat`);
    return (
      stat !== undefined && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent
    );
  });
}

/** Processes whose command line (process title) matches. */
export function pidsMatching(pattern: string): number[] {
  const regex = new RegExp(pattern);
  return allPids().filter((pid) =>
    regex.test((read(`/proc/${pid}/cmdline`) ?? '').replace(/\0/g, ' ')),
  );
}

/** user + system CPU milliseconds, or undefined when the process is gone. */
export function cpuMs(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11] and fields[12] are utime and stime (fields 14 and 15 of stat(5)).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** VmRSS or VmHWM (peak) in MB. */
export function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  const status = read(`/proc/${pid}/status`);
  const match = status && new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return match ? Number(match[1]) / 1024 : undefined;
}

/** CPU and memory of a few process groups during one scenario. */
export class ResourceProbe {
  private readonly startCpu = new Map<number, number>();
  private readonly benchStart = process.cpuUsage();
  private peakRssMb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly appPid: number | undefined,
    private readonly dbPids: () => number[],
  ) {
    for (const pid of this.tracked()) this.startCpu.set(pid, cpuMs(pid) ?? 0);
    this.timer = setInterval(() => this.sampleRss(), 100);
    this.sampleRss();
  }

  stop(): { appCpuMs: number; dbCpuMs: number; benchCpuMs: number; appPeakRssMb: number } {
    clearInterval(this.timer);
    this.sampleRss();
    const used = (pid: number) => Math.max(0, (cpuMs(pid) ?? 0) - (this.startCpu.get(pid) ?? 0));
    const bench = process.cpuUsage(this.benchStart);
    return {
      appCpuMs: this.appPid ? used(this.appPid) : 0,
      dbCpuMs: this.dbPids().reduce((total, pid) => total + used(pid), 0),
      benchCpuMs: (bench.user + bench.system) / 1000,
      appPeakRssMb: this.peakRssMb,
    };
  }

  private tracked(): number[] {
    return [...(this.appPid ? [this.appPid] : []), ...this.dbPids()];
  }

  private sampleRss(): void {
    if (!this.appPid) return;
    this.peakRssMb = Math.max(this.peakRssMb, memoryMb(this.appPid, 'VmRSS') ?? 0);
  }
}
