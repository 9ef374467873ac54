// Where a process's CPU went, from a V8 .cpuprofile: each sample's time is charged to the group of its top frame
// (self) and once to every group on its stack (inclusive), before and after a marker frame first runs (a worker's
// start against its flows). Pure: no I/O; bench/cpu-profile.ts reads the files and prints the table.

export interface CallFrame {
  functionName: string;
  url: string;
}
export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
/** The fields of Chrome's .cpuprofile (what `--cpu-prof` and the inspector's Profiler.stop give) that are read. */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
  /** The process's CPU ms (all threads) when it exited: bench/cpu-prof-preload.cjs adds it. */
  processCpuMs?: number;
}

const NOT_CPU = new Set(['(idle)', '(root)']);

/** Packages that count as one group: the issue names them, or they only come in together. */
const PACKAGE_GROUPS: [group: string, pattern: RegExp][] = [
  [
    'socket.io-client/engine.io',
    /^(socket\.io-client|socket\.io-parser|engine\.io-client|engine\.io-parser|@socket\.io\/.*|ws|xmlhttprequest-ssl)$/,
  ],
  ['ethers', /^(ethers|@noble\/.*|@adraffy\/.*|aes-js)$/],
  ['pg', /^(pg|pg-.*|pgpass|postgres-.*)$/],
  ['vega', /^(vega.*|d3-.*)$/],
  ['reporter: allure', /^(allure-.*|allure)$/],
  ['opentelemetry', /^@opentelemetry\/.*$/],
];

/** Playwright's own code, by the part of it that runs. */
const PLAYWRIGHT_PARTS: [group: string, pattern: RegExp][] = [
  ['TS transform (Playwright babel)', /playwright\/lib\/transform\//],
  ['reporter: $1', /playwright\/lib\/reporters\/(list|html|blob|base|json|junit|merge|multiplexer|internalReporter|teleEmitter)\.js/],
  ['IPC (Playwright process messages)', /playwright\/lib\/(common\/process|runner\/(processHost|workerHost)|common\/ipc)\.js/],
  ['Playwright worker (fixtures, steps, attachments)', /playwright\/lib\/worker\//],
  ['Playwright runner (dispatcher, tasks)', /playwright\/lib\/(runner|isomorphic)\//],
];

const MODULE_LOADING = /^node:internal\/(modules|vm)\b/;
/** Stack capture and the source-map lookups of its call sites (source-map-support, bundled in playwright-core). */
const STACKS =
  /^(wrapCallSite|captureRawStack|captureLibraryStackTrace|filteredStackTrace|prepareStackTrace|SourceMapConsumer.*|BasicSourceMapConsumer.*|mapSourcePosition|retrieveSourceMap)$/;
/** Node's internals by the subsystem the issue asks about; the rest is `node internals`. */
const NODE_PARTS: [group: string, pattern: RegExp][] = [
  ['IPC and child processes (node)', /^node:internal\/child_process/],
  ["undici (node's fetch)", /^node:internal\/deps\/undici/],
];
const NATIVE_COMPILE = new Set(['compileFunction', 'compileSourceTextModule', 'wrapSafe', 'compileForInternalLoader']);

/** The group of one frame; `root` is the suite's checkout (its files are grouped by folder, the recorder on its own). */
export function groupOf(frame: CallFrame, root: string): string {
  const { functionName, url } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return 'V8 and native (program)';
  if (NATIVE_COMPILE.has(functionName) || MODULE_LOADING.test(url)) return 'module load and compile (node)';
  if (STACKS.test(functionName)) return 'stack capture and source maps';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];
  if (pkg === 'playwright' || pkg === 'playwright-core' || pkg === '@playwright/test') {
    for (const [group, re] of PLAYWRIGHT_PARTS) {
      const m = re.exec(path);
      if (m) return group.replace('$1', m[1] ?? '');
    }
    return 'Playwright (other)';
  }
  if (pkg) return PACKAGE_GROUPS.find(([, re]) => re.test(pkg))?.[0] ?? pkg;
  if (root && path.startsWith(`${root}/`)) {
    const rel = path.slice(root.length + 1);
    if (rel === 'flow/recorder.ts') return 'suite: flow/recorder.ts';
    if (rel.startsWith('reporter/')) return 'reporter: suite (profile, allure hooks)';
    return `suite: ${rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : rel}/`;
  }
  if (url.startsWith('node:')) return NODE_PARTS.find(([, re]) => re.test(url))?.[0] ?? 'node internals';
  return url ? 'other' : 'native (no script)';
}

export interface GroupCost {
  group: string;
  selfMs: number;
  inclusiveMs: number;
}
export interface PhaseCost {
  /** CPU time: every sample but idle. */
  cpuMs: number;
  groups: GroupCost[];
}
export interface ProfileSummary {
  wallMs: number;
  /** Sampled ms × this = CPU ms: the process's CPU time over its non-idle sampled time (1 without processCpuMs). */
  cpuScale: number;
  /** When the marker first ran, ms from the profile's start; null when it never did (then all is `before`). */
  markerAtMs: number | null;
  before: PhaseCost;
  after: PhaseCost;
}

/**
 * Sample i lasts until sample i + 1 (V8 stores the delta before each sample); the last one lasts 0. Samples are
 * taken on wall time: when the profile carries the process's CPU time, every figure is scaled so that the non-idle
 * samples add up to it (time spent waiting for a core is spread evenly; threads other than the main one, such as the
 * module loader's, are charged to what the main thread did meanwhile).
 */
export function summarise(profile: CpuProfile, root: string, marker: RegExp): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = new Map<number, ProfileNode[]>();
  const stack = (id: number): ProfileNode[] => {
    const known = stackOf.get(id);
    if (known) return known;
    const node = byId.get(id);
    if (!node) throw new Error(`cpuprofile: sample names node ${id}, which is not in the profile's ${byId.size} nodes`);
    const up = parent.get(id);
    const frames = [node, ...(up === undefined ? [] : stack(up))];
    stackOf.set(id, frames);
    return frames;
  };

  const times: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) times.push((t += d));
  const markerIndex = profile.samples.findIndex((id) => stack(id).some((n) => marker.test(n.callFrame.url)));
  const phases = [new Map<string, GroupCost>(), new Map<string, GroupCost>()];
  const cpu = [0, 0];
  const cost = (m: Map<string, GroupCost>, group: string) => {
    let g = m.get(group);
    if (!g) m.set(group, (g = { group, selfMs: 0, inclusiveMs: 0 }));
    return g;
  };
  profile.samples.forEach((id, i) => {
    const frames = stack(id);
    if (NOT_CPU.has(frames[0]!.callFrame.functionName)) return;
    const ms = ((times[i + 1] ?? times[i]!) - times[i]!) / 1000;
    if (ms === 0) return;
    const p = markerIndex >= 0 && i >= markerIndex ? 1 : 0;
    cpu[p] = cpu[p]! + ms;
    cost(phases[p]!, groupOf(frames[0]!.callFrame, root)).selfMs += ms;
    const seen = new Set(frames.filter((n) => !NOT_CPU.has(n.callFrame.functionName)).map((n) => groupOf(n.callFrame, root)));
    for (const group of seen) cost(phases[p]!, group).inclusiveMs += ms;
  });
  const sampled = cpu[0]! + cpu[1]!;
  const scale = profile.processCpuMs !== undefined && sampled > 0 ? profile.processCpuMs / sampled : 1;
  const phase = (p: number): PhaseCost => ({
    cpuMs: cpu[p]! * scale,
    groups: [...phases[p]!.values()]
      .map((g) => ({ group: g.group, selfMs: g.selfMs * scale, inclusiveMs: g.inclusiveMs * scale }))
      .sort((a, b) => b.selfMs - a.selfMs),
  });
  return {
    wallMs: (profile.endTime - profile.startTime) / 1000,
    cpuScale: scale,
    markerAtMs: markerIndex >= 0 ? (times[markerIndex]! - profile.startTime) / 1000 : null,
    before: phase(0),
    after: phase(1),
  };
}
