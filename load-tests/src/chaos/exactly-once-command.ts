import { loadBrokerConfig } from '../../../infra/kafka/config.ts';
import { flagsOrExit } from '../../../services/cli/src/flags.ts';
import { BenchError, errorMessage } from '../errors.ts';
import { deleteBenchResources } from '../run/bench-setup.ts';
import { runExactlyOnce } from './exactly-once.ts';
import { parseExactlyOnceFlags } from './exactly-once-flags.ts';
import { formatExactlyOnceReport, judgeExactlyOnce } from './exactly-once-report.ts';
import { startOwnBroker, type OwnBroker } from './own-broker.ts';

/**
 * `npm run chaos -- exactly-once [flags]`; resolves with the process's exit code. `--help` (exit 0) and a bad flag
 * (exit 2) end the process at once.
 */
export async function exactlyOnceCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const log = (line: string) => console.log(`chaos: ${line}`);
  const flags = flagsOrExit('chaos', () => parseExactlyOnceFlags(argv, env));
  const given = env['KAFKA_BROKERS']?.split(',');
  let broker: OwnBroker | undefined;
  const abort = new AbortController();
  // The run's scorers are SIGKILLed at once; the broker runs detached, so it is stopped here before the exit.
  const onSignal = () => {
    log('interrupted: stopping the scorers and the broker');
    abort.abort();
    void (broker?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const runId = `eo-${Date.now().toString(36)}`;
  try {
    if (given === undefined) {
      const config = loadBrokerConfig(env);
      broker = await startOwnBroker({
        port: config.port,
        controllerPort: config.controllerPort,
        libsDir: config.libsDir,
        heapMb: config.heapMb,
        log: (line) => log(`kafka: ${line}`),
      });
      log(`kafka: a broker of this run's own on ${broker.address}`);
    }
    const brokers = given ?? [broker!.address];
    const report = await runExactlyOnce({
      ...flags,
      runId,
      brokers,
      broker,
      settleMs: 180_000,
      signal: abort.signal,
      log,
    });
    console.log(formatExactlyOnceReport(report));
    return judgeExactlyOnce(report).length === 0 ? 0 : 1;
  } catch (error) {
    const code = error instanceof BenchError ? ` [${error.code}]` : '';
    console.error(`chaos: exactly-once failed${code}: ${errorMessage(error)}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (broker !== undefined) await broker.close();
    else if (given !== undefined) await deleteBenchResources(given, runId).catch(() => {});
  }
}
