import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchError } from '../errors.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');
const TAIL_LINES = 30;

export interface ServiceSpec {
  readonly name: string;
  /** A TypeScript entry point, relative to the repository root, run through tsx. */
  readonly script: string;
  readonly args: readonly string[];
  /** stdout and stderr go here (appended). */
  readonly logFile: string;
  /** The Node binary to run it on; default this process's own (npm scripts run on the project's Node 24). */
  readonly node?: string | undefined;
  /** Flags for that Node binary, before the loader and the script. */
  readonly nodeFlags?: readonly string[];
  /**
   * Variables set for the child on top of this process's environment: for a secret (a token), which must not
   * show in the process list as an argument would.
   */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * A service this run started as a child process: its output is kept in a log file (and the last lines in
 * memory, for error messages); `stop()` sends SIGTERM, then SIGKILL after the grace period, and is idempotent.
 */
export class ChildService {
  readonly name: string;
  readonly #child: ChildProcess;
  readonly #tail: string[] = [];
  readonly #lineWaiters: { pattern: RegExp; resolve: () => void }[] = [];
  readonly exited: Promise<number>;
  #exitCode: number | undefined;
  #stopping: Promise<void> | undefined;

  constructor(spec: ServiceSpec) {
    this.name = spec.name;
    const log = createWriteStream(spec.logFile, { flags: 'a' });
    this.#child = spawn(
      spec.node ?? process.execPath,
      [...(spec.nodeFlags ?? []), '--import', 'tsx', spec.script, ...spec.args],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        // The kafkajs pass-through's producer would otherwise warn of kafkajs 2's partitioner change at each start.
        env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1', ...spec.env },
      },
    );
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        log.write(chunk);
        this.#onOutput(chunk.toString('utf8'));
      });
    }
    this.exited = new Promise((done) => {
      this.#child.once('exit', (code, signal) => {
        this.#exitCode = code ?? (signal ? 128 : 1);
        log.end();
        done(this.#exitCode);
      });
      this.#child.once('error', () => {
        this.#exitCode = 127;
        log.end();
        done(127);
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#exitCode === undefined;
  }

  tail(): string {
    return this.#tail.join('\n');
  }

  /** Resolves when a line of its output matches; fails if it exits or the time runs out first. */
  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<void> {
    let resolveLine!: () => void;
    const line = new Promise<void>((done) => (resolveLine = done));
    this.#lineWaiters.push({ pattern, resolve: resolveLine });
    if (this.#tail.some((l) => pattern.test(l))) resolveLine();
    await this.#race(line, timeoutMs, `no line matching ${pattern} within ${timeoutMs} ms`);
  }

  /** Resolves when `probe()` returns true (polled); fails if it exits or the time runs out first. */
  async waitFor(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const poll = (async () => {
      while (this.running && Date.now() < deadline) {
        if (await probe().catch(() => false)) return;
        await sleep(250);
      }
    })();
    await this.#race(poll, timeoutMs + 1_000, `not ${what} within ${timeoutMs} ms`);
    if (!this.running) throw this.#exitError();
    if (Date.now() >= deadline)
      throw new BenchError('CHILD_FAILED', `${this.name}: not ${what} within ${timeoutMs} ms`);
  }

  stop(graceMs = 20_000): Promise<void> {
    this.#stopping ??= (async () => {
      if (!this.running) return;
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    })();
    return this.#stopping;
  }

  /** SIGSTOP: the process halts where it is, its sockets left open, as when the machine pauses it. */
  pause(): void {
    if (this.running) this.#child.kill('SIGSTOP');
  }

  /** SIGCONT after `pause`. */
  resume(): void {
    if (this.running) this.#child.kill('SIGCONT');
  }

  /** Immediate SIGKILL, for a second Ctrl-C. */
  kill(): void {
    if (this.running) this.#child.kill('SIGKILL');
  }

  #onOutput(text: string): void {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      this.#tail.push(line);
      if (this.#tail.length > TAIL_LINES) this.#tail.shift();
      for (const waiter of this.#lineWaiters) if (waiter.pattern.test(line)) waiter.resolve();
    }
  }

  async #race(work: Promise<void>, timeoutMs: number, timeoutMessage: string): Promise<void> {
    const timer = new AbortController();
    try {
      await Promise.race([
        work,
        this.exited.then(() => {
          throw this.#exitError();
        }),
        sleep(timeoutMs, undefined, { signal: timer.signal }).then(() => {
          throw new BenchError('CHILD_FAILED', `${this.name}: ${timeoutMessage}\n${this.tail()}`);
        }),
      ]);
    } finally {
      timer.abort();
    }
  }

  #exitError(): BenchError {
    return new BenchError('CHILD_FAILED', `${this.name} exited with code ${this.#exitCode}:\n${this.tail()}`);
  }
}
