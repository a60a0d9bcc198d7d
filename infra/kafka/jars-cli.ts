// Resolves the broker's jars into the cache (a no-op when they are there); used by install scripts and CI.
import { loadBrokerConfig } from './config.ts';
import { BrokerError } from './errors.ts';
import { ensureJars } from './jars.ts';

try {
  const config = loadBrokerConfig(process.env);
  const jars = ensureJars(config.libsDir, (line) => console.log(`kafka: ${line}`));
  console.log(`kafka: ${jars.length} jars in ${config.libsDir}`);
} catch (error) {
  console.error(`kafka: error${error instanceof BrokerError ? ` [${error.code}]` : ''}: ${(error as Error).message}`);
  if (error instanceof BrokerError && error.detail) console.error(error.detail);
  process.exit(1);
}
