// The role of each process of a watched Playwright run, from its command line
// and its ancestors': the sandbox (started by the webServer), a Playwright
// worker, the infrastructure sampler, or the runner itself. (Flow failures are
// classified elsewhere: config/classify.ts.)
import type { Proc } from './proc.ts';

export type Role = 'runner' | 'worker' | 'sampler' | 'sandbox';

/** Sandbox components by command line; anything else under the launcher is `launcher`. */
const COMPONENTS: [name: string, pattern: RegExp][] = [
  ['backend', /sandbox\/src\/server\/main\.ts/],
  ['scanner', /sandbox\/src\/scanner\/main\.ts/],
  ['chain', /sandbox\/src\/chain\/node\.ts/],
  ['postgres', /sandbox\/src\/db\/postgres-main\.ts|\/postgres\b|^postgres:/],
];

const isLauncher = (cmd: string) => /sandbox\/src\/launcher\/cli\.ts/.test(cmd);
export const isWorker = (cmd: string): boolean => /playwright\/lib\/worker\/workerProcessEntry\.js/.test(cmd);
const isSampler = (cmd: string) => /sampler\/main\.ts/.test(cmd);

export interface Classified {
  proc: Proc;
  role: Role;
  /** For sandbox processes: backend, scanner, chain, postgres or launcher. */
  component: string | null;
}

export function classify(procs: ReadonlyMap<number, Proc>): Classified[] {
  const memo = new Map<number, Classified>();
  const of = (proc: Proc): Classified => {
    const known = memo.get(proc.pid);
    if (known) return known;
    const parent = procs.get(proc.ppid);
    const up = parent && parent.pid !== proc.pid ? of(parent) : null;
    let result: Classified;
    if (up?.role === 'sandbox') {
      const own = COMPONENTS.find(([, re]) => re.test(proc.cmd))?.[0];
      result = { proc, role: 'sandbox', component: own ?? (up.component === 'launcher' ? 'launcher' : up.component) };
    } else if (isLauncher(proc.cmd)) {
      result = { proc, role: 'sandbox', component: 'launcher' };
    } else if (isWorker(proc.cmd)) result = { proc, role: 'worker', component: null };
    else if (isSampler(proc.cmd)) result = { proc, role: 'sampler', component: null };
    else result = { proc, role: up?.role === 'worker' || up?.role === 'sampler' ? up.role : 'runner', component: null };
    memo.set(proc.pid, result);
    return result;
  };
  return [...procs.values()].map(of);
}
