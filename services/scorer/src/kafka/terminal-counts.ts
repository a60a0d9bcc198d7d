import type { Consumer, Producer } from 'kafkajs';
import type { TerminalAggregate } from '../core/features/terminal-aggregate.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';

/**
 * Terminal windows look only at days at least 7 days old, so every instance can share its per-terminal,
 * per-day transaction counts through a compacted topic (key `source|terminal|day`, value the count) and read
 * everybody else's: the terminal features of N instances then equal those of one, though each sees only its
 * own partitions' transactions. An eventually consistent global table, in the spirit of Kafka Streams'.
 */
export class TerminalCountsSync {
  readonly #terminals: TerminalAggregate;
  readonly #producer: Producer;
  readonly #topic: string;
  readonly #source: string;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #publishing: Promise<void> = Promise.resolve();

  constructor(terminals: TerminalAggregate, producer: Producer, topic: string, source: string, log: Logger) {
    this.#terminals = terminals;
    this.#producer = producer;
    this.#topic = topic;
    this.#source = source;
    this.#log = log;
  }

  /** Reads every instance's counts from the start of the topic, then keeps following it. */
  async follow(consumer: Consumer): Promise<void> {
    await consumer.subscribe({ topic: this.#topic, fromBeginning: true });
    await consumer.run({
      eachBatch: ({ batch }) => {
        for (const m of batch.messages) {
          const key = m.key?.toString('utf8');
          const parts = key?.split('|');
          if (!parts || parts.length !== 3 || m.value === null) continue;
          const [source, terminal, day] = parts as [string, string, string];
          // Our own counts are already in memory and newer than what we published.
          if (source === this.#source) continue;
          const count = Number(m.value.toString('utf8'));
          if (Number.isInteger(count) && count >= 0)
            this.#terminals.setTransactions(source, terminal, Number(day), count);
        }
        return Promise.resolve();
      },
    });
  }

  /** Publishes the counts changed since the last call every `intervalMs`. */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => {
      this.#publishing = this.#publishing.then(() => this.publish());
    }, intervalMs);
    this.#timer.unref();
  }

  async publish(): Promise<void> {
    const messages: { key: string; value: string }[] = [];
    this.#terminals.drainDirty((source, terminal, day, count) => {
      messages.push({ key: `${source}|${terminal}|${day}`, value: String(count) });
    });
    if (messages.length === 0) return;
    try {
      await this.#producer.send({ topic: this.#topic, messages });
    } catch (error) {
      // Shared counts lag a little; the next publish sends the cells changed again.
      this.#log.warn({ err: errorMessage(error), cells: messages.length }, 'terminal counts not published');
    }
  }

  /** Stops the timer and publishes what is left. Idempotent. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#publishing;
    await this.publish();
  }
}
