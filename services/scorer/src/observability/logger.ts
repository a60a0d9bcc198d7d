import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines to stdout. Records never log transaction contents: ids of cards stay out of logs. */
export function createLogger(level: string, name: string): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}
