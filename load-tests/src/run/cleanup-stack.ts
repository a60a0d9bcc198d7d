/**
 * What a run opened, closed in reverse order on the way out (also after Ctrl-C); one failing close does not stop
 * the others. `closeAll()` is idempotent.
 */
export class CleanupStack {
  readonly #items: { name: string; close: () => Promise<unknown> | void }[] = [];
  readonly #log: (line: string) => void;
  #closing: Promise<void> | undefined;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  defer(name: string, close: () => Promise<unknown> | void): void {
    this.#items.push({ name, close });
  }

  closeAll(): Promise<void> {
    this.#closing ??= (async () => {
      for (const { name, close } of this.#items.reverse()) {
        try {
          await close();
        } catch (error) {
          this.#log(`closing ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.#closing;
  }
}
