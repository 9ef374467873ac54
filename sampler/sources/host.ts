// Host CPU (busy fraction of all cores between two /proc/stat readings) and
// memory (used fraction from /proc/meminfo).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpuBusyFraction, parseMeminfo, parseProcStat, type CpuTimes } from '../proc.ts';
import { naField, toMb, type Source, type SourceResult } from '../types.ts';

const fraction = (v: number): number => Math.round(v * 10_000) / 10_000;

/** A reading at start, so the first sample already has a CPU delta; undefined off Linux (the sample says why). */
function baseline(): CpuTimes | undefined {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/** `notTarget`: why this host is not the target's (then its figures would be the load generator's, reported apart). */
export function hostSource(notTarget?: string): Source {
  let previous = baseline();
  return {
    async sample(): Promise<SourceResult> {
      if (notTarget) return { na: notTarget };
      let stat: string;
      let meminfo: string;
      try {
        [stat, meminfo] = await Promise.all([readFile('/proc/stat', 'utf8'), readFile('/proc/meminfo', 'utf8')]);
      } catch (err) {
        return { na: `no /proc/stat or /proc/meminfo on this host (${process.platform}): ${(err as Error).message}` };
      }
      const cpu = parseProcStat(stat);
      const busy = previous ? cpuBusyFraction(previous, cpu) : null;
      const why = previous ? 'no CPU time passed since the previous /proc/stat reading' : 'first /proc/stat reading, no CPU delta yet';
      previous = cpu;
      const memory = parseMeminfo(meminfo);
      return {
        cpuFraction: busy === null ? naField(why) : fraction(busy),
        memFraction: fraction(memory.usedFraction),
        memTotalMb: toMb(memory.totalKb * 1024),
        memAvailableMb: toMb(memory.availableKb * 1024),
        cores: cpu.cores,
      };
    },
  };
}
