// What the bench has running (Playwright runs, an in-process sandbox) is
// stopped on Ctrl-C or SIGTERM before the bench exits.
const stoppers = new Set<() => Promise<void>>();
let installed = false;

export const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

/** Registers a stopper; call the returned function once the thing has stopped by itself. */
export function onInterrupt(stop: () => Promise<void>): () => void {
  if (!installed) {
    installed = true;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        log(`${signal}: stopping ${stoppers.size} running part(s)`);
        void Promise.allSettled([...stoppers].map((s) => s())).finally(() => process.exit(130));
      });
    }
  }
  stoppers.add(stop);
  return () => void stoppers.delete(stop);
}
