// Supervises one component process: starts it, waits for its ready message,
// restarts it when it dies unexpectedly, and stops it (and its process group)
// by PID. Its output goes to its own log, not to the terminal; a failure to
// start becomes one StartupError that names a file with its last log lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComponentState } from '../../../contract/http.ts';
import { StartupError, isStartupFailure, type ComponentName } from './startup-error.ts';

const TSX = import.meta.resolve('tsx');
const TAIL_LINES = 20;

export interface ComponentSpec {
  name: Exclude<ComponentName, 'launcher'>;
  /** Entry file, relative to sandbox/src. */
  entry: string;
  env: NodeJS.ProcessEnv;
  /** Restart on unexpected exit (the chain is not: its state would be gone). */
  restart: boolean;
  readyTimeoutMs?: number;
  /** The launcher's own lines (the terminal). */
  log: (line: string) => void;
  /** Where `<name>.log` (everything the component printed) and a failure's tail go; unset: the tail goes to the temp folder. */
  logDir?: string;
}

/** What a component process tells the launcher over IPC. */
type ComponentMessage = { type: 'ready'; url: string; pid?: number } | { type: 'failed'; failure: unknown };

export class Component {
  child?: ChildProcess;
  url?: string;
  restarts = 0;
  state: ComponentState['state'] = 'starting';
  /** The PID doing the work, when the component reports one (the postmaster for Postgres). */
  private servicePid?: number;
  private stopping = false;
  private readonly tail: string[] = [];
  /** Spawned ahead of its configuration (see prewarm). */
  private early?: ChildProcess;
  /** What the current process said failed (over IPC), kept from the moment it is spawned: a prewarmed one may fail before start(). */
  private failure: unknown;
  onChange?: () => void;
  /** Env added after the first start (e.g. the port to keep across restarts). */
  stickyEnv: NodeJS.ProcessEnv = {};

  constructor(private readonly spec: ComponentSpec) {
    if (spec.logDir) mkdirSync(spec.logDir, { recursive: true, mode: 0o700 });
  }

  get name(): string {
    return this.spec.name;
  }

  get logFile(): string | undefined {
    return this.spec.logDir && join(this.spec.logDir, `${this.name}.log`);
  }

  describe(): ComponentState {
    return { name: this.name, state: this.state, restarts: this.restarts, pid: this.servicePid ?? this.child?.pid ?? null };
  }

  send(message: unknown): void {
    if (this.child?.connected) this.child.send(message as object);
  }

  /**
   * Spawns the process now, before its configuration is known, so it loads its modules while the
   * components it depends on boot; start(env) then hands it the rest of its environment over IPC.
   */
  prewarm(): void {
    this.early = this.spawn({ SANDBOX_ENV_VIA_IPC: '1' });
  }

  /** Starts the component (or configures the prewarmed one) and resolves with the URL it reports. */
  start(env: NodeJS.ProcessEnv = {}): Promise<string> {
    const child = this.early ?? this.spawn(env);
    if (this.early) {
      this.early = undefined;
      child.send({ type: 'env', env });
    }
    this.child = child;
    this.state = 'starting';
    return this.awaitReady(child, env);
  }

  private spawn(env: NodeJS.ProcessEnv): ChildProcess {
    const file = fileURLToPath(new URL(`../${this.spec.entry}`, import.meta.url));
    const child = spawn(process.execPath, ['--import', TSX, file], {
      env: { ...process.env, ...this.spec.env, ...env, ...this.stickyEnv },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Own process group: a terminal's Ctrl-C reaches the launcher only, which stops components
      // in order, and a stop reaches every process the component started (the postmaster too).
      detached: true,
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffer = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        this.record(lines.filter((line) => line.trim()));
      });
    }
    // A component that fails before start() was called (prewarmed) is reported by start().
    this.failure = undefined;
    child.on('message', (msg: ComponentMessage) => {
      if (msg?.type === 'failed') this.failure = msg.failure;
    });
    child.on('error', (err) => this.record([`spawn failed: ${err.message}`]));
    return child;
  }

  private record(lines: string[]): void {
    if (!lines.length) return;
    this.tail.push(...lines);
    this.tail.splice(0, Math.max(0, this.tail.length - TAIL_LINES));
    if (this.logFile) appendFileSync(this.logFile, lines.map((line) => `${line}\n`).join(''), { mode: 0o600 });
  }

  private awaitReady(child: ChildProcess, env: NodeJS.ProcessEnv): Promise<string> {
    const { name, log } = this.spec;
    const exitedBeforeReady = (why: string) =>
      this.startupError(
        isStartupFailure(this.failure)
          ? this.failure
          : {
              component: this.spec.name,
              what: `${why} before it was ready: ${this.tail.at(-1) ?? '(it printed nothing)'}`,
              cause: 'an error in the component; its log has the details',
              todo: 'read the log lines named below',
            },
      );
    // A prewarmed process can be gone already (it failed loading its modules): say so now, not after the timeout.
    if (child.exitCode !== null || child.signalCode !== null)
      return Promise.reject(exitedBeforeReady(`${name} (pid ${child.pid}) exited with ${child.signalCode ?? `code ${child.exitCode}`}`));
    return new Promise((resolve, reject) => {
      const timeoutMs = this.spec.readyTimeoutMs ?? 30_000;
      const timer = setTimeout(() => {
        reject(
          this.startupError({
            component: this.spec.name,
            what: `did not report ready within ${timeoutMs / 1000} s`,
            cause: 'the machine is overloaded, or the component waits on something that does not answer',
            todo: 'read the log lines named below; on a busy machine, run again when it is quieter',
          }),
        );
        this.kill(child, 'SIGKILL');
      }, timeoutMs);
      child.on('message', (msg: ComponentMessage) => {
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
        if (this.url === undefined) return reject(exitedBeforeReady(why));
        log(`[launcher] ${why}${this.spec.restart ? '; restarting' : ''}${this.logFile ? ` (its log: ${this.logFile})` : ''}`);
        if (this.spec.restart) {
          this.restarts += 1;
          this.start(env).catch((err: Error) => log(`[launcher] restart of ${name} failed: ${err.message}`));
        }
      });
    });
  }

  /** The error for a failed start, with the last log lines written to a file it names. */
  private startupError(failure: ConstructorParameters<typeof StartupError>[0]): StartupError {
    const error = new StartupError(failure);
    const dir = this.spec.logDir ?? tmpdir();
    const file = join(
      dir,
      this.spec.logDir ? `${this.name}.startup-failure.log` : `escrow-ramp-${this.name}-startup-failure-${process.pid}.log`,
    );
    try {
      writeFileSync(file, this.tail.map((line) => `${line}\n`).join(''), { mode: 0o600 });
      error.logFile = file;
    } catch {
      // the message stands without the file
    }
    return error;
  }

  private kill(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
      process.kill(-child.pid!, signal); // the whole group: the component and what it started
    } catch {
      child.kill(signal);
    }
  }

  /** SIGTERM, then SIGKILL to its process group after graceMs. Resolves when the process is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    for (const child of [this.early, this.child]) {
      if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => this.kill(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
  }
}
