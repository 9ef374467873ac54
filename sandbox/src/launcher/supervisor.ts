// Supervises one component process: starts it, waits for its ready message,
// restarts it when it dies unexpectedly, and stops it by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ComponentState } from '../../../contract/http.ts';

const TSX = import.meta.resolve('tsx');

export interface ComponentSpec {
  name: string;
  /** Entry file, relative to sandbox/src. */
  entry: string;
  env: NodeJS.ProcessEnv;
  /** Restart on unexpected exit (the chain is not: its state would be gone). */
  restart: boolean;
  readyTimeoutMs?: number;
  log: (line: string) => void;
}

export class Component {
  child?: ChildProcess;
  url?: string;
  restarts = 0;
  state: ComponentState['state'] = 'starting';
  /** The PID doing the work, when the component reports one (the postmaster for Postgres). */
  private servicePid?: number;
  private stopping = false;
  onChange?: () => void;
  /** Env added after the first start (e.g. the port to keep across restarts). */
  stickyEnv: NodeJS.ProcessEnv = {};

  constructor(private readonly spec: ComponentSpec) {}

  get name(): string {
    return this.spec.name;
  }

  describe(): ComponentState {
    return { name: this.name, state: this.state, restarts: this.restarts, pid: this.servicePid ?? this.child?.pid ?? null };
  }

  send(message: unknown): void {
    if (this.child?.connected) this.child.send(message as object);
  }

  start(): Promise<string> {
    const { name, entry, env, log } = this.spec;
    const file = fileURLToPath(new URL(`../${entry}`, import.meta.url));
    const child = spawn(process.execPath, ['--import', TSX, file], {
      env: { ...process.env, ...env, ...this.stickyEnv },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Own process group: a terminal's Ctrl-C reaches the launcher only, which
      // stops components in order; a dead launcher is noticed through the IPC channel.
      detached: true,
    });
    this.child = child;
    this.state = 'starting';
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffer = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) if (line.trim()) log(`[${name}] ${line}`);
      });
    }
    return new Promise((resolve, reject) => {
      const timeoutMs = this.spec.readyTimeoutMs ?? 30_000;
      const timer = setTimeout(() => {
        reject(new Error(`${name} did not report ready within ${timeoutMs} ms`));
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('message', (msg: { type?: string; url?: string; pid?: number }) => {
        if (msg?.type !== 'ready' || !msg.url) return;
        clearTimeout(timer);
        this.url = msg.url;
        this.servicePid = msg.pid;
        this.state = 'up';
        this.onChange?.();
        resolve(msg.url);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.child !== child) return;
        this.state = 'down';
        this.onChange?.();
        if (this.stopping) return;
        const why = `${name} (pid ${child.pid}) exited with ${signal ?? `code ${code}`}`;
        if (this.url === undefined) return reject(new Error(`${why} before it was ready`));
        log(`[launcher] ${why}${this.spec.restart ? '; restarting' : ''}`);
        if (this.spec.restart) {
          this.restarts += 1;
          this.start().catch((err: Error) => log(`[launcher] restart of ${name} failed: ${err.message}`));
        }
      });
    });
  }

  /** SIGTERM, then SIGKILL after graceMs. Resolves when the process is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
