/**
 * What the machine was doing while a suite ran. It is shared and noisy, so
 * every suite reports ratios within one run; this says how noisy it was.
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface MachineState {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  freeMemoryGiB: number;
  /** 1-, 5- and 15-minute load averages at the start of the suite. */
  loadAtStart: number[];
  loadAtEnd?: number[];
  /** Share of CPU time (all cores) that was busy while the suite ran, 0–1. */
  busyShare?: number;
}

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, idle, irq } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + idle + irq;
  }
  return { busy, total };
}

/** Starts watching; the returned function gives the state over the span since. */
export function watchMachine(): () => MachineState {
  const start = cpuTimes();
  const state: MachineState = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 1024 ** 3) * 10) / 10,
    loadAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  };
  return () => {
    const end = cpuTimes();
    return {
      ...state,
      loadAtEnd: loadavg().map((value) => Math.round(value * 100) / 100),
      busyShare: Math.round(((end.busy - start.busy) / Math.max(1, end.total - start.total)) * 1000) / 1000,
    };
  };
}

export function describeMachine(state: MachineState): string {
  const parts = [
    `${state.cpus} CPUs (${state.cpuModel.trim()})`,
    `${state.memoryGiB} GiB memory`,
    `load ${state.loadAtStart.join(' / ')} at start`,
  ];
  if (state.loadAtEnd) parts.push(`${state.loadAtEnd.join(' / ')} at end`);
  if (state.busyShare !== undefined) parts.push(`CPUs ${Math.round(state.busyShare * 100)}% busy during the suite`);
  return parts.join('; ');
}
