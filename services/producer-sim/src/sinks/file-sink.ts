import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { SimEvent } from '../core/simulation.ts';
import { SimError } from '../errors.ts';
import type { EventSink } from './event-sink.ts';
import type { TextFormat } from './text-format.ts';

const CHUNK_CHARS = 1 << 20;

/** Buffers lines into ~1 MB chunks and honours the stream's backpressure. */
class ChunkedFile {
  readonly #stream: WriteStream;
  #chunk = '';
  #failure: Error | undefined;

  constructor(path: string, header: string) {
    this.#stream = createWriteStream(path);
    this.#stream.on('error', (error) => (this.#failure = error));
    this.#chunk = header;
  }

  /** Appends a line; true when the chunk is full and `flush()` is due. */
  add(line: string): boolean {
    this.#chunk += line;
    return this.#chunk.length >= CHUNK_CHARS;
  }

  async flush(): Promise<void> {
    if (this.#failure) throw this.#failure;
    const chunk = this.#chunk;
    this.#chunk = '';
    if (chunk.length > 0 && !this.#stream.write(chunk)) await once(this.#stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.#stream.end();
    await once(this.#stream, 'finish');
    if (this.#failure) throw this.#failure;
  }
}

/**
 * The stream as files: `transactions.<ext>` (exactly what goes to the topic), `labels.<ext>` (the delayed
 * reports, in the order they are reported) and `truth.<ext>` (is-fraud and scenario of every transaction,
 * for training and evaluation; a pipeline never sees it).
 */
export class FileSink implements EventSink {
  readonly #dir: string;
  readonly #format: TextFormat;
  readonly #transactions: ChunkedFile;
  readonly #labels: ChunkedFile;
  readonly #truth: ChunkedFile;

  private constructor(dir: string, format: TextFormat) {
    this.#dir = dir;
    this.#format = format;
    const path = (name: string): string => join(dir, `${name}.${format.extension}`);
    this.#transactions = new ChunkedFile(path('transactions'), format.transactionHeader);
    this.#labels = new ChunkedFile(path('labels'), format.labelHeader);
    this.#truth = new ChunkedFile(path('truth'), format.truthHeader);
  }

  static async open(dir: string, format: TextFormat): Promise<FileSink> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw new SimError('OUTPUT_FAILED', `cannot create output directory ${dir}`, { cause: error });
    }
    return new FileSink(dir, format);
  }

  write(event: SimEvent): Promise<void> | null {
    const format = this.#format;
    if (event.kind === 'label') return this.#labels.add(format.label(event.label)) ? this.#labels.flush() : null;
    const full = this.#transactions.add(format.transaction(event.tx));
    // Both files fill at nearly the same pace: flush them together when either is full.
    if (this.#truth.add(format.truth(event.tx.transactionId, event.scenario)) || full) {
      return Promise.all([this.#transactions.flush(), this.#truth.flush()]).then(() => undefined);
    }
    return null;
  }

  /** Closes the three files and writes `manifest.json` describing the run. */
  async close(manifest: object): Promise<void> {
    try {
      await Promise.all([this.#transactions.close(), this.#labels.close(), this.#truth.close()]);
      await writeFile(join(this.#dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    } catch (error) {
      throw new SimError('OUTPUT_FAILED', `cannot write to ${this.#dir}`, { cause: error });
    }
  }
}
