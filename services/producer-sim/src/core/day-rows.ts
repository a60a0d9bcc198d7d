export const SECONDS_PER_DAY = 86_400;

const INITIAL_CAPACITY = 1 << 14;

/**
 * One simulated day of transactions as columns, reused from day to day (grown, never shrunk), plus a stable
 * counting sort by second: emitting a day in event-time order costs O(rows + 86,400) and no allocation.
 */
export class DayRows {
  length = 0;
  /** Second of the day, 0..86,399; -1 marks a row dropped after it was generated. */
  sec = new Int32Array(INITIAL_CAPACITY);
  customer = new Uint32Array(INITIAL_CAPACITY);
  terminal = new Uint32Array(INITIAL_CAPACITY);
  amountMinor = new Float64Array(INITIAL_CAPACITY);
  /** Index into CHANNELS. */
  channel = new Uint8Array(INITIAL_CAPACITY);
  /** 0 genuine, else a scenario code. */
  scenario = new Uint8Array(INITIAL_CAPACITY);
  /** 1 for rows a fraud scenario injected (the Handbook's rules then leave them alone). */
  injected = new Uint8Array(INITIAL_CAPACITY);
  /** 32-bit device and IP tokens; 0 = none (card present). */
  device = new Uint32Array(INITIAL_CAPACITY);
  ip = new Uint32Array(INITIAL_CAPACITY);
  /** Row indices in event-time order after `sort()`. */
  order = new Uint32Array(INITIAL_CAPACITY);
  sortedLength = 0;
  readonly #counts = new Uint32Array(SECONDS_PER_DAY + 1);

  clear(): void {
    this.length = 0;
    this.sortedLength = 0;
  }

  /** Appends a genuine row with no channel decided yet; returns its index. */
  push(sec: number, customer: number, terminal: number, amountMinor: number): number {
    if (this.length === this.sec.length) this.#grow();
    const i = this.length++;
    this.sec[i] = sec;
    this.customer[i] = customer;
    this.terminal[i] = terminal;
    this.amountMinor[i] = amountMinor;
    this.channel[i] = 0;
    this.scenario[i] = 0;
    this.injected[i] = 0;
    this.device[i] = 0;
    this.ip[i] = 0;
    return i;
  }

  /** Appends a fraud row of scenario `code`. */
  pushFraud(sec: number, customer: number, terminal: number, amountMinor: number, code: number): number {
    const i = this.push(sec, customer, terminal, amountMinor);
    this.scenario[i] = code;
    this.injected[i] = 1;
    return i;
  }

  sort(): void {
    const counts = this.#counts;
    counts.fill(0);
    for (let i = 0; i < this.length; i++) {
      const s = this.sec[i]!;
      if (s >= 0) counts[s + 1]!++;
    }
    for (let s = 0; s < SECONDS_PER_DAY; s++) counts[s + 1]! += counts[s]!;
    for (let i = 0; i < this.length; i++) {
      const s = this.sec[i]!;
      if (s >= 0) this.order[counts[s]!++] = i;
    }
    this.sortedLength = counts[SECONDS_PER_DAY - 1]!;
  }

  #grow(): void {
    const capacity = this.sec.length * 2;
    this.sec = copyInto(new Int32Array(capacity), this.sec);
    this.customer = copyInto(new Uint32Array(capacity), this.customer);
    this.terminal = copyInto(new Uint32Array(capacity), this.terminal);
    this.amountMinor = copyInto(new Float64Array(capacity), this.amountMinor);
    this.channel = copyInto(new Uint8Array(capacity), this.channel);
    this.scenario = copyInto(new Uint8Array(capacity), this.scenario);
    this.injected = copyInto(new Uint8Array(capacity), this.injected);
    this.device = copyInto(new Uint32Array(capacity), this.device);
    this.ip = copyInto(new Uint32Array(capacity), this.ip);
    this.order = new Uint32Array(capacity);
  }
}

function copyInto<T extends { set(source: ArrayLike<number>): void }>(target: T, source: ArrayLike<number>): T {
  target.set(source);
  return target;
}
