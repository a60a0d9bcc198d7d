// The scorer process: configuration, logger, signals. Everything else is wired in service.ts.
import { loadConfig } from './config.ts';
import { ScorerError, errorMessage } from './errors.ts';
import { createLogger } from './observability/logger.ts';
import { ScorerService } from './service.ts';

let config;
try {
  config = loadConfig(process.env, process.argv.slice(2));
} catch (error) {
  console.error(`scorer: ${error instanceof ScorerError ? `[${error.code}] ` : ''}${errorMessage(error)}`);
  process.exit(2);
}
const log = createLogger(config.logLevel, 'scorer');
let service: ScorerService;
try {
  service = await ScorerService.start(config, log);
} catch (error) {
  const code = (error as { code?: string }).code;
  log.fatal({ code, err: errorMessage(error) }, 'start-up failed');
  console.error(`scorer: start-up failed${code ? ` [${code}]` : ''}: ${errorMessage(error)}`);
  process.exit(1);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void service.stop(signal));
}
process.exit(await service.finished);
