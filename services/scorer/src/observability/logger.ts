import { logLevel, type logCreator } from 'kafkajs';
import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines to stdout. Records never log transaction contents: ids of cards stay out of logs. */
export function createLogger(level: string, name: string): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}

/** kafkajs' own log lines, through the same logger (its INFO is chatty: consumer joins, commits). */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      const child = { kafkajs: extra };
      if (level === logLevel.ERROR) logger.error(child, message);
      else if (level === logLevel.WARN) logger.warn(child, message);
      else if (level === logLevel.INFO) logger.debug(child, message);
      else logger.trace(child, message);
    };
}
