/**
 * Keeps scorer starts and broker outages apart. A scorer that starts while the broker is down fails its start-up
 * (it needs the broker to check its topics and join), which would be the harness's doing, not a fault of the
 * scorer: starts wait while the gate is closed, and closing waits for the starts already under way.
 */
export class StartGate {
  #closed: Promise<void> | undefined;
  #reopen: (() => void) | undefined;
  #starting = 0;
  #idle: (() => void)[] = [];

  get open(): boolean {
    return this.#closed === undefined;
  }

  /** Runs `start` once the gate is open; a close waits until it has settled. */
  async run<T>(start: () => Promise<T>): Promise<T> {
    while (this.#closed !== undefined) await this.#closed;
    this.#starting++;
    try {
      return await start();
    } finally {
      if (--this.#starting === 0) for (const wake of this.#idle.splice(0)) wake();
    }
  }

  /** Closes the gate; resolves once no start is under way. */
  async close(): Promise<void> {
    if (this.#closed === undefined) this.#closed = new Promise((resolve) => (this.#reopen = resolve));
    while (this.#starting > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  reopen(): void {
    const wake = this.#reopen;
    this.#closed = undefined;
    this.#reopen = undefined;
    wake?.();
  }
}
