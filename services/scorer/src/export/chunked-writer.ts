import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';

const CHUNK_CHARS = 1 << 20;

/** Appends text to a file in ~1 MB writes, waiting when the stream pushes back. */
export class ChunkedWriter {
  readonly #stream: WriteStream;
  #chunk = '';
  #failure: Error | undefined;

  constructor(path: string) {
    this.#stream = createWriteStream(path);
    this.#stream.on('error', (error) => (this.#failure = error));
  }

  /** Resolves at once unless a full chunk had to wait for the disk. */
  async write(text: string): Promise<void> {
    this.#chunk += text;
    if (this.#chunk.length >= CHUNK_CHARS) await this.#flush();
  }

  async close(): Promise<void> {
    await this.#flush();
    this.#stream.end();
    if (!this.#stream.writableFinished) await once(this.#stream, 'finish');
    if (this.#failure) throw this.#failure;
  }

  async #flush(): Promise<void> {
    if (this.#failure) throw this.#failure;
    const chunk = this.#chunk;
    this.#chunk = '';
    if (chunk.length > 0 && !this.#stream.write(chunk)) await once(this.#stream, 'drain');
  }
}
