// The scorer process: configuration, logger, signals. Everything else is wired in service.ts.
import { flagsOrExit } from '../../cli/src/flags.ts';
import { loadConfig } from './config.ts';
import { errorMessage } from './errors.ts';
import { createLogger } from './observability/logger.ts';
import { ScorerService } from './service.ts';

const config = flagsOrExit('scorer', () => loadConfig(process.env, process.argv.slice(2)));
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
// npm forwards a signal and the process group delivers another: repeats during a drain are ignored, so the
// drain is never cut halfway. A third SIGINT (a person pressing Ctrl-C again) forces the exit, and says so.
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (signal === 'SIGINT' && ++interrupts >= 3) {
      log.warn({ signal }, 'third SIGINT: exiting now, without a clean drain');
      process.exit(130);
    }
    if (service.state === 'draining' || service.state === 'stopped') {
      log.info({ signal }, 'already draining: signal ignored (a third SIGINT forces the exit)');
      return;
    }
    void service.stop(signal);
  });
}
// SIGHUP: the model files at the configured paths again, swapped in while the scorer runs (see reloadModels).
process.on('SIGHUP', () => void service.reloadModels());
process.exit(await service.finished);
