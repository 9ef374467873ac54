// Node 20 refuses --cpu-prof in NODE_OPTIONS, and Playwright's workers only inherit NODE_OPTIONS: this preload
// profiles any Node process it is loaded into and writes <dir>/<role>-<pid>.cpuprofile when the process exits
// (process.exit included; a killed process writes nothing). Usage (bench/cpu-profile.ts reads the files):
//   CPU_PROF_DIR=/tmp/prof NODE_OPTIONS="--require ./bench/cpu-prof-preload.cjs" playwright test ...
// The in-process inspector session answers synchronously, so the profile can be taken in the 'exit' handler.
'use strict';
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.CPU_PROF_DIR;
if (dir) {
  const script = process.argv[1] ?? '';
  const role = /workerProcessEntry/.test(script)
    ? 'worker'
    : /sampler\/main/.test(script)
      ? 'sampler'
      : /playwright\/cli|\.bin\/playwright/.test(script)
        ? 'runner'
        : 'other';
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.CPU_PROF_INTERVAL_US || 1000) });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      // The sampler ticks on wall time, so on a busy machine a sample also counts the time the thread waited for a
      // core; the process's own CPU time lets the summary scale samples to CPU (an extra field, ignored by DevTools).
      const { user, system } = process.cpuUsage();
      const profile = { ...result.profile, processCpuMs: (user + system) / 1000 };
      writeFileSync(join(dir, `${role}-${process.pid}.cpuprofile`), JSON.stringify(profile));
    });
  });
}
