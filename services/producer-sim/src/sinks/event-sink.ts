import type { SimEvent } from '../core/simulation.ts';

/** Where a file-style run puts the stream. `write` returns a promise only when the caller must wait. */
export interface EventSink {
  write(event: SimEvent): Promise<void> | null;
  close(manifest: object): Promise<void>;
}

/** Generates and discards: measures the generator alone. */
export class NullSink implements EventSink {
  write(): null {
    return null;
  }

  async close(): Promise<void> {}
}
