import { logLevel } from 'kafkajs';
import type { logCreator } from 'kafkajs';

/** kafkajs' warnings and errors as one line each through `log`; its info chatter (joins, commits) dropped. */
export function quietLogCreator(log: (line: string) => void): logCreator {
  return () =>
    ({ level, namespace, log: entry }) => {
      if (level > logLevel.WARN) return;
      log(`kafkajs ${level === logLevel.ERROR ? 'error' : 'warn'} [${namespace}] ${entry.message}`);
    };
}
